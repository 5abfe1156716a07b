"""compute_indices --scheme sipas (interchange.md §5), publication (frozen), the measure,
and who sees what."""

import io
import json

import pytest
from django.core.management import call_command

from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.indices.measures import available, measure
from cchc.surveys import collection, services
from cchc.surveys.models import Mode, SurveyEvent
from cchc.surveys.tests.conftest import all_items, enter_phone_responses


def fill(cast, campaign, method):
    enter_phone_responses(
        campaign, method, (5, 5, 4, 2, 9), agency=cast.agency_b, actor=cast.clerk_b
    )


def sipas(period="2026"):
    out = io.StringIO()
    call_command(
        "compute_indices", "--scheme", "sipas", "--period", period, "--province", "01", stdout=out
    )
    return json.loads(out.getvalue())


def test_compute_indices_prints_the_sipas_document(cast, campaign, method):
    fill(cast, campaign, method)
    doc = sipas()
    assert doc["scheme"] == "sipas" and doc["version"] == "sipas-2023" and doc["period"] == "2026"
    (unit,) = doc["agencies"]
    assert unit["code"] == cast.agency_b.code and unit["total"] == 75.0
    assert unit["n_valid"] == 4 and unit["n_invalid"] == 1 and unit["rank"] is None
    assert set(unit["groups"]) == {"POLICY", "SERVICE"}
    assert unit["groups"]["SERVICE"]["components"]["A"]["items"]["A1"] == {
        "numerator": 3,
        "denominator": 4,
        "score": 75.0,
    }
    low, high = unit["interval"]
    assert 0 <= low < 75 < high <= 100
    # live figures say so, with the keys a published document has (interchange walk: the two
    # shapes differed, so an imported installation printed the same figures differently)
    assert doc["frozen"] is False and doc["closed_at"] is None and unit["change"] is None


def test_published_results_are_frozen(cast, campaign, method):
    fill(cast, campaign, method)
    with pytest.raises(TransitionNotAllowed):
        services.publish_results(campaign, actor=cast.province_admin)
    campaign = services.close_campaign(campaign, actor=cast.province_admin)
    with pytest.raises(NotPermitted):
        services.publish_results(campaign, actor=cast.leader_b)
    campaign = services.publish_results(campaign, actor=cast.province_admin)
    assert SurveyEvent.objects.filter(campaign=campaign, action="publish").exists()
    # a later correction does not move the published figure
    r = campaign.responses.filter(answers__A1=2).first()
    collection.edit_response(r, answers=all_items(method, 5), actor=cast.province_admin, reason="x")
    doc = sipas()
    assert doc["frozen"] is True and doc["closed_at"]
    unit = next(a for a in doc["agencies"] if a["code"] == cast.agency_b.code)
    assert unit["total"] == 75.0
    assert "change" in unit and unit["change"] is None  # no 2025 figures to compare with
    assert set(doc) >= {"scheme", "version", "period", "agencies", "frozen", "closed_at"}


def test_sipas_is_a_platform_measure(cast, campaign, method):
    fill(cast, campaign, method)
    assert "sipas" in available()
    m = measure("sipas", agency_code=cast.agency_b.code, period="2026")
    assert m.value == 75.0 and m.numerator == 3 * 39 and m.denominator == 4 * 39
    assert measure("sipas", agency_code=cast.agency_a.code, period="2026").value is None


def test_raw_answers_only_for_home_affairs_and_the_units_leaders(cast, campaign, method, client):
    fill(cast, campaign, method)
    url = f"/surveys/c/{campaign.code}/responses/?unit={cast.agency_b.code}"
    for user, status in (
        (cast.province_admin, 200),
        (cast.leader_b, 200),
        (cast.leader_a, 403),
        (cast.clerk_b, 403),
        (cast.outsider, 403),
        (cast.citizen, 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_campaign_results_read_from_the_database_equal_the_reference(cast, campaign, method):
    """Campaign figures read from the responses' scored text (answer_matrix) are those of
    the plain computation over the decoded answers, also with 9s and blanks."""
    from cchc.surveys.methods import MethodSpec
    from cchc.surveys.models import Response
    from cchc.surveys.results import campaign_results, compute

    for k, value in enumerate((5, 4, 9, 2, 3, 5)):
        answers = all_items(method, value, A1=(k % 5) + 1, B2=9 if k % 2 else 4, C1=None)
        collection.enter_response(
            campaign,
            agency=cast.agency_a if k % 3 else cast.agency_b,
            mode=Mode.PHONE,
            answers=answers,
            actor=cast.clerk_a,
        )
    doc = campaign_results(campaign)
    rows = list(Response.objects.filter(campaign=campaign).values_list("agency_id", "answers"))
    units = {
        cast.agency_a.pk: {"code": cast.agency_a.code, "name": "", "group": ""},
        cast.agency_b.pk: {"code": cast.agency_b.code, "name": "", "group": ""},
    }
    plain = {a["code"]: a for a in compute(MethodSpec.load(method), rows, units)["agencies"]}
    for a in doc["agencies"]:
        b = plain[a["code"]]
        assert (a["n_valid"], a["n_invalid"]) == (b["n_valid"], b["n_invalid"])
        assert a["total"] == pytest.approx(b["total"])
        assert a["interval"] == [pytest.approx(x) for x in b["interval"]]


def test_a_scored_text_of_another_shape_falls_back_to_the_answers(cast, campaign, method):
    from cchc.surveys.models import Response
    from cchc.surveys.results import campaign_results

    fill(cast, campaign, method)
    Response.objects.filter(campaign=campaign).update(scored="5,4")
    unit = next(
        a for a in campaign_results(campaign)["agencies"] if a["code"] == cast.agency_b.code
    )
    assert unit["total"] == 75.0 and unit["n_valid"] == 4
