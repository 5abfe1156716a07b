"""`survey_responses.jsonl` in the import bundle (interchange.md §5) and the exports of
answers: JSONL (same format), CSV, SPSS `.sav` with Vietnamese variable and value labels, and
the open-data CSV of published, anonymised answers.

Import: one questionnaire per line keyed by `MaPhieu`; answers are stored as given (a 9 or
a blank stays what it was), validity is decided by the method version. Every bad row is
reported with its line and reason; the bundle command decides whether the file commits.

SPSS: pyreadstat (Apache-2.0, on ReadStat) writes .sav with labels from a data frame; it is
the library survey tools use for this, and the format is too intricate (long variable
names, very long strings, value-label records, encoding) to hand-write safely.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.actors import IMPORT
from cchc.surveys import live
from cchc.surveys.methods import SCALE_MISSING_ANSWERS, MethodSpec
from cchc.surveys.models import Item, Method, Mode, Response, ResponseEvent

if TYPE_CHECKING:
    from django.db.models import QuerySet

FILE = "survey_responses.jsonl"
FIELDS = ("MaPhieu", "PhuongPhap", "Ky", "MaDonVi", "HinhThuc", "NgayThu", "TraLoi")
# the export formats (`export_responses`): file extension and content type of each
EXPORT_FORMATS = {
    "jsonl": ("jsonl", "application/x-ndjson; charset=utf-8"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "sav": ("sav", "application/x-spss-sav"),
    "open": ("csv", "text/csv; charset=utf-8"),
}


# `HinhThuc` in the SPSS export: a fixed number per mode of collection, labelled with the
# mode's Vietnamese name (docs/surveys.md, "Interchange"). A number is never given to another
# mode, so files of different years read alike; a new mode takes the next one.
MODE_NUMBERS: dict[str, int] = {
    Mode.PAPER_POST: 1,
    Mode.PAPER_HOME: 2,
    Mode.PAPER_DESK: 3,
    Mode.ONLINE: 4,
    Mode.KIOSK: 5,
    Mode.PHONE: 6,
    Mode.INTERVIEW: 7,
}


def mode_label(mode: str) -> str:
    """A mode of collection as a reader of the CSV (or of it opened in Excel) sees it: its
    Vietnamese name, not the code the JSONL bundle keeps."""
    return str(dict(Mode.choices).get(mode, mode))


class RowError(ValueError):
    pass


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise RowError(_("NgayThu must be an ISO 8601 date and time with its offset."))
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(
            _("NgayThu is not an ISO 8601 date and time: %(v)r.") % {"v": value}
        ) from None
    if moment.tzinfo is None:
        raise RowError(_("NgayThu must include a UTC offset: %(v)r.") % {"v": value})
    return moment


class Validator:
    """Checks rows against the database's methods and units (cached per file)."""

    def __init__(self) -> None:
        from cchc.agencies.models import Agency

        self.specs: dict[str, MethodSpec | None] = {}
        self.agencies = dict(Agency.objects.values_list("code", "pk"))

    def spec(self, code: Any) -> MethodSpec:
        if not isinstance(code, str):
            raise RowError(_("PhuongPhap is missing."))
        if code not in self.specs:
            method = Method.objects.filter(code=code).first()
            self.specs[code] = MethodSpec.load(method) if method else None
        spec = self.specs[code]
        if spec is None:
            raise RowError(_("Unknown method %(code)s.") % {"code": code})
        return spec

    def check(self, row: dict[str, Any]) -> dict[str, Any]:
        missing = [f for f in FIELDS if f not in row]
        if missing:
            raise RowError(_("Missing fields: %(f)s.") % {"f": ", ".join(missing)})
        code = row["MaPhieu"]
        if not isinstance(code, str) or not code.strip() or len(code) > 60:
            raise RowError(_("MaPhieu must be a text of at most 60 characters."))
        spec = self.spec(row["PhuongPhap"])
        period = row["Ky"]
        if not isinstance(period, str) or not re.fullmatch(r"\d{4}(-Q[1-4]|-\d{2})?", period):
            raise RowError(_("Ky must be a period such as 2026: %(v)r.") % {"v": period})
        if row["MaDonVi"] not in self.agencies:
            raise RowError(_("Unknown unit %(code)s.") % {"code": row["MaDonVi"]})
        if row["HinhThuc"] not in Mode.values:
            raise RowError(
                _("HinhThuc must be one of %(modes)s.") % {"modes": ", ".join(Mode.values)}
            )
        collected = _parse_time(row["NgayThu"])
        answers = row["TraLoi"]
        if not isinstance(answers, dict):
            raise RowError(_("TraLoi must be an object of item codes and answers."))
        unknown = sorted(set(answers) - set(spec.items))
        if unknown:
            raise RowError(
                _("Items not in method %(method)s: %(codes)s.")
                % {"method": spec.method.code, "codes": ", ".join(unknown)}
            )
        valid = spec.is_valid_questionnaire(answers)
        return {
            "code": code.strip(),
            "method": spec.method,
            "period": period,
            "agency_id": self.agencies[row["MaDonVi"]],
            "mode": row["HinhThuc"],
            "collected_at": collected,
            "answers": answers,
            "valid": valid,
            "valid_items": spec.count_valid(answers),
            "scored": spec.score_vector(answers),
        }


