"""Every write to the procedure catalogue. Views, the API and commands call these.

Each function is keyword-only, atomic, checks who may do it, locks the procedure row, and
writes a `CatalogueChange` audit row naming the actor.

Who may edit (Decree 63/2010 and Decree 92/2017 on controlling administrative procedures:
the province publishes the list of procedures each agency handles): the province
administrator for every procedure; an agency administrator for the procedures of their own
agencies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.agencies.models import Agency
from cchc.catalogue.models import (
    CatalogueChange,
    Field,
    OnlineLevel,
    Procedure,
    RequiredDocument,
    StepTemplate,
    TimeUnit,
)
from cchc.core import events
from cchc.core.actors import IMPORT, actor_label, is_system, require_actor
from cchc.core.calendar import DEFAULT_PARAMS
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.models import RuleVersion
from cchc.core.rules import ONE_STOP, rule_in_force
from cchc.core.uploads import SIGNATURES, check_upload

# đồng: far above any fee or charge, and well inside the 64-bit column (a longer number
# typed by mistake is refused with a message instead of failing in the database)
MAX_AMOUNT = 10**15

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")

# The number of a decision of the province (quyết định công bố, sửa đổi, bãi bỏ): "1234/QĐ-UBND",
# "12/2026/QĐ-UBND", "345/QĐ-CT"; "QD" typed without the đ is read as "QĐ".
DECISION_RE = re.compile(r"^\d{1,6}(?:/\d{4})?/QĐ-[0-9A-ZĐ][0-9A-ZĐ.\-]{0,30}$")
# no decision of the catalogue is older than the national TTHC database (Decree 63/2010)
OLDEST_DECISION = dt.date(2010, 1, 1)

# The record fields a form or an API may set (the ~22 published fields, less the M2M and
# the lists handled separately).
EDITABLE_FIELDS = (
    "code",
    "name",
    "field",
    "processing_time",
    "time_unit",
    "online_level",
    "has_fee",
    "fee_amount",
    "charge_amount",
    "fee_legal_basis",
    "paper_result",
    "result_description",
    "applicant_types",
    "submission_means",
    "steps_description",
    "conditions",
    "number_of_copies",
    "receiving_address",
    "legal_basis",
    "publication_decision",
    "deciding_authority",
    "validity",
    "valid_from",
    "valid_to",
    "announced_on",
)

CORE_FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "steps": gettext_lazy("steps"),
    "means": gettext_lazy("means of submission"),
    "documents": gettext_lazy("dossier components"),
    "deadline": gettext_lazy("processing time"),
    "applicant": gettext_lazy("applicants"),
    "agency": gettext_lazy("implementing agencies"),
}


# -- permissions ---------------------------------------------------------------------------
def admin_agency_ids(user: Any) -> set[int]:
    return permissions.agency_ids(user, roles=[Membership.Role.AGENCY_ADMIN])


def can_read(user: Any) -> bool:
    """Staff, province administrators and inspectors read the whole catalogue, drafts too."""
    return (
        permissions.is_staff_member(user)
        or permissions.is_province_admin(user)
        or permissions.is_inspector(user)
    )


def can_manage(user: Any) -> bool:
    """May this user open the catalogue editor at all?"""
    if permissions.is_inspector(user):
        return False
    return permissions.is_province_admin(user) or bool(admin_agency_ids(user))


def can_edit(user: Any, procedure: Procedure) -> bool:
    if not can_manage(user):
        return False
    if permissions.is_province_admin(user):
        return True
    return procedure.agencies.filter(pk__in=admin_agency_ids(user)).exists()


def _check_edit(user: Any, procedure: Procedure) -> None:
    """A system actor (cchc.core.actors: an import) passes explicitly; None is refused."""
    if not is_system(require_actor(user)) and not can_edit(user, procedure):
        raise NotPermitted(
            _("You are not allowed to change procedure %(code)s.") % {"code": procedure.code}
        )


def _check_agencies(user: Any, agencies: list[Agency]) -> None:
    """An agency administrator may only file procedures handled by (one of) their agencies."""
    if is_system(require_actor(user)) or permissions.is_province_admin(user):
        return
    own = admin_agency_ids(user)
    if not any(a.pk in own for a in agencies):
        raise NotPermitted(
            _("Choose at least one of your own agencies among the implementing agencies.")
        )


# -- validation ------------------------------------------------------------------------------
def clean_decision(
    number: str, signed_on: dt.date | None, *, field: str, date_field: str
) -> tuple[str, dt.date]:
    """The number and date of a decision of the province (Decree 63/2010, Decree 92/2017:
    the Chairman's decision announces, amends or abolishes a procedure): "1234/QĐ-UBND",
    signed on a day that has come."""
    text = re.sub(r"\s+", "", str(number or "")).upper()
    text = re.sub(r"/QD-", "/QĐ-", text)
    if not text:
        raise ValidationFailed(
            _("Enter the number of the decision, e.g. 1234/QĐ-UBND."), field=field
        )
    if not DECISION_RE.match(text):
        raise ValidationFailed(
            _("%(number)s is not a decision number; write it as 1234/QĐ-UBND.")
            % {"number": str(number).strip()[:60]},
            field=field,
        )
    if not isinstance(signed_on, dt.date):
        raise ValidationFailed(_("Enter the date the decision was signed."), field=date_field)
    if signed_on > timezone.localdate():
        raise ValidationFailed(_("The decision's date may not be in the future."), field=date_field)
    if signed_on < OLDEST_DECISION:
        raise ValidationFailed(_("Check the decision's date."), field=date_field)
    return text, signed_on


def _clean_record(data: dict[str, Any], *, instance: Procedure | None) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )
    clean = dict(data)
    if "code" in clean or instance is None:
        code = str(clean.get("code") or "").strip()
        if not CODE_RE.match(code):
            raise ValidationFailed(_("Enter the national code, e.g. 2.000635."), field="code")
        dup = Procedure.objects.filter(code=code)
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        if dup.exists():
            raise ValidationFailed(
                _("A procedure with code %(code)s already exists.") % {"code": code}, field="code"
            )
        clean["code"] = code
    if "name" in clean or instance is None:
        name = str(clean.get("name") or "").strip()
        if not name:
            raise ValidationFailed(_("Enter the procedure's name."), field="name")
        clean["name"] = name
    if "field" in clean and clean["field"] is not None and not isinstance(clean["field"], Field):
        raise ValidationFailed(_("Unknown field of state management."), field="field")
    if "time_unit" in clean and clean["time_unit"] not in TimeUnit.values:
        raise ValidationFailed(_("Unknown time unit."), field="time_unit")
    if "online_level" in clean and clean["online_level"] not in OnlineLevel.values:
        raise ValidationFailed(_("Unknown online level."), field="online_level")
    if "processing_time" in clean:
        try:
            amount = Decimal(
                str(clean["processing_time"] if clean["processing_time"] is not None else 0)
            )
        except InvalidOperation as exc:
            raise ValidationFailed(
                _("The processing time must be a number."), field="processing_time"
            ) from exc
        if amount < 0 or amount >= 100000:
            raise ValidationFailed(
                _("The processing time must be between 0 and 99999."), field="processing_time"
            )
        clean["processing_time"] = amount
    for money in ("fee_amount", "charge_amount"):
        if money in clean:
            value = clean[money] if clean[money] is not None else 0
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationFailed(
                    _("Amounts are whole, non-negative numbers of đồng."), field=money
                )
            if value > MAX_AMOUNT:
                raise ValidationFailed(
                    _("This amount is larger than any fee or charge; check the number."),
                    field=money,
                )
            clean[money] = value
    if clean.get("publication_decision"):
        # typed in the editor before publishing: the same check as the publish form's
        clean["publication_decision"], _day = clean_decision(
            clean["publication_decision"],
            clean.get("announced_on") or timezone.localdate(),
            field="publication_decision",
            date_field="announced_on",
        )
    announced = clean.get("announced_on")
    if isinstance(announced, dt.date) and announced > timezone.localdate():
        raise ValidationFailed(
            _("The decision's date may not be in the future."), field="announced_on"
        )
    merged = {f: getattr(instance, f) for f in EDITABLE_FIELDS} if instance else {}
    merged.update(clean)
    if not merged.get("has_fee") and (merged.get("fee_amount") or merged.get("charge_amount")):
        raise ValidationFailed(
            _("Tick 'has fees or charges' or set the amounts to 0."), field="has_fee"
        )
    valid_from, valid_to = merged.get("valid_from"), merged.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationFailed(_("'Valid to' must not be before 'valid from'."), field="valid_to")
    return clean


def _clean_documents(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, doc in enumerate(documents, start=1):
        if doc.get("delete"):
            out.append(doc)
            continue
        name = str(doc.get("name") or "").strip()
        if not name:
            raise ValidationFailed(
                _("Dossier component %(n)s has no name.") % {"n": i}, field="documents"
            )
        copies = doc.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 100:
            raise ValidationFailed(
                _("Dossier component %(n)s: copies must be between 1 and 100.") % {"n": i},
                field="documents",
            )
        template = doc.get("template")
        if template is not None:
            try:
                content_type = check_upload(template)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    _("Dossier component %(n)s: %(reason)s") % {"n": i, "reason": exc.message},
                    field="documents",
                ) from exc
            doc = {**doc, "template_content_type": content_type}
        out.append({**doc, "name": name, "copies": copies, "order": doc.get("order") or i})
    return out


def _delete_after_commit(row: RequiredDocument) -> None:
    """Remove a replaced or deleted form file only once the change is committed (a rolled-back
    edit keeps its file)."""
    name = row.template_file.name if row.template_file else ""
    if name:
        storage = row.template_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def _store_template(row: RequiredDocument, doc: dict[str, Any]) -> bool:
    """Attach (or remove) the blank form of a component; True when something changed. The
    stored name is the content's hash with the extension the content check found, never the
    uploader's file name."""
    template = doc.get("template")
    if template is not None:
        content_type = doc["template_content_type"]
        ext = next(e for _m, t, e in SIGNATURES if t == content_type)
        digest = hashlib.sha256()
        template.seek(0)
        for chunk in iter(lambda: template.read(65536), b""):
            digest.update(chunk)
        template.seek(0)
        _delete_after_commit(row)
        row.template_file.save(f"{digest.hexdigest()[:16]}{ext}", template, save=False)
        row.template_content_type = content_type
        row.save(update_fields=["template_file", "template_content_type"])
        return True
    if doc.get("clear_template") and row.template_file:
        _delete_after_commit(row)
        row.template_file = ""  # type: ignore[assignment]
        row.template_content_type = ""
        row.save(update_fields=["template_file", "template_content_type"])
        return True
    return False


def _clean_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, step in enumerate(steps, start=1):
        name = str(step.get("name") or "").strip()
        if not name:
            raise ValidationFailed(_("Step %(n)s has no name.") % {"n": i}, field="steps")
        try:
            hours = Decimal(str(step.get("working_hours")))
        except InvalidOperation as exc:
            raise ValidationFailed(
                _("Step %(n)s: working hours must be a number.") % {"n": i}, field="steps"
            ) from exc
        if hours <= 0 or hours >= 100000:
            raise ValidationFailed(
                _("Step %(n)s: working hours must be more than 0.") % {"n": i}, field="steps"
            )
        agency = step.get("agency")
        if agency is not None and not isinstance(agency, Agency):
            raise ValidationFailed(_("Step %(n)s: unknown agency.") % {"n": i}, field="steps")
        out.append({"name": name, "working_hours": hours, "agency": agency})
    return out


def _hours_per_day() -> Decimal:
    """Working hours in a working day under the one-stop rule in force today (8 by default:
    08:00-12:00 and 13:00-17:00)."""
    try:
        params = rule_in_force(ONE_STOP, timezone.localdate()).params or {}
    except RuleVersion.DoesNotExist:
        params = {}
    return Decimal(str(params.get("hours_per_day", DEFAULT_PARAMS["hours_per_day"])))


def num_text(value: Decimal) -> str:
    """A number of days or hours written with a decimal comma ("0,5")."""
    return f"{value.normalize():f}".replace(".", ",")


def step_budget_hours(
    record: dict[str, Any] | Procedure, steps_hours: list[Decimal]
) -> tuple[Decimal, Decimal] | None:
    """(the steps' total, the processing time) in working hours, when both are known: a
    same-day procedure has one working day; none when there are no steps or no time yet."""
    if not steps_hours:
        return None
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k)
    per_day = _hours_per_day()
    total_steps = sum(steps_hours, Decimal(0))
    unit = get("time_unit") or TimeUnit.WORKING_DAY
    if unit == TimeUnit.SAME_DAY:
        return total_steps, per_day
    amount = Decimal(get("processing_time") or 0)
    if not amount:
        return None
    return total_steps, amount * per_day if unit == TimeUnit.WORKING_DAY else amount


