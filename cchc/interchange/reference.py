"""agencies.csv and procedures.csv: the reference data a bundle brings (interchange.md §1).

Both are small (a big province has a few thousand agencies and ~2,200 procedures), so they
are validated in full, then written with a handful of bulk statements inside the caller's
transaction. A row is keyed by its code: a new code creates, a changed row updates, an
identical row is left alone (so a second run of the same bundle changes nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cchc.agencies import services as agency_services
from cchc.agencies.models import AdministrativeUnit, Agency, AgencyLevel, RankingGroup, UnitLevel
from cchc.catalogue import services as catalogue_services
from cchc.catalogue.models import CatalogueChange, Field, OnlineLevel, Procedure, TimeUnit
from cchc.core.text import fold
from cchc.interchange import procedure_content
from cchc.interchange.formats import (
    AGENCIES,
    PROCEDURES,
    FileResult,
    Reject,
    RowError,
    format_date,
    format_decimal,
    open_csv,
    parse_date,
    parse_decimal,
    parse_flag,
    split_codes,
    text,
)

AGENCY_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "group",
    "province_code",
    "valid_from",
    "valid_to",
    "successor_codes",
)
PROCEDURE_COLUMNS = (
    "code",
    "name",
    "field",
    "processing_time",
    "time_unit",
    "online_level",
    "has_fee",
    "paper_result",
    "agency_codes",
    "valid_from",
    "valid_to",
)
# An agency row without valid_from existed at least since the 2025 reorganisation.
DEFAULT_VALID_FROM = dt.date(2025, 7, 1)
CHUNK = 500


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Links:
    """One many-to-many relation synced from a file: each owner's linked ids are read once,
    and the owners whose set differs from the file's get their rows replaced in bulk."""

    def __init__(self, through: Any, owner: str, target: str, owner_ids: list[int]) -> None:
        self.through, self.owner, self.target = through, owner, target
        self.current: dict[int, set[int]] = {}
        for part in _chunks(owner_ids):
            rows = through.objects.filter(**{f"{owner}__in": part}).values_list(owner, target)
            for owner_id, target_id in rows:
                self.current.setdefault(owner_id, set()).add(target_id)
        self.drop: list[int] = []
        self.add: list[Any] = []

    def want(self, owner_id: int, wanted: set[int]) -> bool:
        """Plan the owner's links to be `wanted`; True when that is a change."""
        if wanted == self.current.get(owner_id, set()):
            return False
        self.drop.append(owner_id)
        self.add.extend(
            self.through(**{self.owner: owner_id, self.target: t}) for t in sorted(wanted)
        )
        return True

    def save(self) -> None:
        for part in _chunks(self.drop):
            self.through.objects.filter(**{f"{self.owner}__in": part}).delete()
        self.through.objects.bulk_create(self.add, batch_size=CHUNK)


def _count(result: FileResult, rows: int, created: set[str], changed: set[str]) -> None:
    result.created = len(created)
    result.updated = len(changed - created)
    result.unchanged = rows - result.created - result.updated


def _existing(model: Any, codes: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in _chunks(codes):
        for obj in model.objects.filter(code__in=part):
            found[obj.code] = obj
    return found


def _read(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    parse: Callable[[dict[str, str]], dict[str, Any]],
) -> tuple[FileResult, list[tuple[int, dict[str, Any], list[str]]]]:
    """The file's rows, each parsed by `parse`: a row it refuses (RowError) is rejected, and
    a code given again is rejected on its later lines; an unreadable file is one reject."""
    result, rows = open_csv(path, name, columns)
    parsed = []
    # A code's first line counts even when that row is refused: its repeat is a second
    # mistake to fix, not the row that quietly takes its place under --skip-invalid.
    first_line: dict[str, int] = {}
    for line, row, cells in rows:
        code = (row.get("code") or "").strip()
        if code:
            first_line.setdefault(code, line)
        try:
            parsed.append((line, parse(row), cells))
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), cells))
    return result, _dedupe(result, parsed, first_line)


def _dedupe(
    result: FileResult,
    parsed: list[tuple[int, dict[str, Any], list[str]]],
    first_line: dict[str, int],
) -> list[tuple[int, dict[str, Any], list[str]]]:
    kept = []
    for line, values, cells in parsed:
        seen = first_line.get(values["code"])
        if seen is not None and seen != line:
            result.rejects.append(
                Reject(
                    line,
                    _("code %(code)s already appears on line %(line)s.")
                    % {"code": values["code"], "line": seen},
                    cells,
                )
            )
            continue
        kept.append((line, values, cells))
    return kept


