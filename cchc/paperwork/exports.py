"""The reception register (Sổ theo dõi hồ sơ) as a workbook, in the log book's Vietnamese
columns (it is the same book as form 07, kept in a spreadsheet)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.core.spreadsheets import header_row
from cchc.dossiers.models import Dossier
from cchc.paperwork import register

REGISTER_COLUMNS = (
    ("STT", 8),
    ("Mã hồ sơ", 28),
    ("Tên thủ tục hành chính", 48),
    ("Số lượng hồ sơ (bộ)", 10),
    ("Tên cá nhân, tổ chức", 30),
    ("Địa chỉ, số điện thoại", 36),
    ("Cơ quan chủ trì giải quyết", 32),
    ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17),
    ("Nhận kết quả từ cơ quan giải quyết", 17),
    ("Trả kết quả", 17),
    ("Trạng thái", 22),
)
DATE_FORMAT = "HH:MM DD/MM/YYYY"


def _cell(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment as a spreadsheet date (local time, no zone: Excel has none)."""
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None) if moment else None


def register_xlsx(agency: Agency, year: int, rows: Iterable[tuple[int, Dossier]]) -> bytes:
    """The book of a year as a workbook, written row by row (openpyxl's write-only mode): a
    year of a busy agency holds tens of thousands of lines, which a workbook kept whole in
    memory held all at once. The columns' widths and the frozen panes are set before the first
    row, and each cell carries its own style, as write-only mode asks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Quyển {register.book_number(year).replace('/', '-')}")
    for i, (_name, width) in enumerate(REGISTER_COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "C3"

    def bold(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True)
        return cell

    def moment(value: dt.datetime | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=_cell(value))
        cell.number_format = DATE_FORMAT
        return cell

    ws.append([bold(f"SỔ THEO DÕI HỒ SƠ — {agency.name} — Quyển số {register.book_number(year)}")])
    header_row(ws, [name for name, _width in REGISTER_COLUMNS])
    for line, d in rows:
        ws.append(
            [
                line,
                d.code,
                d.procedure.name,
                d.procedure.number_of_copies,
                d.applicant_name,
                ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
                d.competent_agency.name,
                moment(d.received_at),
                moment(d.appointment_at),
                moment(d.finished_at),
                moment(d.returned_at),
                str(d.get_status_display()),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
