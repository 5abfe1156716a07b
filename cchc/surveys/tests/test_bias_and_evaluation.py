"""Exit-poll bias check and the per-dossier evaluation through the same engine."""

import datetime as dt

import pytest

from cchc.dossiers.models import Dossier, Evaluation
from cchc.surveys import collection
from cchc.surveys.bias import bias_check
from cchc.surveys.models import Method
from cchc.surveys.results import evaluation_results
from cchc.surveys.tests.conftest import all_items
from cchc.surveys.tests.test_sampling import make_completed_dossiers


def test_desk_figures_far_above_the_independent_survey_are_flagged(cast, campaign, method):
    enter = lambda agency, mode, v: collection.enter_response(  # noqa: E731
        campaign, agency=agency, mode=mode, answers=all_items(method, v), actor=cast.province_admin
    )
    for _ in range(4):
        enter(cast.agency_a, "kiosk", 5)  # desk: 100 %
    enter(cast.agency_a, "phone", 1)
    enter(cast.agency_a, "interview", 5)  # independent: 50 %
    enter(cast.agency_b, "kiosk", 5)
    enter(cast.agency_b, "phone", 5)  # both 100 %
    rows = {r["code"]: r for r in bias_check(campaign)}
    a, b = rows[cast.agency_a.code], rows[cast.agency_b.code]
    assert a["desk"] == 100.0 and a["independent"] == 50.0 and a["gap"] == 50.0 and a["flagged"]
    assert not b["flagged"] and b["gap"] == 0.0
    assert not {r["code"]: r for r in bias_check(campaign, margin=60)}[cast.agency_a.code][
        "flagged"
    ]


def test_counter_ratings_count_as_desk_figures(cast, campaign, method):
    ids = make_completed_dossiers(cast, 4)
    Dossier.objects.filter(pk__in=ids).update(rating=5)
    collection.enter_response(
        campaign,
        agency=cast.agency_b,
        mode="phone",
        answers=all_items(method, 2),
        actor=cast.province_admin,
    )
    row = {r["code"]: r for r in bias_check(campaign)}[cast.agency_b.code]
    assert row["counter_rating"] == 100.0 and row["counter_n"] == 4
    assert row["independent"] == 0.0 and row["flagged"]


def test_per_dossier_evaluation_is_a_method_version(cast):
    method = Method.objects.get(code="danh-gia-ho-so")
    assert method.items.count() == 9
    ids = make_completed_dossiers(cast, 3)
    full = {code: 2 for code in method.items.values_list("code", flat=True)}
    for pk, scores in zip(
        ids, (full, full | {"attitude": 0}, full | {"attitude": 1, "contacts": 1}), strict=True
    ):
        Evaluation.objects.create(dossier_id=pk, scores=scores, satisfaction=4)
    doc = evaluation_results(dt.date(2026, 1, 1), dt.date(2026, 12, 31), province_code="01")
    (unit,) = doc["agencies"]
    items = unit["groups"]["EVALUATION"]["components"]["EVAL"]["items"]
    assert items["attitude"] == {"numerator": 1, "denominator": 3, "score": pytest.approx(100 / 3)}
    assert items["contacts"]["score"] == pytest.approx(200 / 3)
    assert unit["total"] == pytest.approx((7 * 100 + 100 / 3 + 200 / 3) / 9)


def test_evaluation_dashboard_per_unit_criterion_and_period(cast, client):
    method = Method.objects.get(code="danh-gia-ho-so")
    ids = make_completed_dossiers(cast, 2)  # finished in May 2026
    full = {code: 2 for code in method.items.values_list("code", flat=True)}
    for pk, scores in zip(ids, (full, full | {"attitude": 0}), strict=True):
        Evaluation.objects.create(dossier_id=pk, scores=scores, satisfaction=4)
    client.force_login(cast.province_admin)
    may = client.get("/surveys/evaluations/?period=2026-05").content.decode()
    assert cast.agency_b.name in may and 'id="evaluations"' in may
    # the criterion "attitude" (7th of the method) at 50 %, the others at 100 %
    assert "<td>50,0</td>" in may and "<td>100,0</td>" in may
    # the method's wording labels the criteria (rule data)
    assert "Thái độ của cán bộ, công chức" in may
    for other in ("2026-Q3", "2025"):
        page = client.get(f"/surveys/evaluations/?period={other}").content.decode()
        assert "<td>100,0</td>" not in page and "Không có đánh giá" in page
    assert "2026-Q2" in client.get("/surveys/evaluations/?period=2026-Q2").content.decode()
    assert (
        "Nhập kỳ"
        in client.get("/surveys/evaluations/?period=2026-13", follow=True).content.decode()
    )
    client.logout()
    assert client.get("/surveys/evaluations/").status_code == 302  # to the login page
