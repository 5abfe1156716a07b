"""On a wide screen each column of a task's history reads under its own heading: the action
under "Thao tác" and the time under "Thời gian" (they were swapped: the action's name stood
under the time's heading and the clock time under the action's)."""

import re

import pytest

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