# -- agencies -----------------------------------------------------------------------------
def _parse_agency(row: dict[str, str], provinces: set[str]) -> dict[str, Any]:
    if not row:
        raise RowError(_("the row does not have the header's number of columns."))
    values: dict[str, Any] = {
        "code": text(row["code"], "code", max_length=40),
        "name": text(row["name"], "name", max_length=300),
        "level": text(row["level"], "level", max_length=20),
        "parent_code": text(row["parent_code"], "parent_code", max_length=40, required=False),
        "group": text(row["group"], "group", max_length=120, required=False),
        "province_code": text(row["province_code"], "province_code", max_length=2),
        "valid_from": parse_date(row["valid_from"], "valid_from") or DEFAULT_VALID_FROM,
        "valid_to": parse_date(row["valid_to"], "valid_to"),
        "successor_codes": split_codes(row["successor_codes"]),
    }
    if values["level"] not in AgencyLevel.values:
        raise RowError(
            _("level %(value)r is not one of %(allowed)s.")
            % {"value": values["level"], "allowed": ", ".join(AgencyLevel.values)}
        )
    if values["province_code"] not in provinces:
        raise RowError(
            _("province_code %(value)r is not an official province code.")
            % {"value": values["province_code"]}
        )
    if values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise RowError(_("valid_to is before valid_from."))
    if values["parent_code"] == values["code"] or values["code"] in values["successor_codes"]:
        raise RowError(_("an agency cannot be its own parent or successor."))
    return values


def import_agencies(path: Path) -> tuple[FileResult, list[tuple[int, dict[str, Any], list[str]]]]:
    """Validate agencies.csv; returns the result (with rejects) and the valid rows."""
    provinces = set(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("code", flat=True)
    )
    result, parsed = _read(
        path, AGENCIES, AGENCY_COLUMNS, lambda row: _parse_agency(row, provinces)
    )
    # Parents and successors may be anywhere in the file or already in the database; a row
    # pointing at a rejected row is rejected too (repeat until nothing more falls).
    referenced = {c for _l, v, _c in parsed for c in [v["parent_code"], *v["successor_codes"]] if c}
    known_in_db = set(_existing(Agency, sorted(referenced)))
    while True:
        in_file = {v["code"] for _l, v, _c in parsed}
        kept = []
        for line, values, cells in parsed:
            unknown = [
                c
                for c in [values["parent_code"], *values["successor_codes"]]
                if c and c not in in_file and c not in known_in_db
            ]
            if unknown:
                result.rejects.append(
                    Reject(
                        line,
                        _("unknown agency code(s): %(codes)s.") % {"codes": ", ".join(unknown)},
                        cells,
                    )
                )
            else:
                kept.append((line, values, cells))
        if len(kept) == len(parsed):
            break
        parsed = kept
    return result, parsed


def apply_agencies(result: FileResult, rows: list[tuple[int, dict[str, Any], list[str]]]) -> None:
    groups = {g.name: g for g in RankingGroup.objects.all()}
    for name in sorted({v["group"] for _l, v, _c in rows if v["group"]} - set(groups)):
        groups[name] = RankingGroup.objects.create(name=name)
    existing = _existing(Agency, [v["code"] for _l, v, _c in rows])
    before = agency_services.snapshots(existing.values())
    plain = ("name", "level", "province_code", "valid_from", "valid_to")
    to_create, to_update, changed = [], [], set()
    for _line, values, _cells in rows:
        group_id = groups[values["group"]].pk if values["group"] else None
        agency = existing.get(values["code"])
        if agency is None:
            to_create.append(
                Agency(code=values["code"], group_id=group_id, **{f: values[f] for f in plain})
            )
            continue
        if any(getattr(agency, f) != values[f] for f in plain) or agency.group_id != group_id:
            for f in plain:
                setattr(agency, f, values[f])
            agency.group_id = group_id
            to_update.append(agency)
            changed.add(agency.code)
    Agency.objects.bulk_create(to_create, batch_size=CHUNK)
    Agency.objects.bulk_update(to_update, [*plain, "group"], batch_size=CHUNK)
    created = {a.code for a in to_create}

    # Second pass: parents and successors, now that every code of the file exists.
    codes = [v["code"] for _l, v, _c in rows]
    referenced = {c for _l, v, _c in rows for c in [v["parent_code"], *v["successor_codes"]] if c}
    ids = {a.code: a.pk for a in _existing(Agency, sorted(set(codes) | referenced)).values()}
    agencies = _existing(Agency, codes)
    parents = []
    successors = _Links(
        Agency.successors.through, "from_agency_id", "to_agency_id", [ids[c] for c in codes]
    )
    for _line, values, _cells in rows:
        agency = agencies[values["code"]]
        parent_id = ids[values["parent_code"]] if values["parent_code"] else None
        if agency.parent_id != parent_id:
            agency.parent_id = parent_id
            parents.append(agency)
            changed.add(agency.code)
        if successors.want(agency.pk, {ids[c] for c in values["successor_codes"]}):
            changed.add(agency.code)
    Agency.objects.bulk_update(parents, ["parent"], batch_size=CHUNK)
    successors.save()
    touched = [agencies[code] for code in sorted(created | changed)]
    agency_services.log_imported(before, touched, created)
    _count(result, len(rows), created, changed)


