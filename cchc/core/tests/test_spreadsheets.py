import io

import pytest
from openpyxl import Workbook, load_workbook

from cchc.core.spreadsheets import SHEET_NAME_LENGTH, header_row, sheet_name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Tổng hợp", "Tổng hợp"),
        ("Mất nhiều điểm nhất ở đâu — Quý 4/2026", "Mất nhiều điểm nh… — Quý 4-2026"),
        (
            "Bộ tiêu chí PAR INDEX Chỉ số cải cách hành chính (2026)",
            "Bộ tiêu chí PAR INDEX C… (2026)",
        ),
        # no end that tells periods apart: cut at 31 characters
        ("Danh sách phản ánh quá hạn của các cơ quan", "Danh sách phản ánh quá hạn của"),
        # an end too long to keep leaves no room for the title: cut as usual
        ("Chỉ số — Sở Nông nghiệp và Phát triển nông thôn", "Chỉ số — Sở Nông nghiệp và Phát"),
        ("a[b]c:d*e?f\\g/h", "abcdefg-h"),
        ("'[]'", "Sheet"),
    ],
)
def test_sheet_names_fit_excel_and_keep_the_period(title, expected):
    name = sheet_name(title)
    assert name == expected
    assert len(name) <= SHEET_NAME_LENGTH


def test_two_quarters_of_one_long_title_get_two_sheet_names():
    title = "Các tiêu chí mất nhiều điểm nhất của đơn vị — Quý {}/2026"
    assert sheet_name(title.format(3)) != sheet_name(title.format(4))


def _saved(wb: Workbook):  # type: ignore[no-untyped-def]
    """The first sheet of the workbook as Excel would open it (saved, then read back)."""
    out = io.BytesIO()
    wb.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_the_heading_row_is_bold_with_its_widths_and_panes_on_either_kind_of_sheet(write_only):
    """A write-only sheet (a register of tens of thousands of lines, written row by row) could
    not take the heading row: the helper styled the row once appended, reading the sheet back."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Sổ") if write_only else wb.active
    header_row(ws, ["Mã hồ sơ", "Người nộp", "Ngày nhận"], widths=(18, 30.5), freeze="A2")
    ws.append(["H01.1-261205-0001", "Nguyễn Văn An", None])
    sheet = _saved(wb)
    assert [c.value for c in sheet[1]] == ["Mã hồ sơ", "Người nộp", "Ngày nhận"]
    assert all(c.font.bold for c in sheet[1])
    assert not any(c.font.bold for c in sheet[2] if c.value)
    assert sheet.column_dimensions["A"].width == 18
    assert sheet.column_dimensions["B"].width == 30.5
    assert sheet.freeze_panes == "A2"


def test_the_heading_row_may_follow_a_title_row_on_a_write_only_sheet():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ")
    ws.column_dimensions["A"].width = 12
    ws.freeze_panes = "A3"
    ws.append(["SỔ THEO DÕI HỒ SƠ"])
    header_row(ws, ["Số thứ tự", "Mã hồ sơ"])
    sheet = _saved(wb)
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert [(c.value, c.font.bold) for c in sheet[2]] == [("Số thứ tự", True), ("Mã hồ sơ", True)]
    assert sheet.freeze_panes == "A3"


def test_widths_after_a_write_only_sheets_first_row_are_refused_not_dropped():
    """A write-only sheet writes its widths and panes with its first row: set later, they would
    be lost without a word."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ")
    ws.append(["SỔ THEO DÕI HỒ SƠ"])
    with pytest.raises(ValueError, match="before its first row"):
        header_row(ws, ["Mã hồ sơ"], widths=(18,))
    assert _saved(wb).max_row == 1  # (saved: a write-only sheet left open fails when collected)
