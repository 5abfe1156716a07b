import pytest

from cchc.core.spreadsheets import SHEET_NAME_LENGTH, sheet_name


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
