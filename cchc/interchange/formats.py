"""Field-level parsing and formatting for the interchange bundle (interchange.md §1).

The bundle is a contract with other systems: UTF-8, datetimes ISO 8601 with an offset,
booleans 0/1, `null` where a value is absent. Export writes one canonical form so that
export → import → export is byte-identical: datetimes in +07:00 (Asia/Ho_Chi_Minh),
dates as YYYY-MM-DD, decimals without trailing zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.calendar import LOCAL_TZ

AGENCIES = "agencies.csv"
PROCEDURES = "procedures.csv"
DOSSIERS = "dossiers.jsonl"
PETITIONS = "petitions.jsonl"
SURVEY_RESPONSES = "survey_responses.jsonl"  # interchange.md §5, loaded by cchc.surveys
TASKS = "tasks.jsonl"  # interchange.md §7, loaded by cchc.plans
# The order files are loaded in: later files refer to codes of earlier ones.
BUNDLE_FILES = (AGENCIES, PROCEDURES, DOSSIERS, PETITIONS, SURVEY_RESPONSES, TASKS)
BOM = b"\xef\xbb\xbf"  # what Notepad and Excel put before UTF-8 text


class RowError(ValueError):
    """One reason a row is refused (user-facing, translated)."""


@dataclass
class Reject:
    line: int
    reason: str
    raw: Any  # the original line (JSONL) or the row's cells (CSV), written to rejects/


@dataclass
class FileResult:
    """What happened to one file of the bundle."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    refused: bool = False
    error: str = ""  # a file-level problem (unreadable header, missing module): file refused
    header: list[str] | None = None  # CSV header, to write rejects in the same format
    changed_ids: list[int] = field(default_factory=list)
    # How the file was loaded and where the time went (benchmarks and the audit trail).
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> str:
        # The exact line other systems parse (interchange.md §1): never translated. A refused
        # file wrote nothing, so it reports 0 created/updated/unchanged.
        if self.refused:
            return f"{self.name}: 0 created, 0 updated, 0 unchanged, {self.rejected} rejected"
        return (
            f"{self.name}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )


# -- values -------------------------------------------------------------------------------
def parse_datetime(value: Any, what: str, *, required: bool = False) -> dt.datetime | None:
    """ISO 8601 with an offset, e.g. `2026-02-13T16:30:00+07:00` (a naive time is refused:
    we could not know which zone the old system meant)."""
    if value is None or value == "":
        if required:
            raise RowError(_("%(what)s is missing.") % {"what": what})
        return None
    if not isinstance(value, str):
        raise RowError(
            _("%(what)s must be an ISO 8601 date and time text, not %(value)r.")
            % {"what": what, "value": value}
        )
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(
            _("%(what)s is not an ISO 8601 date and time: %(value)r.")
            % {"what": what, "value": value}
        ) from None
    if moment.tzinfo is None or len(value) < 16:
        raise RowError(
            _(
                "%(what)s must include the time and a UTC offset (e.g. 2026-02-13T16:30:00+07:00): %(value)r."
            )
            % {"what": what, "value": value}
        )
    return moment


def format_datetime(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(LOCAL_TZ).isoformat()


def parse_date(value: str, what: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(
            _("%(what)s is not a date in the form YYYY-MM-DD: %(value)r.")
            % {"what": what, "value": value}
        ) from None


def format_date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def parse_flag(value: Any, what: str) -> bool:
    """Booleans are `0`/`1` (a JSON true/false or an empty cell is tolerated)."""
    if value in (1, "1", True):
        return True
    if value in (0, "0", False, None, ""):
        return False
    raise RowError(_("%(what)s must be 0 or 1, not %(value)r.") % {"what": what, "value": value})


def parse_int(
    value: Any,
    what: str,
    *,
    low: int | None = None,
    high: int | None = None,
    required: bool = True,
    default: int | None = None,
) -> int | None:
    if value is None or value == "":
        if required:
            raise RowError(_("%(what)s is missing.") % {"what": what})
        return default
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RowError(
            _("%(what)s must be a whole number, not %(value)r.") % {"what": what, "value": value}
        )
    try:
        number = int(value)
    except ValueError:
        raise RowError(
            _("%(what)s must be a whole number, not %(value)r.") % {"what": what, "value": value}
        ) from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise RowError(
            _("%(what)s must be between %(low)s and %(high)s, not %(value)s.")
            % {"what": what, "low": low, "high": high, "value": number}
        )
    return number


def parse_decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal((value or "").strip() or "0")
    except InvalidOperation:
        raise RowError(
            _("%(what)s must be a number, not %(value)r.") % {"what": what, "value": value}
        ) from None
    if number.is_finite() and number >= 100000:  # the columns hold 5 digits before the point
        raise RowError(
            _("%(what)s must be less than 100000, not %(value)r.") % {"what": what, "value": value}
        )
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise RowError(
            _("%(what)s must be a non-negative number with at most 2 decimals: %(value)r.")
            % {"what": what, "value": value}
        )
    return number


def format_decimal(number: Decimal) -> str:
    number = Decimal(number)
    if number == number.to_integral():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def split_codes(value: str) -> list[str]:
    """`;`-separated codes, blanks dropped, order kept, duplicates removed."""
    seen: dict[str, None] = {}
    for part in (value or "").split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def text(value: Any, what: str, *, max_length: int, required: bool = True) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RowError(_("%(what)s is missing.") % {"what": what})
    if len(value) > max_length:
        raise RowError(
            _("%(what)s is longer than %(n)s characters.") % {"what": what, "n": max_length}
        )
    return value


# -- files --------------------------------------------------------------------------------
def read_csv(
    path: Path, columns: tuple[str, ...], *, errors: str = "strict"
) -> tuple[list[str], Iterator[tuple[int, dict[str, str], list[str]]]]:
    """The header and (line number, row by column, raw cells) of a CSV file.

    Raises RowError when a required column is missing from the header (line 1).
    """
    # errors="surrogateescape" (open_csv): bytes that are not UTF-8 are kept as lone
    # surrogates, so the row holding one is rejected with its line number instead of the
    # whole import stopping on a UnicodeDecodeError, and is written back byte for byte.
    handle = path.open(encoding="utf-8-sig", errors=errors, newline="")
    reader = csv.reader(handle)
    header = [h.strip() for h in next(reader, [])]
    if any(undecodable(h) is not None for h in header):
        handle.close()
        raise RowError(not_utf8(next(b for h in header if (b := undecodable(h)) is not None)))
    missing = [c for c in columns if c not in header]
    if missing:
        handle.close()
        raise RowError(_("the header lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)})

    def rows() -> Iterator[tuple[int, dict[str, str], list[str]]]:
        with handle:
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    yield line, {}, cells
                    continue
                yield line, dict(zip(header, cells, strict=True)), cells

    return header, rows()


def open_csv(
    path: Path, name: str, columns: tuple[str, ...]
) -> tuple[FileResult, list[tuple[int, dict[str, str], list[str]]]]:
    """The FileResult of bundle file `name` and its rows (as `read_csv` gives them). A file
    whose header lacks a column is refused: one reject on line 1, also its `error`."""
    result = FileResult(name=name)
    try:
        header, rows = read_csv(path, columns, errors="surrogateescape")
    except RowError as exc:
        result.header = list(columns)
        result.error = str(exc)
        result.rejects.append(Reject(1, str(exc), []))
        return result, []
    result.header = header
    kept = []
    for line, row, cells in rows:
        bad = next((b for c in cells if (b := undecodable(c)) is not None), None)
        if bad is not None:
            result.rejects.append(Reject(line, not_utf8(bad), cells))
            continue
        kept.append((line, row, cells))
    return result, kept


def undecodable(value: str) -> int | None:
    """The first byte of `value` that was not UTF-8 (read with surrogateescape), or None."""
    for char in value:
        if "\udc80" <= char <= "\udcff":
            return ord(char) - 0xDC00
    return None


def not_utf8(byte: int) -> str:
    return _(
        "the line is not UTF-8 text (byte 0x%(byte)02X): save the file with the UTF-8 encoding."
    ) % {"byte": byte}


# The standard library's JSON messages (how they begin), said for a reader.
_JSON_PROBLEMS = {
    "Expecting value": gettext_lazy("a value is missing or is not JSON (text needs double quotes)"),
    "Expecting ',' delimiter": gettext_lazy(
        "a comma ',' between two values, or the closing '}' or ']', is missing"
    ),
    "Expecting ':' delimiter": gettext_lazy("a colon ':' is missing after a field name"),
    "Expecting property name enclosed in double quotes": gettext_lazy(
        "a field name must be in double quotes (and no comma before '}')"
    ),
    "Extra data": gettext_lazy("there is more text after the end of the object"),
    "Unterminated string starting at": gettext_lazy(
        "a text value is not closed with a double quote"
    ),
    "Invalid control character": gettext_lazy(
        "a text value holds a tab or a line break (write it as \\t or \\n)"
    ),
    "Invalid \\escape": gettext_lazy("a backslash \\ starts no valid escape (write \\\\)"),
    "Invalid \\uXXXX escape": gettext_lazy("a \\u escape is not followed by 4 hexadecimal digits"),
}


def json_problem(raw: bytes) -> str:
    """Why `raw` (one line of a JSONL file) is not a JSON text, in the reader's language:
    the byte that is not UTF-8, or what is wrong at which character."""
    raw = raw.removeprefix(BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not_utf8(raw[exc.start])
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        problem = next((v for k, v in _JSON_PROBLEMS.items() if exc.msg.startswith(k)), None)
        return _("the line is not valid JSON, at character %(col)s: %(problem)s.") % {
            "col": exc.colno,
            "problem": problem if problem is not None else exc.msg,
        }
    except ValueError as exc:  # nothing else is expected: never hide the reason
        return _("the line is not valid JSON: %(error)s") % {"error": exc}
    # The standard library accepts what the fast reader of dossiers.jsonl does not.
    return _("the line holds NaN, Infinity or a number too large for JSON.")


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def json_line(obj: dict[str, Any]) -> str:
    """One canonical JSONL line: keys in the contract's order, UTF-8 (not \\u escapes)."""
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def jsonl_objects(path: Path, rejects: list[Reject]) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    """The JSON objects of a JSONL file with their line numbers and raw lines. Blank lines are
    skipped; a line that is not JSON, or not an object, goes to `rejects` with its reason."""
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, 1):
            raw = raw.rstrip(b"\r\n")
            if line == 1:  # a BOM (Notepad's "UTF-8") is not part of the first object
                raw = raw.removeprefix(BOM)
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except ValueError:
                rejects.append(Reject(line, json_problem(raw), raw))
                continue
            if not isinstance(row, dict):
                rejects.append(Reject(line, _("the line must be a JSON object."), raw))
                continue
            yield line, row, raw
