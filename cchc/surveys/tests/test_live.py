"""Live figures are computed once per change of the campaign's responses (cchc/surveys/live.py):
a second view reads them from the cache; a response recorded, rejected or corrected, or the
campaign closed, makes the next view compute them again, so no page shows stale figures."""

from unittest import mock

import pytest

from cchc.surveys import collection, live, services
from cchc.surveys.models import Campaign, Mode
from cchc.surveys.results import campaign_results
from cchc.surveys.tests.conftest import all_items

pytestmark = pytest.mark.django_db


def enter(cast, campaign, method, value):
    return collection.enter_response(
        campaign,
        agency=cast.agency_a,
        mode=Mode.PHONE,
        answers=all_items(method, value),
        actor=cast.clerk_a,
    )


def test_figures_are_recomputed_only_after_a_change(cast, campaign, method, client):
    first = enter(cast, campaign, method, 5)
    enter(cast, campaign, method, 5)
    computed = []

    def results():
        computed.append(1)
        return campaign_results(Campaign.objects.get(pk=campaign.pk))

    def view():
        c = Campaign.objects.get(pk=campaign.pk)
        doc = live.cached(c, "results", results)
        return next(a for a in doc["agencies"] if a["code"] == cast.agency_a.code)

    assert view()["n_valid"] == 2 and len(computed) == 1
    assert view()["n_valid"] == 2 and len(computed) == 1  # from the cache
    enter(cast, campaign, method, 1)
    assert view()["n_valid"] == 3 and len(computed) == 2
    collection.review_responses(
        [first], decision="REJECTED", actor=cast.province_admin, reason="Phiếu trùng"
    )
    assert view()["n_valid"] == 2 and len(computed) == 3
    assert view()["n_valid"] == 2 and len(computed) == 3
    second = collection.edit_response(
        first, answers=all_items(method, 1), actor=cast.province_admin, reason="Nhập sai"
    )
    assert second.answers["A1"] == 1
    view()
    assert len(computed) == 4
    services.close_campaign(campaign, actor=cast.province_admin)
    view()
    assert len(computed) == 5


def test_the_results_and_unit_pages_use_the_cached_figures(cast, campaign, method, client):
    for value in (5, 4, 2):
        enter(cast, campaign, method, value)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    unit_url = f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/"
    assert client.get(url).status_code == 200
    with (
        mock.patch("cchc.surveys.views.campaign_results", side_effect=AssertionError("recomputed")),
        mock.patch("cchc.surveys.bias.survey_split", side_effect=AssertionError("recomputed")),
    ):
        page = client.get(url).content.decode()
        assert "66,67" in page or "66.67" in page
        assert client.get(unit_url).status_code == 200
    # a new response: the page computes (and shows) the new figures
    enter(cast, campaign, method, 5)
    page = client.get(url).content.decode()
    assert "75,00" in page or "75.00" in page
