"""`tasks.jsonl` (interchange.md §7): one task per line, keyed by `Ma`, loaded idempotently.

Every bad line is reported with its line number and a Vietnamese reason; nothing of the
file is committed when a line is invalid unless `skip_invalid` (then the valid lines are
loaded and the rejects listed). A second run of the same file changes nothing. Imported
steps are events by the `IMPORT` actor; extensions are imported as approved on `NgayDuyet`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import IMPORT, actor_label
from cchc.core.bundle_values import text_value
from cchc.core.errors import DomainError, ValidationFailed
from cchc.core.text import fold
from cchc.interchange.formats import json_problem
from cchc.plans import status as st
from cchc.plans.models import Extension, Task, TaskEvent, TaskStatus
from cchc.plans.services import check_deadline, resolve_agency

FILE_NAME = "tasks.jsonl"
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,59}$")


@dataclass
class Reject:
    line: int
    reason: str
    raw: str = ""


@dataclass
class ImportResult:
    name: str = FILE_NAME
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    refused: bool = False

    def summary(self) -> str:
        if self.refused:
            return f"{self.name}: 0 created, 0 updated, 0 unchanged, {len(self.rejects)} rejected"
        return (
            f"{self.name}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejects)} rejected"
        )


def _date(row: dict[str, Any], key: str, *, required: bool = False) -> dt.date | None:
    value = text_value(
        row, key, required=required, expected=_("%(field)s must be a date YYYY-MM-DD.")
    )
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s is not a date YYYY-MM-DD: %(value)s") % {"field": key, "value": value},
            field=key,
        ) from exc


def _text(row: dict[str, Any], key: str, *, required: bool = True, limit: int = 500) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_("%(field)s is required.") % {"field": key}, field=key)
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(_("%(field)s must be text.") % {"field": key}, field=key)
    return value.strip()[:limit]


def validate_row(row: Any, agencies: dict[str, Agency]) -> dict[str, Any]:
    """One line → clean values, or ValidationFailed with the reason."""
    if not isinstance(row, dict):
        raise ValidationFailed(_("The line is not a JSON object."))
    code = _text(row, "Ma", limit=60)
    if not CODE.match(code):
        raise ValidationFailed(_("Ma is not a valid code: %(v)s") % {"v": code}, field="Ma")
    assigned_on = _date(row, "NgayGiao", required=True)
    deadline = _date(row, "HanXuLy", required=True)
    assert assigned_on and deadline
    check_deadline(assigned_on, deadline, field="HanXuLy")
    lead_code = _text(row, "DonViChuTri", limit=40)
    if lead_code not in agencies:
        raise ValidationFailed(
            _("Unknown unit DonViChuTri: %(c)s") % {"c": lead_code}, field="DonViChuTri"
        )
    lead = resolve_agency(agencies[lead_code], assigned_on, field="DonViChuTri")
    co_codes = row.get("DonViPhoiHop") or []
    if not isinstance(co_codes, list) or not all(isinstance(c, str) for c in co_codes):
        raise ValidationFailed(
            _("DonViPhoiHop must be a list of unit codes."), field="DonViPhoiHop"
        )
    co = []
    for c in co_codes:
        if c not in agencies:
            raise ValidationFailed(
                _("Unknown unit DonViPhoiHop: %(c)s") % {"c": c}, field="DonViPhoiHop"
            )
        co.append(resolve_agency(agencies[c], assigned_on, field="DonViPhoiHop"))
    extensions = []
    raw_ext = row.get("GiaHan") or []
    if not isinstance(raw_ext, list):
        raise ValidationFailed(_("GiaHan must be a list."), field="GiaHan")
    for e in raw_ext:
        if not isinstance(e, dict):
            raise ValidationFailed(
                _("Each GiaHan entry is an object with HanMoi and NgayDuyet."), field="GiaHan"
            )
        new = _date(e, "HanMoi", required=True)
        approved = _date(e, "NgayDuyet", required=True)
        assert new and approved
        extensions.append((approved, new))
    completed_on = _date(row, "NgayHoanThanh")
    if completed_on is not None and completed_on < assigned_on:
        raise ValidationFailed(_("NgayHoanThanh is before NgayGiao."), field="NgayHoanThanh")
    parent = row.get("MaCha")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise ValidationFailed(_("MaCha must be a task code or null."), field="MaCha")
    if parent == code:
        raise ValidationFailed(_("A task cannot be its own parent."), field="MaCha")
    return {
        "code": code,
        "title": _text(row, "TieuDe"),
        "source_document": _text(row, "NguonVanBan", limit=200),
        "lead": lead,
        "co": sorted({a.pk for a in co}),
        "parent": parent,
        "assigned_on": assigned_on,
        "deadline": deadline,
        "extensions": sorted(extensions),
        "completed_on": completed_on,
    }


def _same(
    task: Task,
    v: dict[str, Any],
    co: list[int],
    ext: list[tuple[dt.date, dt.date]],
    parent_code: str | None,
) -> bool:
    return (
        task.title == v["title"]
        and task.source_document == v["source_document"]
        and task.lead_agency_id == v["lead"].pk
        and task.assigned_on == v["assigned_on"]
        and task.deadline == v["deadline"]
        and task.completed_on == v["completed_on"]
        and co == v["co"]
        and ext == v["extensions"]
        and parent_code == v["parent"]
    )


def import_tasks(path: Path, *, skip_invalid: bool = False) -> ImportResult:
    result = ImportResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    rows: list[tuple[int, dict[str, Any], str]] = []
    seen: dict[str, int] = {}
    with path.open("rb") as handle:
        for n, data in enumerate(handle, 1):
            if n == 1:  # a file saved by Notepad starts with a byte order mark
                data = data.removeprefix(codecs.BOM_UTF8)
            line = data.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                raw = json.loads(data.decode("utf-8"))
            except ValueError:  # not UTF-8, or not JSON: said in the reader's language
                result.rejects.append(Reject(n, json_problem(data), line.rstrip("\r\n")))
                continue
            try:
                values = validate_row(raw, agencies)
            except DomainError as exc:
                result.rejects.append(Reject(n, exc.message, line.rstrip("\n")))
                continue
            if values["code"] in seen:
                result.rejects.append(
                    Reject(
                        n,
                        _("Ma %(c)s repeats line %(l)s.")
                        % {"c": values["code"], "l": seen[values["code"]]},
                        line.rstrip("\n"),
                    )
                )
                continue
            seen[values["code"]] = n
            rows.append((n, values, line.rstrip("\n")))
    # parents: in the file or already in the database
    known = set(seen) | set(
        Task.objects.filter(
            code__in=[v["parent"] for _n, v, _l in rows if v["parent"]]
        ).values_list("code", flat=True)
    )
    good = []
    for n, v, line in rows:
        if v["parent"] and v["parent"] not in known:
            result.rejects.append(
                Reject(n, _("Unknown parent task MaCha: %(c)s") % {"c": v["parent"]}, line)
            )
        else:
            good.append((n, v))
    if result.rejects and not skip_invalid:
        result.refused = True
        return result
    with transaction.atomic():
        _apply(result, good)
    return result


def _apply(result: ImportResult, rows: list[tuple[int, dict[str, Any]]]) -> None:
    today = timezone.localdate()
    codes = [v["code"] for _n, v in rows]
    existing = {t.code: t for t in Task.objects.filter(code__in=codes).select_related("parent")}
    co_now: dict[int, list[int]] = {}
    ext_now: dict[int, list[tuple[dt.date, dt.date]]] = {}
    if existing:
        ids = [t.pk for t in existing.values()]
        for task_id, agency_id in Task.co_agencies.through.objects.filter(
            task_id__in=ids
        ).values_list("task_id", "agency_id"):
            co_now.setdefault(task_id, []).append(agency_id)
        for e in Extension.objects.filter(task_id__in=ids, approved=True):
            if e.decided_on is not None:  # an approved extension is always decided
                ext_now.setdefault(e.task_id, []).append((e.decided_on, e.new_deadline))
    label = actor_label(IMPORT)
    by_code: dict[str, Task] = {}
    touched: list[tuple[Task, dict[str, Any], bool]] = []
    for _n, v in rows:
        task = existing.get(v["code"])
        if task is not None and _same(
            task,
            v,
            sorted(co_now.get(task.pk, [])),
            sorted(ext_now.get(task.pk, [])),
            task.parent.code if task.parent else None,
        ):
            result.unchanged += 1
            by_code[task.code] = task
            continue
        created = task is None
        if task is None:
            task = Task(code=v["code"], assigned_by_label=label, evidence_required=False)
        task.title = v["title"]
        task.source_document = v["source_document"]
        task.lead_agency = v["lead"]
        task.assigned_on = v["assigned_on"]
        task.deadline = v["deadline"]
        task.completed_on = v["completed_on"]
        task.deadline_in_force = st.deadline_as_of(v["deadline"], v["extensions"], today)
        task.status = TaskStatus.VERIFIED if v["completed_on"] else TaskStatus.ASSIGNED
        task.progress = 100 if v["completed_on"] else task.progress
        task.search_text = fold(
            f"{task.code} {task.title} {task.source_document} {task.lead_agency.code}"
        )
        task.save()
        by_code[task.code] = task
        touched.append((task, v, created))
        if created:
            result.created += 1
        else:
            result.updated += 1
    for task, v, created in touched:
        parent = by_code.get(v["parent"]) if v["parent"] else None
        if v["parent"] and parent is None:
            parent = Task.objects.get(code=v["parent"])
        if task.parent_id != (parent.pk if parent else None):
            task.parent = parent
            task.save(update_fields=["parent"])
        task.co_agencies.set(v["co"])
        if sorted(ext_now.get(task.pk, [])) != v["extensions"]:
            Extension.objects.filter(task=task, requested_by_label=label).delete()
            for approved_on, new in v["extensions"]:
                Extension.objects.create(
                    task=task,
                    requested_on=approved_on,
                    requested_by_label=label,
                    new_deadline=new,
                    approved=True,
                    decided_on=approved_on,
                    decided_by_label=label,
                )
        locked = events.lock(task) if not created else task
        events.append_event(
            TaskEvent,
            locked,
            action="import" if created else "import_update",
            actor=IMPORT,
            to_status=task.status,
            data={
                "deadline": v["deadline"].isoformat(),
                "completed_on": v["completed_on"].isoformat() if v["completed_on"] else None,
                "extensions": [[a.isoformat(), b.isoformat()] for a, b in v["extensions"]],
            },
        )
        Task.objects.filter(pk=task.pk).update(last_event_seq=locked.last_event_seq)
