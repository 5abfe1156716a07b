"""What every Excel download of the platform shares (openpyxl writes them): the sheet name and
the bold heading row (with the columns' widths and frozen panes), on an ordinary sheet or a
write-only one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# Excel refuses these in a sheet name, and the name is at most 31 characters long
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
# "Title — Quý 4-2026" or "Title (2026)": the end says which period or unit the sheet holds
_DISTINGUISHING_END = re.compile(r"( — [^—]+| \([^()]+\))$")


def sheet_name(title: str) -> str:
    """The title as Excel allows a sheet name: its Vietnamese letters kept, "/" written "-",
    the other forbidden characters ([]:*?\\) dropped, at most 31 characters, no apostrophe at
    either end. A long title ending in " — period" or " (year)" keeps that end and shortens
    the rest with "…" ("Mất nhiều điểm nhất… — Quý 4-2026", not "Mất nhiều điểm nhất ở đâu —
    Quý"): downloads of different periods open side by side must not share a sheet name."""
    name = _SHEET_FORBIDDEN.sub(lambda m: "-" if m.group() == "/" else "", title)
    name = re.sub(r"\s+", " ", name).strip()
    end = _DISTINGUISHING_END.search(name)
    if len(name) > SHEET_NAME_LENGTH and end:
        room = SHEET_NAME_LENGTH - len(end.group()) - 1  # 1 for "…"
        if room >= 4:  # enough of the title left to read
            name = name[: end.start()][:room].rstrip() + "…" + end.group()
    name = name[:SHEET_NAME_LENGTH].strip().strip("'")
    return name or "Sheet"


def header_row(
    ws: Any,
    headings: Iterable[Any],
    *,
    widths: Sequence[float] = (),
    freeze: str | None = None,
) -> None:
    """Append the column headings to the sheet, in bold: the row every download starts its
    table with. `widths` are the columns' widths from column A on, `freeze` the cell above and
    left of which the panes stay in place when the reader scrolls ("A2": the headings).

    Works on an ordinary sheet and on a write-only one (`Workbook(write_only=True)`, a download
    of tens of thousands of lines written row by row): each heading is a cell of its own with
    its bold font, as write-only mode asks, instead of a row styled once appended, which a
    write-only sheet cannot read back. A write-only sheet writes its widths and panes with its
    first row, so there they must come with the first row appended (or be set before it)."""
    # openpyxl is loaded when a download is made, not before
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # a write-only sheet's writer starts with its first row: the widths and panes set after it
    # would be dropped without a word (openpyxl keeps no public sign that it started)
    if (widths or freeze) and getattr(ws, "_writer", None) is not None:
        raise ValueError(
            "A write-only sheet takes its column widths and frozen panes before its first row"
        )
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    if freeze:
        ws.freeze_panes = freeze
    cells = []
    for heading in headings:
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)
