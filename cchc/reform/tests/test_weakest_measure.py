"""The ranking's "weakest criteria" (lowest score ÷ maximum, interchange.md §6) and the unit
page's "where the points were lost" (points, most lost first) measured two different things
without saying so: a unit read 1.2 (0 of 2) as its weakest criterion, then found it below
1.1 (15 of 20) in the table, which lost more points. Both pages now say what "weakest"
measures, and the table gives each criterion's share of its maximum lost next to its points,
the weakest marked. The unit page also names the criteria of the unit's own template (a
province scores departments and communes with two templates of one year, both with a 1.2).
The ranking's download, like its page, says a provisional ranking is not published."""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.actors import SYSTEM
from cchc.reform import criteria, publishing
from cchc.reform.tests.helpers import save_nodes

pytestmark = pytest.mark.django_db

NODES = [
    ("1", None, "field", 22, ""),
    ("1.1", "1", "criterion", 20, ""),
    ("1.1.1", "1.1", "subcriterion", 20, "self"),
    ("1.2", "1", "criterion", 2, ""),
    ("1.2.1", "1.2", "subcriterion", 2, "self"),
]


def _year(cast):  # type: ignore[no-untyped-def]
    """Agency B submits under a 2026 template: 1.1 scores 15 of 20 (5 points lost, 25 %),
    1.2 scores 0 of 2 (2 points lost, 100 %). A second template of 2026 (for communes, a
    draft) also has a 1.2, named otherwise."""
    from cchc.reform import assessments

    t = criteria.create_template(actor=SYSTEM, code="T-2026", year=2026, name="Mẫu sở")
    save_nodes(t, NODES)
    t = criteria.publish_template(t, actor=SYSTEM)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    for code, score in (("1.1.1", 15), ("1.2.1", 0)):
        assessments.set_self_score(a, code, actor=cast.specialist_b, score=score, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    other = criteria.create_template(actor=SYSTEM, code="T-XA-2026", year=2026, name="Mẫu xã")
    save_nodes(other, [("1", None, "field", 2, ""), ("1.2", "1", "criterion", 2, "")])
    other.nodes.filter(code="1.2").update(name="Tiêu chí của mẫu xã")
    return t


def test_the_unit_page_says_what_weakest_measures_and_gives_each_criterions_share(client, cast):
    _year(cast)
    client.force_login(cast.leader_b)
    page = html.unescape(client.get(reverse("reform:unit", args=[2026, "H26.01"])).content.decode())
    weakest = page[page.index('id="weakest"') : page.index("</p>", page.index('id="weakest"'))]
    assert weakest.index('href="#c-1.2"') < weakest.index('href="#c-1.1"')
    assert "tỷ lệ điểm lớn nhất so với điểm tối đa" in weakest
    # the names of the unit's own template, not of the other template of the year
    assert "Nội dung 1.2" in weakest and "Tiêu chí của mẫu xã" not in page
    table = page[page.index('id="lost"') :]
    row_11 = table[table.index('id="c-1.1"') :]
    row_11 = row_11[: row_11.index("</tr>")]
    row_12 = table[table.index('id="c-1.2"') :]
    row_12 = row_12[: row_12.index("</tr>")]
    # the table still puts the criterion that lost most points first
    assert table.index('id="c-1.1"') < table.index('id="c-1.2"')
    assert "25,00 %" in row_11 and "yếu nhất" in row_11  # both are among the three weakest
    assert "100,00 %" in row_12 and "yếu nhất" in row_12
    assert "Điểm bị mất, % điểm tối đa" in table[: table.index("</thead>")]


def test_the_ranking_says_what_weakest_measures(client, cast):
    _year(cast)
    client.force_login(cast.province_admin)
    page = html.unescape(client.get(reverse("reform:ranking", args=[2026])).content.decode())
    note = page[page.index('id="weakest-measure"') :]
    assert "tỷ lệ điểm lớn nhất so với điểm tối đa" in note[: note.index("</p>")]


def test_the_ranking_download_says_provisional_until_published(client, cast):
    _year(cast)
    client.force_login(cast.leader_b)
    url = reverse("reform:ranking", args=[2026])
    rows = list(
        load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active.iter_rows(
            values_only=True
        )
    )
    header, unit = rows[0], rows[1]
    assert len(rows) == 2 and unit[3] == "H26.01"  # the leader's own unit only
    assert header[-2:] == ("Tiêu chí yếu nhất", "Tình trạng kết quả")
    # named as on the page, from the unit's own template (not the communes' "1.2")
    assert unit[-2:] == (
        "1.2 Nội dung 1.2; 1.1 Nội dung 1.1",
        "tạm tính: chưa thẩm định, chưa công bố",
    )
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    rows = list(
        load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][-1] == "đã công bố (lần 1)"
