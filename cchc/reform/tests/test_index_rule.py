"""The index rule as data (domain.md §7) on plain trees, ranks with ties, drill-down, what-if."""

from __future__ import annotations

import pytest

from cchc.core.actors import SYSTEM
from cchc.reform import assessments, results, scoring
from cchc.reform.models import Assessment, AssessmentStatus, Score

NODES = [
    {"code": "A", "kind": "field", "max_points": 60, "parent": None},
    {"code": "A.1", "kind": "criterion", "max_points": 60, "parent": "A"},
    {"code": "A.1.1", "kind": "subcriterion", "max_points": 60, "parent": "A.1", "method": "self"},
    {"code": "S", "kind": "field", "max_points": 40, "parent": None},
    {"code": "S.1", "kind": "criterion", "max_points": 40, "parent": "S"},
    {
        "code": "S.1.1",
        "kind": "subcriterion",
        "max_points": 40,
        "parent": "S.1",
        "method": "survey",
    },
    {"code": "X", "kind": "field", "max_points": 0, "parent": None},
    {"code": "X.1", "kind": "subcriterion", "max_points": 5, "parent": "X", "method": "bonus"},
    {"code": "X.2", "kind": "subcriterion", "max_points": 5, "parent": "X", "method": "penalty"},
]


def tree(optional: bool) -> scoring.Tree:
    return scoring.build_tree(
        template_id=1,
        code="t",
        year=2026,
        survey_optional=optional,
        grades=[{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 0}],
        nodes=NODES,
    )


def test_with_survey_the_full_maximum():
    r = scoring.score_unit(tree(True), {"A.1.1": 50, "S.1.1": 36, "X.1": 2, "X.2": 3})
    # (50 + 36 + 2 - 3) / 100
    assert r["points"] == pytest.approx(85) and r["max"] == 100
    assert r["total"] == pytest.approx(85.0) and r["grade"] == "B"


def test_optional_survey_missing_rescales_to_the_appraised_maximum():
    r = scoring.score_unit(tree(True), {"A.1.1": 54, "X.1": 1})
    # (54 + 1) / (100 - 40) * 100 = 91.666...
    assert r["max"] == 60 and r["total"] == pytest.approx(55 / 60 * 100) and r["grade"] == "A"


def test_mandatory_survey_missing_counts_zero():
    r = scoring.score_unit(tree(False), {"A.1.1": 54, "X.1": 1})
    assert r["max"] == 100 and r["total"] == pytest.approx(55.0) and r["grade"] == "C"


def test_ranks_share_ties_within_groups():
    rows = [
        {"code": "a", "group": "G1", "total": 90.0},
        {"code": "b", "group": "G1", "total": 85.0000000001},
        {"code": "c", "group": "G1", "total": 85.0},
        {"code": "d", "group": "G1", "total": 70.0},
        {"code": "e", "group": "G2", "total": 10.0},
    ]
    scoring.rank_units(rows)
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 1]


def test_weakest_ties_more_points_lost_first_then_code_order():
    nodes = [
        {"code": "1", "kind": "field", "max_points": 40, "parent": None},
        {"code": "1.2", "kind": "criterion", "max_points": 10, "parent": "1"},
        {
            "code": "1.2.1",
            "kind": "subcriterion",
            "max_points": 10,
            "parent": "1.2",
            "method": "self",
        },
        {"code": "1.10", "kind": "criterion", "max_points": 10, "parent": "1"},
        {
            "code": "1.10.1",
            "kind": "subcriterion",
            "max_points": 10,
            "parent": "1.10",
            "method": "self",
        },
        {"code": "1.3", "kind": "criterion", "max_points": 20, "parent": "1"},
        {
            "code": "1.3.1",
            "kind": "subcriterion",
            "max_points": 20,
            "parent": "1.3",
            "method": "self",
        },
    ]
    t = scoring.build_tree(
        template_id=2, code="w", year=2026, survey_optional=False, grades=[], nodes=nodes
    )
    r = scoring.score_unit(t, {"1.2.1": 5, "1.10.1": 5, "1.3.1": 10})
    # all at 50 %: 1.3 lost 10 points, then 1.2 before 1.10
    assert r["weakest"] == ["1.3", "1.2", "1.10"]


@pytest.mark.django_db
def test_rank_change_drilldown_and_what_if(cast, tmp_path):
    from cchc.reform.tests.helpers import build_template

    last = build_template(code="T-2025", year=2025)
    this = build_template(code="T-2026", year=2026)
    for t, b_score, c_score in ((last, 10, 5), (this, 4, 9)):
        for agency, score in ((cast.agency_b, b_score), (cast.agency_c, c_score)):
            a = assessments.open_assessment(t, agency, actor=SYSTEM)
            Score.objects.filter(assessment=a, node__code="1.1.1").update(appraised_score=score)
            Score.objects.filter(assessment=a, node__code="1.1.2").update(appraised_score=10)
            Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.FINAL)  # appraised
    doc = results.compute_year(2026, "01")
    b, c = results.unit_row(doc, "H26.01"), results.unit_row(doc, "H26.02")
    assert (b["rank"], c["rank"]) == (2, 1)
    assert (b["rank_change"], c["rank_change"]) == (-1, 1)
    lost = results.where_points_lost(doc, "H26.01")
    crit = lost[0]["criteria"][0]
    assert crit["code"] == "1.1" and crit["best"] == 19 and crit["behind_best"] == 5
    wi = results.what_if(2026, "H26.01", {"1.1.1": 10}, "01")
    assert wi["after"]["rank"] == 1 and wi["before"]["rank"] == 2
    # nothing saved
    assert results.unit_row(results.compute_year(2026, "01"), "H26.01")["rank"] == 2