def import_responses(path: Path, *, skip_invalid: bool = False) -> Any:
    """Parse, check and load the file; returns the bundle's FileResult. The caller (the
    bundle's file transaction) rolls back when rows were rejected without skip_invalid."""
    from cchc.interchange.formats import FileResult, Reject, jsonl_objects

    result = FileResult(name=FILE)
    validator = Validator()
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, row, raw in jsonl_objects(path, result.rejects):
        try:
            clean = validator.check(row)
            if clean["code"] in seen:
                raise RowError(
                    _("MaPhieu %(code)s already appears on line %(line)s.")
                    % {"code": clean["code"], "line": seen[clean["code"]]}
                )
        except ValueError as exc:  # RowError (a ValueError)
            result.rejects.append(Reject(line, str(exc), raw))
            continue
        seen[clean["code"]] = line
        rows.append(clean)
    if result.rejects and not skip_invalid:
        return result
    with transaction.atomic():
        apply_rows(rows, result)
    return result


def apply_rows(rows: list[dict[str, Any]], result: Any) -> None:
    existing = {r.code: r for r in Response.objects.filter(code__in=[r["code"] for r in rows])}
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            response = Response.objects.create(collector_label=str(IMPORT.label), **row)
            events.append_event(
                ResponseEvent,
                response,
                action="import",
                actor=IMPORT,
                data={"answers": row["answers"]},
                save=True,
            )
            result.created += 1
            continue
        same = (
            current.method_id == row["method"].pk
            and current.period == row["period"]
            and current.agency_id == row["agency_id"]
            and current.mode == row["mode"]
            and current.collected_at == row["collected_at"]
            and current.answers == row["answers"]
        )
        if same:
            result.unchanged += 1
            continue
        current = events.lock(current)
        before = current.answers
        for key, value in row.items():
            setattr(current, key, value)
        events.append_event(
            ResponseEvent,
            current,
            action="import_update",
            actor=IMPORT,
            data={"before": before, "after": row["answers"]},
        )
        current.save()
        live.changed(current.campaign_id)  # a campaign's response corrected by the bundle
        result.updated += 1


# -- exports --------------------------------------------------------------------------------
class NothingToExport(ValueError):
    """The export cannot be made as asked (no responses and no method to head the columns,
    open data of an unpublished campaign or without one)."""


def export_responses(
    responses: QuerySet[Response],
    *,
    fmt: str,
    path: Path,
    campaign: Any = None,
    method: Method | None = None,
) -> int:
    """Write `responses` to `path` in `fmt` (EXPORT_FORMATS); returns how many were written.
    The one export both `export_survey_responses` and the campaign page's downloads call.

    CSV and SPSS have one column per item of one method version: the first response's (the
    responses of another version are left out), else `method`'s, for a header-only file.
    Open data is the published `campaign`'s, whatever `responses` holds."""
    if fmt not in EXPORT_FORMATS:
        raise NothingToExport(_("Unknown export format %(fmt)s.") % {"fmt": fmt})
    if fmt == "open":
        if campaign is None:
            raise NothingToExport(_("Open data is exported per campaign."))
        try:
            return export_open_data(campaign, path)
        except ValueError as exc:
            raise NothingToExport(str(exc)) from exc
    responses = responses.select_related("method", "agency").order_by("code")
    if fmt == "jsonl":
        return export_jsonl(responses.iterator(), path)
    first = responses.first()
    method = first.method if first is not None else method
    if method is None:
        raise NothingToExport(_("No responses to export."))
    items = list(method.items.order_by("order"))
    export = export_csv if fmt == "csv" else export_sav
    return export(responses.filter(method=method), items, path)


def as_row(response: Response) -> dict[str, Any]:
    from cchc.core.calendar import LOCAL_TZ

    return {
        "MaPhieu": response.code,
        "PhuongPhap": response.method.code,
        "Ky": response.period,
        "MaDonVi": response.agency.code,
        "HinhThuc": response.mode,
        "NgayThu": response.collected_at.astimezone(LOCAL_TZ).isoformat(),
        "TraLoi": response.answers,
    }


