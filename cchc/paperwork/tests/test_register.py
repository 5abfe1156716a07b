"""The reception register (Sổ theo dõi hồ sơ): form 01 prints the book and line a dossier was
entered under (they were printed blank), the register page lists the book of a year under the
same numbers, and the log book (form 07) numbers its rows by them, not from its period's start.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.paperwork import builders, register
from cchc.paperwork.tests.test_pdf_forms import NEEDS_FONT, flat, text_of

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


@pytest.fixture
def book(cast):
    """Agency A: the last evening of 2025, half past midnight on New Year's day 2026 (still
    2025 in UTC), then two dossiers on 2 March, the later-received one entered first;
    agency B: one that day."""
    late = counter_dossier(cast, "Trần Văn Sau", at=at(2026, 3, 2, 10))
    early = counter_dossier(cast, "Lê Thị Trước", at=at(2026, 3, 2, 9))
    other = counter_dossier(
        cast,
        "Phạm Văn Khác",
        receiving_agency=cast.agency_b,
        actor=cast.clerk_b,
        at=at(2026, 3, 2, 11),
    )
    eve = counter_dossier(cast, "Đỗ Văn Cuối", at=at(2025, 12, 31, 23, 30))
    new_year = counter_dossier(cast, "Vũ Thị Đầu", at=at(2026, 1, 1, 0, 30))
    return {"early": early, "late": late, "other": other, "eve": eve, "new_year": new_year}


def test_lines_follow_reception_per_agency_and_year(book):
    lines = {name: register.line_of(d) for name, d in book.items()}
    assert lines == {"early": 2, "late": 3, "other": 1, "eve": 1, "new_year": 1}
    # the page's one-query numbering says the same as the dossier's own
    assert register.lines_of(book.values()) == {d.pk: lines[n] for n, d in book.items()}
    assert register.book_number(register.reception_year(book["eve"])) == "01/2025"
    assert register.book_number(register.reception_year(book["new_year"])) == "01/2026"


def test_a_dossier_not_received_has_no_line(cast):
    submitted = online_dossier(cast, at=at(2026, 3, 2, 9))
    assert submitted.received_at is None and register.line_of(submitted) is None


def test_a_page_is_numbered_in_one_query_per_book(book):
    rows = [book["early"], book["late"], book["new_year"], book["other"]]
    with CaptureQueriesContext(connection) as queries:
        register.lines_of(rows)
    assert len(queries) == 2  # agency A's book of 2026, agency B's


@NEEDS_FONT
def test_form_01_prints_book_and_line(book):
    text = flat(text_of(builders.dossier_form(book["late"], "01")))
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 01/2026, Số thứ tự: 3" in text
    text = flat(text_of(builders.dossier_form(book["new_year"], "01")))
    assert "Quyển số: 01/2026, Số thứ tự: 1" in text
    assert "……" not in text.split("Vào Sổ theo dõi hồ sơ")[1].split("NGƯỜI")[0]


def test_log_book_rows_carry_the_register_line(cast, book):
    # a period starting after the first line of the book: its first row is line 2, not 1
    doc = builders.form_07(cast.agency_a, dt.date(2026, 3, 2), dt.date(2026, 12, 31))
    assert numbers(doc) == ["2", "3"]
    # a period across the new year: the new book starts again at 1
    doc = builders.form_07(cast.agency_a, dt.date(2025, 12, 1), dt.date(2026, 3, 31))
    assert numbers(doc) == ["1", "1", "2", "3"]
    later = builders.form_07(cast.agency_a, dt.date(2026, 3, 2), dt.date(2026, 3, 2), q="Sau")
    assert numbers(later) == ["3"]


def numbers(doc) -> list[str]:
    """The STT column of a log book."""
    cells = [row[0] for row in doc.body[0]._cellvalues[1:]]
    return [(c[0] if isinstance(c, tuple) else c).text for c in cells]


def page_lines(response) -> list[tuple[str, str]]:
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Rows(HTMLParser):
        cell = False

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                rows.append([])
            self.cell = tag == "td" or (self.cell and tag == "a")

        def handle_endtag(self, tag):
            if tag == "td":
                self.cell = False

        def handle_data(self, data):
            if self.cell and rows and data.strip():
                rows[-1].append(data.strip())

    Rows().feed(response.content.decode())
    return [(r[0], r[1]) for r in rows if len(r) >= 2]


def test_register_page_lists_the_book_with_its_lines_and_searches(client, cast, book):
    client.force_login(cast.clerk_a)
    url = reverse("paperwork:register")
    r = client.get(url, {"agency": cast.agency_a.code, "year": 2026})
    assert r.status_code == 200
    assert page_lines(r) == [
        ("1", book["new_year"].code),
        ("2", book["early"].code),
        ("3", book["late"].code),
    ]
    assert "01/2026" in r.content.decode()
    # a search keeps each dossier's line
    r = client.get(url, {"agency": cast.agency_a.code, "year": 2026, "q": "trước"})
    assert page_lines(r) == [("2", book["early"].code)]
    r = client.get(url, {"agency": cast.agency_a.code, "year": 2026, "q": book["late"].code})
    assert page_lines(r) == [("3", book["late"].code)]
    r = client.get(url, {"agency": cast.agency_a.code, "year": 2025})
    assert page_lines(r) == [("1", book["eve"].code)]


def test_register_page_is_paged_and_numbers_go_on(client, cast, book, monkeypatch):
    from cchc.paperwork import views

    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 2)
    client.force_login(cast.clerk_a)
    r = client.get(
        reverse("paperwork:register"), {"agency": cast.agency_a.code, "year": 2026, "page": 2}
    )
    assert page_lines(r) == [("3", book["late"].code)]


def test_register_of_another_agency_or_bad_year(client, cast, book):
    client.force_login(cast.clerk_a)
    url = reverse("paperwork:register")
    assert client.get(url, {"agency": cast.agency_b.code}).status_code == 404
    r = client.get(url, {"agency": cast.agency_a.code, "year": "hai"})
    assert r.status_code == 400 and "Nhập năm bằng số, ví dụ 2026." in r.content.decode()
    r = client.get(url, {"agency": cast.agency_a.code, "year": 2999})
    assert r.status_code == 400 and "Năm chưa đến chưa có sổ" in r.content.decode()
    client.force_login(cast.outsider)  # staff of another agency
    assert client.get(url, {"agency": cast.agency_a.code}).status_code == 404
    assert (
        client.get(reverse("paperwork:register_xlsx"), {"agency": cast.agency_a.code}).status_code
        == 404
    )
    client.force_login(cast.citizen)  # no agency at all
    assert client.get(url).status_code == 404
    client.force_login(cast.clerk_b)
    r = client.get(url)  # the user's own agency by default
    assert page_lines(r) == [("1", book["other"].code)]


def test_register_exports_carry_the_lines(client, cast, book):
    client.force_login(cast.clerk_a)
    params = {"agency": cast.agency_a.code, "year": 2026}
    r = client.get(reverse("paperwork:register_xlsx"), params)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    data = [(row[0], row[1]) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert data == [(1, book["new_year"].code), (2, book["early"].code), (3, book["late"].code)]
    assert "Quyển số 01/2026" in sheet["A1"].value
    r = client.get(reverse("paperwork:register_xlsx"), {**params, "q": "Sau"})
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [3]


@NEEDS_FONT
def test_register_pdf_is_the_log_book_of_the_year(client, cast, book):
    client.force_login(cast.clerk_a)
    r = client.get(reverse("paperwork:register_pdf"), {"agency": cast.agency_a.code, "year": 2026})
    assert r["Content-Type"] == "application/pdf"
    text = flat(text_of(r.content))
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Quyển số 01/2026" in text and "3 hồ sơ" in text
    packed = "".join(text.split())
    assert book["late"].code in packed and book["eve"].code not in packed


def test_register_form_marks_the_unreadable_year(client, cast):
    from cchc.core.tests.test_form_pages import checked

    client.force_login(cast.clerk_a)
    url = reverse("paperwork:register")
    html = checked(client.get(url))
    assert 'for="id_year"' in html and 'for="id_q"' in html
    checked(client.get(url, {"year": "hai"}), invalid={"id_year"})


def period_logbook_link(html: str) -> str:
    """The address the register's "print it period by period" sentence links to."""
    import re
    from html import unescape

    found = re.search(r'<a href="([^"]*)">in theo từng kỳ</a>', html)
    assert found, "no link to the log book by period"
    return unescape(found.group(1))