def _check_step_budgets(record: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    """The step templates of an (inter-agency) procedure share out its processing time, so
    together they may not take longer than it (a dossier's steps are timed by them; the
    receipt promises the total). A same-day procedure's steps fit in one working day. Steps
    that leave part of the time unassigned are allowed here and pointed out on the record
    page (the competent agency's own part may not be broken into steps)."""
    budget = step_budget_hours(record, [Decimal(s["working_hours"]) for s in steps])
    if budget is None or budget[0] <= budget[1]:
        return
    raise ValidationFailed(
        _(
            "The steps add up to %(steps)s working hours, more than the processing time of "
            "%(legal)s working hours (1 working day = %(per)s working hours): shorten the "
            "steps or lengthen the processing time."
        )
        % {
            "steps": num_text(budget[0]),
            "legal": num_text(budget[1]),
            "per": num_text(_hours_per_day()),
        },
        field="steps",
    )


def _jsonable(value: Any) -> Any:
    """A value as the audit row keeps it: a field (lĩnh vực) by its code, the rest as an
    event's data does (5, not 5.00, for a time limit)."""
    if isinstance(value, Field):
        return value.code
    return events.as_data(value)


def _audit(
    procedure: Procedure,
    *,
    actor: Any,
    action: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> CatalogueChange:
    """One row of the procedure's log (the caller holds the procedure's lock, or has just
    created it in its transaction)."""
    return events.append_event(
        CatalogueChange,
        procedure,
        action=action,
        actor=actor,
        note=note,
        data=changes or {},
        procedure_code=procedure.code,
    )


def log_imported(entries: list[tuple[Procedure, str, dict[str, Any]]]) -> None:
    """The audit rows of a catalogue import (procedures.csv of the bundle): one per procedure
    it created or changed, as the import actor, with what changed. In bulk: an import may
    touch every procedure of the province at once."""
    now = timezone.now()
    events.append_in_bulk(
        CatalogueChange,
        [
            CatalogueChange(
                procedure=procedure,
                procedure_code=procedure.code,
                at=now,
                action=action,
                actor=None,
                actor_label=actor_label(IMPORT),
                data={
                    k: [_jsonable(x) for x in v] if isinstance(v, list) else _jsonable(v)
                    for k, v in changes.items()
                },
            )
            for procedure, action, changes in entries
        ],
    )


def _sync_lists(
    procedure: Procedure,
    *,
    documents: list[dict[str, Any]] | None,
    steps: list[dict[str, Any]] | None,
    changes: dict[str, Any],
) -> None:
    if documents is not None:
        existing = {d.pk: d for d in procedure.required_documents.all()}
        kept: set[int] = set()
        for doc in documents:
            pk = doc.get("id")
            if pk is not None and pk not in existing:
                raise ValidationFailed(_("Unknown dossier component."), field="documents")
            if doc.get("delete"):
                continue
            values = {
                k: doc[k] for k in ("name", "copies", "order", "mandatory", "form_name") if k in doc
            }
            if pk is not None:
                kept.add(pk)
                row = existing[pk]
                if any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    row.save()
                    changes.setdefault("documents", "changed")
            else:
                row = RequiredDocument.objects.create(procedure=procedure, **values)
                changes.setdefault("documents", "changed")
            if _store_template(row, doc):
                changes.setdefault("templates", []).append(row.name)
        gone = [pk for pk in existing if pk not in kept]
        if gone:
            for pk in gone:
                _delete_after_commit(existing[pk])
            RequiredDocument.objects.filter(pk__in=gone).delete()
            changes["documents"] = "changed"
    if steps is not None:
        before = [(s.name, s.working_hours, s.agency_id) for s in procedure.step_templates.all()]
        after = [
            (s["name"], s["working_hours"], s["agency"].pk if s["agency"] else None) for s in steps
        ]
        if before != after:
            # Nothing refers to a step template (dossier steps copy name and hours), so the
            # list is replaced as a whole; this also renumbers the orders without clashes.
            procedure.step_templates.all().delete()
            StepTemplate.objects.bulk_create(
                StepTemplate(procedure=procedure, order=i, **s)
                for i, s in enumerate(steps, start=1)
            )
            # before and after, so the history reads "old steps → new steps"
            changes["steps"] = [
                [f"{n} ({num_text(Decimal(h))} h)" for n, h, _a in before],
                [f"{n} ({num_text(Decimal(h))} h)" for n, h, _a in after],
            ]


# -- actions ---------------------------------------------------------------------------------
@transaction.atomic
def create_procedure(
    *,
    actor: Any,
    data: dict[str, Any],
    agencies: list[Agency],
    documents: list[dict[str, Any]] | None = None,
    steps: list[dict[str, Any]] | None = None,
) -> Procedure:
    """File a new procedure as a draft (it is offered to applicants only once published)."""
    if not is_system(require_actor(actor)) and not can_manage(actor):
        raise NotPermitted(_("Only province or agency administrators may edit the catalogue."))
    _check_agencies(actor, agencies)
    clean = _clean_record(data, instance=None)
    docs = _clean_documents(documents or [])
    step_rows = _clean_steps(steps or [])
    _check_step_budgets(clean, step_rows)
    procedure = Procedure.objects.create(status=Procedure.Status.DRAFT, **clean)
    procedure.agencies.set(agencies)
    changes: dict[str, Any] = {k: _jsonable(v) for k, v in clean.items()}
    changes["agencies"] = sorted(a.code for a in agencies)
    _sync_lists(procedure, documents=docs, steps=step_rows, changes=changes)
    _audit(procedure, actor=actor, action=CatalogueChange.Action.CREATE, changes=changes)
    return procedure


@transaction.atomic
def update_procedure(
    procedure: Procedure,
    *,
    actor: Any,
    data: dict[str, Any],
    agencies: list[Agency] | None = None,
    documents: list[dict[str, Any]] | None = None,
    steps: list[dict[str, Any]] | None = None,
    loaded_at: dt.datetime | None = None,
    decision: str = "",
    decided_on: dt.date | None = None,
    effective_from: dt.date | None = None,
) -> Procedure:
    """Edit the record; `documents`/`steps` given replace the lists (documents keep their id).

    `loaded_at`: the record's `updated_at` when the editor was opened; when someone saved the
    procedure since, the edit is refused rather than silently undoing their changes.

    A published procedure is amended by a new decision of the province (quyết định công bố
    sửa đổi, bổ sung; Decree 63/2010 art. 15): a person's edit of it names that decision
    (`decision`, `decided_on`), which its log entry keeps, so the history says which decision
    brought each change. The edit is in force from when it is saved, or from the later day
    the decision sets (`effective_from`): a dossier received before it keeps the old terms
    (`Procedure.terms_on`). An import (a system actor), or an edit of a draft, is in force
    when saved; it replays the national database's record as it is."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _check_edit(actor, procedure)
    amending: dict[str, Any] | None = None
    if procedure.is_published and not is_system(actor):
        number, signed_on = clean_decision(
            decision, decided_on, field="decision", date_field="decided_on"
        )
        amending = {"number": number, "signed_on": signed_on.isoformat()}
    if loaded_at is not None and procedure.updated_at != loaded_at:
        raise TransitionNotAllowed(
            _(
                "Someone else saved procedure %(code)s after you opened it. Nothing was saved: "
                "open it again to see their changes, then make yours."
            )
            % {"code": procedure.code}
        )
    if agencies is not None:
        _check_agencies(actor, agencies)
    clean = _clean_record(data, instance=procedure)
    docs = _clean_documents(documents) if documents is not None else None
    step_rows = _clean_steps(steps) if steps is not None else None
    record = {f: getattr(procedure, f) for f in ("processing_time", "time_unit")} | clean
    _check_step_budgets(
        record,
        step_rows
        if step_rows is not None
        else [{"working_hours": s.working_hours} for s in procedure.step_templates.all()],
    )
    changes: dict[str, Any] = {}
    for name, value in clean.items():
        old = getattr(procedure, name)
        if old != value:
            changes[name] = [_jsonable(old), _jsonable(value)]
            setattr(procedure, name, value)
    if amending is not None:
        day = _check_effective_from(
            procedure,
            effective_from,
            dt.date.fromisoformat(amending["signed_on"]),
            terms_changed="processing_time" in changes or "time_unit" in changes,
        )
        if day is not None:
            amending["effective_from"] = day.isoformat()
    if changes:
        procedure.save()
    if agencies is not None:
        before = sorted(procedure.agencies.values_list("code", flat=True))
        after = sorted(a.code for a in agencies)
        if before != after:
            procedure.agencies.set(agencies)
            changes["agencies"] = [before, after]
    _sync_lists(procedure, documents=docs, steps=step_rows, changes=changes)
    if changes and not any(name in changes for name in clean):
        # only the lists changed: the record's updated_at still moves (caches key on it)
        procedure.save(update_fields=["updated_at"])
    if changes:
        if amending is not None:
            changes = {"decision": amending, **changes}
            known = [n for n in procedure.amending_decisions.split() if n]
            if amending["number"] not in known:
                # found by the search under this decision's number from now on
                procedure.amending_decisions = " ".join([*known, amending["number"]])
                procedure.save(update_fields=["amending_decisions"])
        change = _audit(
            procedure, actor=actor, action=CatalogueChange.Action.UPDATE, changes=changes
        )
        _note_pending_terms(procedure, change)
    return procedure


def _note_pending_terms(procedure: Procedure, change: Any) -> None:
    """An amendment of the time limit that takes effect on a later day: receptions until then
    read the terms from the log (Procedure.terms_at)."""
    if change is None or not change.is_pending:
        return
    data = change.data or {}
    if "processing_time" not in data and "time_unit" not in data:
        return
    until = change.in_force_at
    if procedure.terms_pending_until is None or procedure.terms_pending_until < until:
        procedure.terms_pending_until = until
        procedure.save(update_fields=["terms_pending_until"])


def _check_effective_from(
    procedure: Procedure, day: dt.date | None, signed_on: dt.date, *, terms_changed: bool
) -> dt.date | None:
    """The day an amendment takes effect, None when it does from its saving. Not before its
    decision was signed, not before today (a dossier already received keeps the terms it was
    received under), and, when it changes the time limit, not before an amendment still
    waiting for its own day: the terms of a moment are today's with the edits not yet in
    force undone in order (`Procedure.terms_on`), so changes of the terms take effect in the
    order they are recorded."""
    today = timezone.localdate()
    if day is not None and day < signed_on:
        raise ValidationFailed(
            _("The amendment cannot take effect before its decision was signed (%(day)s).")
            % {"day": signed_on.strftime("%d/%m/%Y")},
            field="effective_from",
        )
    if day is not None and day < today:
        raise ValidationFailed(
            _(
                "The amendment takes effect today at the earliest: the dossiers already "
                "received keep the terms they were received under."
            ),
            field="effective_from",
        )
    pending = [
        c
        for c in (procedure.pending_amendments() if terms_changed else [])
        if "processing_time" in (c.data or {}) or "time_unit" in (c.data or {})
    ]
    if pending:
        last = pending[-1]
        waiting = last.effective_from or today
        if (day or today) < waiting:
            raise ValidationFailed(
                _(
                    "The amendment of decision %(number)s takes effect on %(day)s: a later "
                    "amendment cannot take effect before it."
                )
                % {
                    "number": (last.data or {}).get("decision", {}).get("number", ""),
                    "day": waiting.strftime("%d/%m/%Y"),
                },
                field="effective_from",
            )
    if day is None or day <= today:
        return None
    return day


@transaction.atomic
def publish_procedure(
    procedure: Procedure, *, actor: Any, decision: str, announced_on: dt.date | None
) -> Procedure:
    """Publish: applicants may now submit dossiers for it.

    A procedure is announced by a decision of the Chairman of the province (quyết định công
    bố, Decree 63/2010 art. 15, Decree 92/2017): its number and date are recorded on the
    procedure and in its log. The seven mandatory core fields must be filled (the 766
    "published in full" metric checks them: name, steps, means, components, deadline,
    applicant, agency).
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _check_edit(actor, procedure)
    decision, announced_on = clean_decision(
        decision, announced_on, field="publication_decision", date_field="announced_on"
    )
    if procedure.status == Procedure.Status.PUBLISHED:
        raise TransitionNotAllowed(
            _("Procedure %(code)s is already published.") % {"code": procedure.code}
        )
    missing = procedure.missing_core_fields()
    if missing:
        raise ValidationFailed(
            _("Cannot publish: these mandatory fields are empty: %(fields)s.")
            % {"fields": ", ".join(str(CORE_FIELD_LABELS[m]) for m in missing)},
            field="status",
        )
    procedure.status = Procedure.Status.PUBLISHED
    procedure.published_at = timezone.now()
    procedure.publication_decision = decision
    procedure.announced_on = announced_on
    procedure.save(
        update_fields=[
            "status",
            "published_at",
            "publication_decision",
            "announced_on",
            "updated_at",
        ]
    )
    _audit(
        procedure,
        actor=actor,
        action=CatalogueChange.Action.PUBLISH,
        changes={
            "publication_decision": decision,
            "announced_on": _jsonable(announced_on),
        },
    )
    return procedure


def check_withdrawable(procedure: Procedure) -> None:
    """Only a published procedure is withdrawn (bãi bỏ): a draft was never announced, and a
    withdrawn draft would tell the portal's visitors that a procedure they never saw was
    abolished."""
    if procedure.status == Procedure.Status.WITHDRAWN:
        raise TransitionNotAllowed(
            _("Procedure %(code)s is already withdrawn.") % {"code": procedure.code}
        )
    if procedure.status != Procedure.Status.PUBLISHED:
        raise TransitionNotAllowed(
            _(
                "Procedure %(code)s was never published: there is nothing to withdraw (a "
                "draft is not offered to applicants)."
            )
            % {"code": procedure.code}
        )


@transaction.atomic
def withdraw_procedure(procedure: Procedure, *, actor: Any, reason: str) -> Procedure:
    """Withdraw (bãi bỏ): no new dossiers; dossiers already received continue."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Please give the reason for withdrawing (e.g. the abolishing decision)."),
            field="reason",
        )
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _check_edit(actor, procedure)
    check_withdrawable(procedure)
    procedure.status = Procedure.Status.WITHDRAWN
    procedure.save(update_fields=["status", "updated_at"])
    _audit(procedure, actor=actor, action=CatalogueChange.Action.WITHDRAW, note=reason)
    return procedure
