"""What every Excel download of the platform shares (openpyxl writes them): the sheet name and
the bold heading row."""

from __future__ import annotations

import re
from collections.abc import Iterable
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


def header_row(ws: Any, headings: Iterable[Any]) -> None:
    """Append the column headings to the sheet, in bold: the row every download starts its
    table with."""
    from openpyxl.styles import Font  # openpyxl is loaded when a download is made, not before

    ws.append(list(headings))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