def test_a_year_too_long_to_print_offers_the_log_book_by_period(client, cast, book, monkeypatch):
    """Over the log book's limit the register page had a PDF link answering a bare text 400
    ("choose a shorter period") while the page offers only a year: it says so and links to the
    log book by period, filled with the agency and the year's first month."""
    monkeypatch.setattr(builders, "LOGBOOK_MAX_ROWS", 2)
    client.force_login(cast.clerk_a)
    url = reverse("paperwork:register")
    html = client.get(url, {"agency": cast.agency_a.code, "year": 2026}).content.decode()
    assert reverse("paperwork:register_pdf") not in html
    assert "3 hồ sơ trong năm: sổ in tối đa 2 hồ sơ — " in html
    link = period_logbook_link(html)
    assert link.startswith(reverse("paperwork:logbook") + "?")
    page = client.get(link)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    form = page.content.decode()
    assert 'value="2026-01-01"' in form and 'value="2026-01-31"' in form
    assert f'<option value="{cast.agency_a.code}" selected>' in form
    # the month chosen there prints
    printed = client.get(
        reverse("paperwork:logbook"),
        {"agency": cast.agency_a.code, "start": "2026-01-01", "end": "2026-01-31"},
    )
    assert printed["Content-Type"] == "application/pdf"
    # a year within the limit keeps its PDF link
    html = client.get(url, {"agency": cast.agency_a.code, "year": 2025}).content.decode()
    assert reverse("paperwork:register_pdf") in html and "in theo từng kỳ" not in html