def export_jsonl(responses: Iterable[Response], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for r in responses:
            handle.write(json.dumps(as_row(r), ensure_ascii=False) + "\n")
            n += 1
    return n


def variable_name(code: str) -> str:
    """SPSS variable names: letters, digits, _ (a dot is allowed but not at the end; we
    use _ so every tool reads them), at most 64 bytes."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", code)
    if not name or not name[0].isalpha():
        name = "V" + name
    return name[:64]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def table(responses: Iterable[Response], items: list[Item], *, open_data: bool = False):  # type: ignore[no-untyped-def]
    """Rows of plain values, one column per item; never a name, phone, ID or collector."""
    head = ["MaPhieu", "MaDonVi", "Ky", "HinhThuc", "NgayThu", "HopLe"]
    rows = []
    for r in responses:
        when = r.collected_at.date().isoformat()
        rows.append(
            [
                r.code,
                r.agency.code,
                r.period,
                r.mode,
                when,
                int(r.valid),
                *[_cell(r.answers.get(i.code)) for i in items],
            ]
        )
    return head + [i.code for i in items], rows


def _readable_modes(head: list[str], rows: list[list[Any]]) -> None:
    column = head.index("HinhThuc")
    for row in rows:
        row[column] = mode_label(row[column])


def export_csv(responses: Iterable[Response], items: list[Item], path: Path) -> int:
    head, rows = table(responses, items)
    _readable_modes(head, rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        writer.writerows(rows)
    return len(rows)


def export_sav(responses: Iterable[Response], items: list[Item], path: Path) -> int:
    """SPSS .sav with Vietnamese variable labels (the item wording) and value labels (the
    answer options). Numeric items stay numeric; multiple choice becomes text "1;6"."""
    import pandas as pd
    import pyreadstat

    head, rows = table(responses, items)
    names = [variable_name(h) for h in head]
    if len(set(names)) != len(names):
        raise ValueError(_("Two items have the same SPSS variable name."))
    frame = pd.DataFrame(rows, columns=names)
    labels = {
        "MaPhieu": _("Questionnaire number"),
        "MaDonVi": _("Unit rated"),
        "Ky": _("Period"),
        "HinhThuc": _("Mode of collection"),
        "NgayThu": _("Date collected"),
        "HopLe": _("Valid questionnaire (1 yes, 0 no)"),
    }
    value_labels: dict[str, dict[Any, str]] = {
        "HopLe": {0: _("No"), 1: _("Yes")},
        "HinhThuc": {number: mode_label(mode) for mode, number in MODE_NUMBERS.items()},
    }
    frame["HinhThuc"] = pd.to_numeric(frame["HinhThuc"].map(MODE_NUMBERS), errors="coerce")
    missing: dict[str, list[Any]] = {}
    numeric_types = (Item.Type.SCALE, Item.Type.SINGLE, Item.Type.NUMBER)
    for item in items:
        name = variable_name(item.code)
        labels[name] = item.text[:250]
        column = frame[name]
        if item.type in numeric_types and all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in column
        ):
            frame[name] = pd.to_numeric(column, errors="coerce")
            options = {int(v): str(label)[:120] for v, label in item.options if isinstance(v, int)}
            if item.type == Item.Type.SCALE:
                # 0 (no answer) and 9 "don't know" are accepted on a scale but are no score
                # (domain.md §6 rule 1): declared user-missing, so SPSS leaves them out of
                # means and valid percentages instead of counting 9 as above "very satisfied"
                codes = [c for c in SCALE_MISSING_ANSWERS if c not in options]
                labels_of = {0: _("No answer"), 9: _("Don't know")}
                for code in codes:
                    options[code] = labels_of[code]
                if codes:
                    missing[name] = codes
            if options:
                value_labels[name] = options
        else:
            frame[name] = column.map(lambda v: "" if v is None else str(v)).astype(object)
    for name in ("MaPhieu", "MaDonVi", "Ky", "NgayThu"):
        frame[name] = frame[name].astype(object)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[labels.get(n, n) for n in frame.columns],
        variable_value_labels=value_labels,
        missing_ranges=missing,
    )
    return len(rows)


def export_open_data(campaign: Any, path: Path) -> int:
    """Published, anonymised answers: scored, perception and expectation items only (no
    profile or free text that could identify someone), accepted or not-rejected responses,
    only for a campaign whose results are published."""
    if campaign.status != campaign.Status.PUBLISHED:
        raise ValueError(_("Only published campaigns have open data."))
    items = list(
        campaign.method.items.filter(
            kind__in=(Item.Kind.SATISFACTION, Item.Kind.PERCEPTION, Item.Kind.EXPECTATION)
        ).order_by("order")
    )
    responses = (
        Response.objects.filter(campaign=campaign)
        .exclude(review=Response.Review.REJECTED)
        .select_related("agency")
        .order_by("agency__code", "code")
    )
    head, rows = table(responses, items, open_data=True)
    _readable_modes(head, rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head[1:])  # the questionnaire number is an internal key
        writer.writerows(row[1:] for row in rows)
    return len(rows)
