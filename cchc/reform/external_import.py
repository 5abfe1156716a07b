"""`par_external.csv`: published values of the external indices (PAPI dimensions and
sub-dimensions, the national PAR INDEX, SIPAS) per year, as the publishers print them
(docs/reform.md, "External indices file"). Read by `manage.py import_par_external`.

Every row is checked first; a file with a refused row writes nothing (unless the caller asks
to skip the invalid rows), so a publisher's table is never half loaded. Each value is written
through `external.record_value` (Home Affairs' permission, the score within 0 and its
maximum); a row equal to what is recorded is left unchanged.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core.actors import IMPORT
from cchc.core.errors import DomainError
from cchc.interchange.formats import FileResult, Reject, RowError, read_csv
from cchc.reform import external
from cchc.reform.models import ExternalIndex, ExternalValue

FILE_NAME = "par_external.csv"
REQUIRED = ("index", "year", "province_code", "node_code", "score")
OPTIONAL = ("node_name", "max_score", "rank", "group", "lead_agency")
# PAPI: the total (empty code), 8 dimensions D1..D8, their sub-dimensions D1.1, D1.2, ...
PAPI_CODE = re.compile(r"^D[1-8](\.[1-9][0-9]?)?$")
PROVINCE = re.compile(r"^[0-9]{2}$")


def _number(text: str, what: str) -> Decimal:
    """A published figure with a decimal point (7.25, 86.5); a decimal comma is refused
    rather than guessed (in a CSV it is the column separator)."""
    if "," in text:
        raise RowError(
            _("%(what)s %(v)r: write decimals with a point (7.25), not a comma.")
            % {"what": what, "v": text}
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(
            _("%(what)s must be a number, not %(v)r.") % {"what": what, "v": text}
        ) from None
    if not number.is_finite():
        raise RowError(_("%(what)s must be a number, not %(v)r.") % {"what": what, "v": text})
    if number < 0:
        raise RowError(_("%(what)s cannot be negative: %(v)s.") % {"what": what, "v": text})
    if number != number.quantize(Decimal("0.0001")) or number >= 10000:
        raise RowError(
            _("%(what)s must have at most 4 decimals and be below 10000: %(v)s.")
            % {"what": what, "v": text}
        )
    return number


def default_max(index: str, node_code: str) -> Decimal:
    """What the publisher scores out of when the file does not say: a PAPI dimension or
    sub-dimension out of 10, the PAPI total out of 80, the others in percent."""
    if index == ExternalIndex.PAPI:
        return Decimal(10) if node_code else Decimal(80)
    return Decimal(100)


def parse_row(row: dict[str, str], agencies: dict[str, Agency]) -> dict[str, Any]:
    if not row:
        raise RowError(_("the row does not have the header's number of columns."))
    index = row["index"].strip().upper()
    if index not in ExternalIndex.values:
        raise RowError(
            _("index must be PAPI, PAR or SIPAS, not %(v)r.") % {"v": row["index"].strip()}
        )
    year_text = row["year"].strip()
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        raise RowError(_("the year must be a year such as 2025, not %(v)r.") % {"v": year_text})
    province = row["province_code"].strip()
    if not PROVINCE.match(province):
        raise RowError(
            _("province_code must be the two-digit province code (01, 48, 79), not %(v)r.")
            % {"v": province}
        )
    node_code = row["node_code"].strip()
    if index == ExternalIndex.PAPI and node_code and not PAPI_CODE.match(node_code):
        raise RowError(
            _(
                "a PAPI code is empty (the total), a dimension D1 to D8 or a sub-dimension "
                "such as D2.3, not %(v)r."
            )
            % {"v": node_code}
        )
    if len(node_code) > 20:
        raise RowError(_("node_code is longer than 20 characters."))
    score = _number(row["score"].strip(), "score") if row["score"].strip() else None
    if score is None:
        raise RowError(_("score is missing."))
    max_text = row.get("max_score", "").strip()
    maximum = _number(max_text, "max_score") if max_text else default_max(index, node_code)
    if maximum == 0 or maximum != maximum.quantize(Decimal("0.01")):
        raise RowError(_("max_score must be above 0, with at most 2 decimals."))
    if score > maximum:
        raise RowError(
            _("score %(v)s is above the maximum of %(max)s.")
            % {"v": row["score"].strip(), "max": f"{maximum.normalize():f}"}
        )
    rank_text = row.get("rank", "").strip()
    if rank_text and not (rank_text.isdigit() and 1 <= int(rank_text) <= 999):
        raise RowError(
            _("rank must be a whole number from 1 (the published place), not %(v)r.")
            % {"v": rank_text}
        )
    lead_code = row.get("lead_agency", "").strip()
    lead = None
    if lead_code:
        lead = agencies.get(lead_code)
        if lead is None:
            raise RowError(_("unknown lead_agency %(code)s.") % {"code": lead_code})
    name, group = row.get("node_name", "").strip(), row.get("group", "").strip()
    if len(name) > 300 or len(group) > 40:
        raise RowError(_("node_name (300) or group (40) is too long."))
    return {
        "index": index,
        "year": int(year_text),
        "province_code": province,
        "node_code": node_code,
        "node_name": name,
        "score": score,
        "max_score": maximum,
        "rank": int(rank_text) if rank_text else None,
        "group": group,
        "lead_agency": lead,
    }


def _same(stored: ExternalValue, value: dict[str, Any]) -> bool:
    return (
        stored.node_name == value["node_name"]
        and stored.score == value["score"]
        and stored.max_score == value["max_score"]
        and stored.rank == value["rank"]
        and stored.group == value["group"]
        and stored.lead_agency_id == (value["lead_agency"].pk if value["lead_agency"] else None)
    )


def import_external(path: Path, *, actor: Any = IMPORT, skip_invalid: bool = False) -> FileResult:
    """Load the file: a FileResult with its counts and every refused row (line, reason)."""
    result = FileResult(name=path.name)
    try:
        header, rows_iter = read_csv(path, REQUIRED)
    except RowError as exc:
        result.error = str(exc)
        result.rejects.append(Reject(1, str(exc), []))
        result.refused = True
        return result
    except UnicodeDecodeError:
        result.error = _("the file is not UTF-8 text.")
        result.rejects.append(Reject(1, result.error, []))
        result.refused = True
        return result
    result.header = header
    try:
        rows = list(rows_iter)
    except UnicodeDecodeError:
        result.error = _("the file is not UTF-8 text.")
        result.rejects.append(Reject(1, result.error, []))
        result.refused = True
        return result
    for column in OPTIONAL:  # optional columns may be left out of the header
        for _line, row, _cells in rows:
            if row:
                row.setdefault(column, "")
    codes = {r.get("lead_agency", "").strip() for _l, r, _c in rows if r}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes - {""})}
    parsed: list[tuple[int, dict[str, Any], list[str]]] = []
    seen: dict[tuple[str, int, str, str], int] = {}
    for line, row, cells in rows:
        try:
            value = parse_row(row, agencies)
            key = (value["index"], value["year"], value["province_code"], value["node_code"])
            if key in seen:
                raise RowError(
                    _("this value already appears on line %(line)s.") % {"line": seen[key]}
                )
            seen[key] = line
            parsed.append((line, value, cells))
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), cells))
    if result.rejects and not skip_invalid:
        result.refused = True
        return result
    stored = {
        (v.index, v.year, v.province_code, v.node_code): v
        for v in ExternalValue.objects.filter(
            index__in={k[0] for k in seen}, year__in={k[1] for k in seen}
        )
    }
    try:
        with transaction.atomic():
            for line, value, cells in parsed:
                key = (value["index"], value["year"], value["province_code"], value["node_code"])
                before = stored.get(key)
                if before is not None and _same(before, value):
                    result.unchanged += 1
                    continue
                try:
                    external.record_value(actor=actor, **value)
                except DomainError as exc:
                    result.rejects.append(Reject(line, exc.message, cells))
                    raise
                if before is None:
                    result.created += 1
                else:
                    result.updated += 1
    except DomainError:
        # the service refused a row the checks above let through: the whole file rolls back
        result.refused = True
        result.created = result.updated = result.unchanged = 0
    return result