def test_the_pdf_of_a_year_too_long_leads_to_the_log_book_by_period(
    client, cast, book, monkeypatch
):
    """The PDF address asked for anyway (a bookmark, an old page) redirects to the log book by
    period with the reason, never a text/plain 400."""
    monkeypatch.setattr(builders, "LOGBOOK_MAX_ROWS", 2)
    client.force_login(cast.clerk_a)
    params = {"agency": cast.agency_a.code, "year": 2026}
    r = client.get(reverse("paperwork:register_pdf"), params)
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Có 3 hồ sơ trong kỳ: vui lòng chọn khoảng thời gian ngắn hơn (tối đa 2 hồ sơ)." in html
    assert 'value="2026-01-01"' in html and 'value="2026-01-31"' in html
    register_page = client.get(reverse("paperwork:register"), params).content.decode()
    assert r["Location"] == period_logbook_link(register_page)


def test_register_workbook_is_written_row_by_row(client, cast, book, monkeypatch):
    """A year of tens of thousands of lines was built whole in memory: the workbook is written
    in openpyxl's write-only mode, and still has its bold title and headings, one line a
    dossier with its moments as dates, the columns' widths and the frozen panes."""
    import openpyxl

    from cchc.paperwork.exports import REGISTER_COLUMNS

    made = []
    real = openpyxl.Workbook

    def spy(*args, **kwargs):
        made.append(kwargs.get("write_only", False))
        return real(*args, **kwargs)

    client.force_login(cast.clerk_a)
    params = {"agency": cast.agency_a.code, "year": 2026}
    monkeypatch.setattr(openpyxl, "Workbook", spy)
    r = client.get(reverse("paperwork:register_xlsx"), params)
    monkeypatch.setattr(openpyxl, "Workbook", real)
    assert made == [True]
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.title == f"Quyển {register.book_number(2026).replace('/', '-')}"
    assert sheet["A1"].value.startswith(f"SỔ THEO DÕI HỒ SƠ — {cast.agency_a.name}")
    assert sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == [name for name, _width in REGISTER_COLUMNS]
    assert all(c.font.b for c in sheet[2])
    dossiers = builders.logbook_dossiers(cast.agency_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    codes = [row[1].value for row in sheet.iter_rows(min_row=3)]
    assert len(codes) == 3 and codes == [d.code for d in dossiers]
    received = sheet["H3"]
    assert isinstance(received.value, dt.datetime)
    assert received.number_format == "HH:MM DD/MM/YYYY"
    widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth}
    assert widths == {chr(ord("A") + i): w for i, (_n, w) in enumerate(REGISTER_COLUMNS)}
    assert sheet.freeze_panes == "C3"
