"""The unit page's "where the points were lost" (the Sóc Sơn view) as a leader uses it: no
negative points lost on the bonus field, and the table to download for a meeting."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import assessments, publishing, results
from cchc.reform.models import Assessment, AssessmentStatus, Score
from cchc.reform.tests.helpers import build_template
from cchc.reform.tests.test_results_profile import _unit


def test_a_net_bonus_loses_no_points_and_a_net_penalty_loses_the_penalty():
    doc = {
        "agencies": [
            _unit("U1", {"1": (8, 10, {"1.1": (8, 10)}), "9": (0.5, 0, {"9.1": (0.5, 0)})}),
            _unit("U2", {"1": (9, 10, {"1.1": (9, 10)}), "9": (-1, 0, {"9.1": (-1, 0)})}),
        ]
    }
    bonus = results.where_points_lost(doc, "U1")[1]
    assert bonus["lost"] == 0 and bonus["criteria"][0]["lost"] == 0
    penalty = results.where_points_lost(doc, "U2")[1]
    assert penalty["lost"] == 1 and penalty["criteria"][0]["lost"] == 1
    assert results.where_points_lost(doc, "U1")[0]["lost"] == 2


@pytest.mark.django_db
def test_the_points_lost_table_downloads_as_excel_and_pdf(client, cast):
    t = build_template()
    for agency, score in ((cast.agency_b, 4), (cast.agency_c, 9)):
        a = assessments.open_assessment(t, agency, actor=SYSTEM)
        Score.objects.filter(assessment=a, node__code="1.1.1").update(appraised_score=score)
        Score.objects.filter(assessment=a, node__code="1.1.2").update(appraised_score=10)
        Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.FINAL)  # appraised
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    client.force_login(cast.leader_b)
    url = reverse("reform:unit", args=[2026, "H26.01"])
    page = client.get(url).content.decode()
    assert 'href="?format=xlsx"' in page and 'href="?format=pdf"' in page

    r = client.get(url, {"format": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "par-2026-H26.01" in r["Content-Disposition"]
    cells = [
        list(row)
        for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
    ]
    text = " ".join(str(c) for row in cells for c in row if c is not None)
    assert "Điểm bị mất" in text and "Cao nhất nhóm" in text
    # field 1: 14 of 30, lost 16 (53,33 % of its maximum), the group's best 19
    field = next(row for row in cells if row and row[0] == "1")
    assert field[2:7] == [14, 30, 16, 53.33, 19]
    assert client.get(url, {"format": "pdf"}).content[:4] == b"%PDF"


def test_downloads_round_as_the_pages_and_the_pdf_writes_the_decimal_comma():
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from cchc.paperwork.tests.test_pdf_forms import NEEDS_FONT, flat, text_of
    from cchc.reform import exports

    lost = [
        {
            "code": "1",
            "score": 7.685,
            "max": 10,
            "counted": True,
            "lost": 2.315,
            "lost_share": 23.155,
            "best": 9.375,
            "median": 8.155,
            "criteria": [],
        }
    ]
    with translation.override("vi"):
        header, rows = exports.lost_rows(lost, {"1": "Chỉ đạo, điều hành"}, peers_shown=True)
        # the page writes these with floatformat:2 (half up): 7,69 2,32 23,16 9,38 8,16
        assert rows[0][2:] == [7.69, 10, 2.32, 23.16, 9.38, 8.16]
        assert [floatformat(v, 2) for v in (7.685, 2.315, 9.375, 8.155)] == [
            "7,69",
            "2,32",
            "9,38",
            "8,16",
        ]
        if NEEDS_FONT.args[0]:  # no Vietnamese font on this machine: no PDF to read
            return
        text = flat(text_of(exports.pdf("Điểm bị mất", header, rows)))
    assert "7,69" in text and "10,00" in text and "8,16" in text
    assert "7.69" not in text and "8.16" not in text
