"""How a task's page reads on a wide screen: each column of the history under its own heading
(the action under "Thao tác", the time under "Thời gian": they were swapped), and the source
document named once."""

import re

import pytest

from cchc.plans import services
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _history(page: str) -> tuple[list[str], list[list[str]]]:
    table = re.search(r'<table class="compact task-history">(.*?)</table>', page, re.S)
    assert table, "the task page has a history table"
    heads = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table.group(1), re.S)]
    body = table.group(1).split("<tbody>", 1)[1]
    rows = [
        [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return heads, rows


def test_each_history_column_is_under_its_heading(cast, assign):
    task = assign(title="Rà soát quy trình nội bộ")
    page = client_for(cast.province_admin).get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    heads, rows = _history(page)
    assert len(rows) == 1
    row = dict(zip(heads, rows[0], strict=True))
    assert row["Thao tác"] == "Giao nhiệm vụ"
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", row["Thời gian"]), row
    assert row["Người thực hiện"] == task.assigned_by_label


def _source_row(page: str) -> str:
    row = re.search(r"<tr><th>Văn bản giao</th><td>(.*?)</td></tr>", page, re.S)
    assert row, "the task page names its source document"
    return _text(row.group(1))


def test_the_source_document_is_named_once_when_it_is_the_plan(cast, assign):
    """A task of the year's plan named the plan's number twice ("KH 12/KH-UBND (KH 12/KH-UBND
    — Kế hoạch …)"); the plan's title follows the number once. A task whose document is not
    the plan's still names both."""
    plan = services.create_plan(
        actor=cast.province_admin,
        code="KH-2026",
        year=2026,
        title="Kế hoạch cải cách hành chính năm 2026",
        issuing_document="KH 12/KH-UBND",
    )
    admin = client_for(cast.province_admin)
    task = assign(plan=plan)
    page = admin.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    assert _source_row(page) == "Kế hoạch: KH 12/KH-UBND (Kế hoạch cải cách hành chính năm 2026)"
    other = assign(plan=plan, source_kind="CONCLUSION", source_document="TB 45/TB-VP")
    page = admin.get(f"/plans/nhiem-vu/{other.code}/").content.decode()
    assert _source_row(page) == (
        "Thông báo kết luận: TB 45/TB-VP (KH 12/KH-UBND — Kế hoạch cải cách hành chính năm 2026)"
    )
