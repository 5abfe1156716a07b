"""petitions.jsonl (PAKN, interchange.md §1): parsing here, the rules in the feedback app.

`cchc.feedback.interchange` owns what a petition row means: `validate_petition_row(row)`
(raises ValidationFailed), `apply_petition_rows(rows)` and `export_petition_rows(from, to)`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.feedback import interchange as feedback_io
from cchc.interchange.formats import PETITIONS, FileResult, Reject, json_line, jsonl_objects


def import_petitions(path: Path, *, skip_invalid: bool) -> FileResult:
    result = FileResult(name=PETITIONS)
    valid: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    for line, row, raw in jsonl_objects(path, result.rejects):
        try:
            feedback_io.validate_petition_row(row)
        except DomainError as exc:
            result.rejects.append(Reject(line, exc.message, raw))
            continue
        code = row.get("Ma")
        if code in seen:
            result.rejects.append(
                Reject(
                    line,
                    _("petition %(code)s already appears on line %(line)s.")
                    % {"code": code, "line": seen[code]},
                    raw,
                )
            )
            continue
        seen[code] = line
        # apply_petition_rows takes the bundle rows themselves (it validates them again).
        valid.append(row)
    if result.rejects and not skip_invalid:
        return result
    if valid:
        try:
            counts = feedback_io.apply_petition_rows(valid)
        except DomainError as exc:
            result.error = exc.message
            return result
        result.created, result.updated, result.unchanged = (
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
    return result


def export_petitions(handle: Any, date_from: dt.date, date_to: dt.date) -> int:
    count = 0
    for row in feedback_io.export_petition_rows(date_from, date_to):
        if isinstance(row, str | bytes):
            line = row.decode() if isinstance(row, bytes) else row
            handle.write(line if line.endswith("\n") else line + "\n")
        else:
            handle.write(json_line(row))
        count += 1
    return count
