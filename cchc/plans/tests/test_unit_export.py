"""The "Excel" link on a unit's task page gives that unit's own figures (walk of §10): the
counts and rates the page shows, by source document, then the tasks counted, with Vietnamese
headers and date cells, not the all-units emulation ranking."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from cchc.plans import services
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


def test_unit_page_excel_exports_the_units_own_figures(cast, assign, freezer):
    freezer.move_to("2026-04-10")
    late = assign(title="Báo cáo quý I", deadline=D(2026, 3, 31))
    services.complete(late, actor=cast.leader_a, result="Đã gửi")
    overdue = assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1), source_document="QĐ 5/QĐ")
    assign(title="Báo cáo năm", lead_agency=cast.agency_b, deadline=D(2026, 12, 31))
    leader = client_for(cast.leader_a)
    page = leader.get(f"/plans/don-vi/{cast.agency_a.code}/?year=2026").content.decode()
    link = re.search(r'<a class="download" href="([^"]+)">Excel</a>', page)
    assert link, "the unit page links to an Excel file"
    url = link.group(1).replace("&amp;", "&")

    r = leader.get(url)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert cast.agency_a.code in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    summary, tasks = wb.worksheets
    rows = list(summary.iter_rows(values_only=True))
    assert rows[0][0] == cast.agency_a.name
    assert rows[2][0] == "Tính đến" and rows[2][1].date() == D(2026, 4, 10)
    assert rows[4][:2] == ("Tổng số nhiệm vụ", "Hoàn thành đúng hạn")
    # two tasks, one done late, one overdue: as the page's figures say
    figures = dict(zip(rows[4], rows[5], strict=False))
    assert figures["Tổng số nhiệm vụ"] == 2 and figures["Hoàn thành quá hạn"] == 1
    assert figures["Quá hạn"] == 1 and figures["Tỷ lệ hoàn thành (%)"] == 50
    assert figures["Tỷ lệ đúng hạn (%)"] == 0
    by_doc = {row[0]: row for row in rows[8:] if row and row[0]}
    assert by_doc["QĐ 5/QĐ"][1:3] == (1, 1) and by_doc["KH 12/KH-UBND"][1] == 1

    task_rows = list(tasks.iter_rows(values_only=True))
    assert task_rows[0][:2] == ("Mã", "Tiêu đề")
    by_code = {row[0]: row for row in task_rows[1:]}
    assert set(by_code) == {late.code, overdue.code}  # unit B's task is not in unit A's file
    row = by_code[late.code]
    assert row[4].date() == D(2026, 3, 31) and row[5].date() == D(2026, 4, 10)
    assert row[6] == "Hoàn thành quá hạn"
    assert by_code[overdue.code][6] == "Quá hạn"
    assert tasks.cell(row=2, column=5).number_format == "DD/MM/YYYY"

    # another unit's file stays closed to unit A's leader, as its page does
    assert leader.get(f"/plans/don-vi/{cast.agency_b.code}/nhiem-vu.xlsx").status_code == 403
