"""Issue 14, results pages: the "where the points were lost" table is ordered as its caption
says (fields in the template's order, within a field the criterion furthest behind the
group's best first), the unit page draws the unit's radar profile per field against its
group's median and best from the results, and an import of par_scores.csv refuses a unit
whose type does not match the template's."""

from __future__ import annotations

import html
import math
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc.reform import results
from cchc.reform.models import Assessment
from cchc.reform.tests.fixtures import write_bundle
from cchc.reform.tests.helpers import build_template


def _unit(code: str, fields: dict[str, tuple[float, float, dict[str, tuple[float, float]]]]):  # type: ignore[no-untyped-def]
    return {
        "code": code,
        "group": "G",
        "groups": {
            f: {
                "score": s,
                "max": m,
                "criteria": {c: {"score": cs, "max": cm} for c, (cs, cm) in crit.items()},
            }
            for f, (s, m, crit) in fields.items()
        },
    }


def test_criteria_come_largest_gap_to_the_group_best_first_within_fields_in_template_order():
    doc = {
        "agencies": [
            _unit(
                "U1",
                {
                    "1": (10, 10, {"1.1": (10, 10)}),
                    "2": (5, 20, {"2.1": (5, 10), "2.2": (0, 10), "2.3": (0, 0)}),
                    "3": (8, 10, {"3.1": (8, 10)}),
                    "4": (7, 10, {"4.1": (7, 10)}),
                },
            ),
            _unit(
                "U2",
                {
                    "1": (6, 10, {"1.1": (6, 10)}),
                    "2": (20, 20, {"2.1": (10, 10), "2.2": (10, 10), "2.3": (0, 0)}),
                    "3": (10, 10, {"3.1": (10, 10)}),
                    "4": (7, 10, {"4.1": (7, 10)}),
                },
            ),
        ]
    }
    lost = results.where_points_lost(doc, "U1")
    assert [f["code"] for f in lost] == ["1", "2", "3", "4"]
    assert [f["behind_best"] for f in lost] == [0, 15, 2, 0]
    # field 2: 2.2 is 10 behind the best, 2.1 5, 2.3 (no points) none
    assert [c["code"] for c in lost[1]["criteria"]] == ["2.2", "2.1", "2.3"]
    assert [c["behind_best"] for c in lost[1]["criteria"]] == [10, 5, 0]


@pytest.mark.django_db
def test_the_unit_page_says_how_it_orders_and_draws_the_radar_from_the_results(
    client, cast, tmp_path
):
    out = StringIO()
    call_command("import_bundle", str(write_bundle(tmp_path / "b")), stdout=out)
    client.force_login(cast.province_admin)
    r = client.get(reverse("reform:unit", args=[2026, "H26.02"]))
    assert r.status_code == 200
    page = html.unescape(r.content.decode())
    assert "theo thứ tự của bộ chỉ số" in page
    table = page[page.index('id="lost"') :]
    # each field's code, a link to its rows on the scoring sheet where the sheet opens
    rows = [
        re.search(
            rf'<tr class="lost-field"><th class="lost-code">(<a href="[^"]*#n-{code}"[^>]*>)?'
            rf"{code}(</a>)?</th>",
            table,
        ).start()  # type: ignore[union-attr]
        for code in ("1", "2", "3", "9")
    ]
    assert rows == sorted(rows)
    # the radar: fields with points (1, 2, 3) in template order, axis 0 up, then clockwise
    # (120° apart), radius 120 px for 100 % around (180, 180)
    unit = [25 / 30, 35 / 40, 0 / 30]
    median = [(28 + 25) / 2 / 30, 35 / 40, (24 + 0) / 2 / 30]
    best = [28 / 30, 35 / 40, 24 / 30]
    for series, shares in enumerate((unit, median, best)):
        m = re.search(
            rf'<polygon class="radar-series" data-series="{series}" points="([^"]+)"', page
        )
        assert m, series
        points = [tuple(map(float, p.split(","))) for p in m.group(1).split()]
        assert len(points) == 3
        for i, (share, (x, y)) in enumerate(zip(shares, points, strict=True)):
            angle = math.radians(-90 + 120 * i)
            assert x == pytest.approx(180 + 120 * share * math.cos(angle), abs=0.06)
            assert y == pytest.approx(180 + 120 * share * math.sin(angle), abs=0.06)
    # the same figures as text, for screen readers
    figures = page[page.index('id="radar-unit"') :]
    figures = figures[figures.index("<table") : figures.index("</table>")]
    assert "83,33" in figures or "83.33" in figures
    assert "88,33" in figures or "88.33" in figures


@pytest.mark.django_db
def test_no_radar_with_fewer_than_three_fields_with_points(client, cast):
    from cchc.core.actors import SYSTEM
    from cchc.reform import assessments

    t = build_template()  # two fields with points
    a = assessments.open_assessment(t, cast.agency_b, actor=SYSTEM)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=5, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=0, explanation="Chưa")
    assessments.submit(a, actor=cast.leader_b)  # a draft has no result page
    client.force_login(cast.province_admin)
    r = client.get(reverse("reform:unit", args=[2026, "H26.01"]))
    assert r.status_code == 200 and r.context["radar"] is None
    assert "radar-series" not in r.content.decode()


@pytest.mark.django_db
def test_an_import_refuses_a_score_for_a_unit_of_another_type(cast, tmp_path):
    build_template(code="SO-2026", unit_level="PROVINCE_AGENCY")
    scores = (
        "template,agency_code,node_code,self_score,appraised_score,survey_score\n"
        "SO-2026,H26.01,1.1.1,8,8,\n"
        "SO-2026,H26.100,1.1.1,8,8,\n"  # a commune under a template for departments
    )
    d = write_bundle(tmp_path / "b", templates=None, nodes=None, scores=scores)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(d), stdout=StringIO(), stderr=err)
    lines = [ln for ln in err.getvalue().splitlines() if "par_scores.csv:" in ln]
    assert len(lines) == 1 and "par_scores.csv:3:" in lines[0], lines
    assert "H26.100" in lines[0] and "COMMUNE" in lines[0] and "dành cho" in lines[0], lines
    assert not Assessment.objects.exists()  # nothing half-saved