def _csv(columns: tuple[str, ...], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def _linked_codes(through: Any, owner: str, target_code: str) -> dict[int, str]:
    """Each owner's linked codes as the file writes them: sorted, joined by ";"."""
    codes: dict[int, list[str]] = {}
    for owner_id, code in through.objects.values_list(owner, target_code):
        codes.setdefault(owner_id, []).append(code)
    return {owner_id: ";".join(sorted(c)) for owner_id, c in codes.items()}


def export_agencies() -> str:
    successors = _linked_codes(Agency.successors.through, "from_agency_id", "to_agency__code")
    return _csv(
        AGENCY_COLUMNS,
        (
            [
                a.code,
                a.name,
                a.level,
                a.parent.code if a.parent else "",
                a.group.name if a.group else "",
                a.province_code,
                format_date(a.valid_from),
                format_date(a.valid_to),
                successors.get(a.pk, ""),
            ]
            for a in Agency.objects.select_related("parent", "group").order_by("code")
        ),
    )


# -- procedures ---------------------------------------------------------------------------
def _parse_procedure(row: dict[str, str], agency_codes: set[str]) -> dict[str, Any]:
    if not row:
        raise RowError(_("the row does not have the header's number of columns."))
    values: dict[str, Any] = {
        "code": text(row["code"], "code", max_length=40),
        "name": text(row["name"], "name", max_length=500),
        "field": text(row["field"], "field", max_length=200, required=False),
        "processing_time": parse_decimal(row["processing_time"], "processing_time"),
        "time_unit": text(row["time_unit"], "time_unit", max_length=16),
        "online_level": text(row["online_level"], "online_level", max_length=10),
        "has_fee": parse_flag(row["has_fee"].strip(), "has_fee"),
        "paper_result": parse_flag(row["paper_result"].strip(), "paper_result"),
        "agency_codes": split_codes(row["agency_codes"]),
        "valid_from": parse_date(row["valid_from"], "valid_from"),
        "valid_to": parse_date(row["valid_to"], "valid_to"),
        "content": procedure_content.parse(row),
    }
    if values["time_unit"] not in TimeUnit.values:
        raise RowError(
            _("time_unit %(value)r is not one of %(allowed)s.")
            % {"value": values["time_unit"], "allowed": ", ".join(TimeUnit.values)}
        )
    if values["online_level"] not in OnlineLevel.values:
        raise RowError(
            _("online_level %(value)r is not one of %(allowed)s.")
            % {"value": values["online_level"], "allowed": ", ".join(OnlineLevel.values)}
        )
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise RowError(_("valid_to is before valid_from."))
    unknown = [c for c in values["agency_codes"] if c not in agency_codes]
    if unknown:
        raise RowError(_("unknown agency code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return values


def import_procedures(path: Path) -> tuple[FileResult, list[tuple[int, dict[str, Any], list[str]]]]:
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    return _read(
        path, PROCEDURES, PROCEDURE_COLUMNS, lambda row: _parse_procedure(row, agency_codes)
    )


def _field_for(name: str, fields: dict[str, Field]) -> Field:
    """The field (lĩnh vực) with this name, created with a code derived from it if new."""
    found = fields.get(name)
    if found is None:
        base = fold(name).upper().replace(" ", "_")[:36] or "FIELD"
        code, n = base, 1
        while Field.objects.filter(code=code).exists():
            n += 1
            code = f"{base[:33]}_{n}"
        found = fields[name] = Field.objects.create(code=code, name=name)
    return found


def apply_procedures(result: FileResult, rows: list[tuple[int, dict[str, Any], list[str]]]) -> None:
    fields: dict[str, Field] = {}
    field_names: dict[int | None, str] = {}
    for f in Field.objects.order_by("pk"):
        fields.setdefault(f.name, f)
        field_names[f.pk] = f.name
    existing = _existing(Procedure, [v["code"] for _l, v, _c in rows])
    plain = (
        "name",
        "processing_time",
        "time_unit",
        "online_level",
        "has_fee",
        "paper_result",
        "valid_from",
        "valid_to",
    )
    to_create, to_update, changed = [], [], set()
    audit: dict[str, tuple[str, dict[str, Any]]] = {}  # code -> (action, what changed)
    for _line, values, _cells in rows:
        field = _field_for(values["field"], fields) if values["field"] else None
        field_id = field.pk if field else None
        search_text = fold(f"{values['code']} {values['name']} {field.name if field else ''}")
        proc = existing.get(values["code"])
        if proc is None:
            to_create.append(
                Procedure(
                    code=values["code"],
                    field_id=field_id,
                    status=Procedure.Status.PUBLISHED,
                    search_text=search_text,
                    **{f: values[f] for f in plain},
                )
            )
            audit[values["code"]] = (
                CatalogueChange.Action.CREATE,
                {f: values[f] for f in plain} | {"field": values["field"]},
            )
            continue
        if (
            any(getattr(proc, f) != values[f] for f in plain)
            or proc.field_id != field_id
            or proc.status != Procedure.Status.PUBLISHED
        ):
            diff = {
                f: [getattr(proc, f), values[f]] for f in plain if getattr(proc, f) != values[f]
            }
            if proc.field_id != field_id:
                diff["field"] = [field_names.get(proc.field_id), values["field"]]
            if proc.status != Procedure.Status.PUBLISHED:
                diff["status"] = [proc.status, Procedure.Status.PUBLISHED]
            audit[proc.code] = (CatalogueChange.Action.UPDATE, diff)
            for f in plain:
                setattr(proc, f, values[f])
            proc.field_id, proc.status, proc.search_text = (
                field_id,
                Procedure.Status.PUBLISHED,
                search_text,
            )
            to_update.append(proc)
            changed.add(proc.code)
    Procedure.objects.bulk_create(to_create, batch_size=CHUNK)
    Procedure.objects.bulk_update(
        to_update, [*plain, "field", "status", "search_text"], batch_size=CHUNK
    )
    created = {p.code for p in to_create}

    procs = _existing(Procedure, [v["code"] for _l, v, _c in rows])
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    links = _Links(
        Procedure.agencies.through, "procedure_id", "agency_id", [p.pk for p in procs.values()]
    )
    for _line, values, _cells in rows:
        proc = procs[values["code"]]
        if links.want(proc.pk, {agency_ids[c] for c in values["agency_codes"]}):
            changed.add(proc.code)
            action, diff = audit.get(proc.code, (CatalogueChange.Action.UPDATE, {}))
            audit[proc.code] = (action, diff | {"agencies": sorted(values["agency_codes"])})
    links.save()
    contents = {v["code"]: v["content"] for _l, v, _c in rows if v["content"] is not None}
    for code, diff in procedure_content.apply(procs, contents).items():
        changed.add(code)
        action, before = audit.get(code, (CatalogueChange.Action.UPDATE, {}))
        audit[code] = (action, before | diff)
    catalogue_services.log_imported(
        [(procs[code], action, diff) for code, (action, diff) in sorted(audit.items())]
    )
    _count(result, len(rows), created, changed)


def export_procedures() -> str:
    agencies = _linked_codes(Procedure.agencies.through, "procedure_id", "agency__code")
    documents = procedure_content.document_names()
    return _csv(
        PROCEDURE_COLUMNS + procedure_content.CONTENT_COLUMNS,
        (
            [
                p.code,
                p.name,
                p.field.name if p.field else "",
                format_decimal(p.processing_time),
                p.time_unit,
                p.online_level,
                int(p.has_fee),
                int(p.paper_result),
                agencies.get(p.pk, ""),
                format_date(p.valid_from),
                format_date(p.valid_to),
                *procedure_content.export_cells(p, documents),
            ]
            for p in Procedure.objects.select_related("field")
            .prefetch_related("step_templates")
            .order_by("code")
        ),
    )
