"""Live results are served stale-while-revalidate (cchc/surveys/live.py): after a change the
pages show the last computed figures stamped "Số liệu tính lúc …; đang cập nhật…" and ONE
recomputation is queued on the job runner; the pages never compute the figures themselves
except on a campaign's very first view; after the job, the new figures without the stamp."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.core.jobs import run_jobs
from cchc.surveys import collection, live, services
from cchc.surveys.models import Campaign, LiveResults, Mode
from cchc.surveys.results import campaign_results
from cchc.surveys.tests.conftest import all_items

pytestmark = pytest.mark.django_db

STAMP = "đang cập nhật…"


def enter(cast, campaign, method, value, agency=None):
    return collection.enter_response(
        campaign,
        agency=agency or cast.agency_a,
        mode=Mode.PHONE,
        answers=all_items(method, value),
        actor=cast.clerk_a,
    )


def queued() -> int:
    """Recomputations waiting on the job runner."""
    return DBTaskResult.objects.filter(
        task_path__endswith="refresh_live_results", status="READY"
    ).count()


def no_computation():
    """Any computation of the figures in the request fails the test."""
    return (
        mock.patch("cchc.surveys.results.campaign_results", side_effect=AssertionError("computed")),
        mock.patch("cchc.surveys.bias.survey_split", side_effect=AssertionError("computed")),
    )


def stamp_of(campaign) -> str:
    computed_at = LiveResults.objects.get(pk=campaign.pk).computed_at
    return f"Số liệu tính lúc {timezone.localtime(computed_at):%H:%M %d/%m/%Y}; {STAMP}"


def test_every_change_of_the_figures_changes_the_campaign_state(cast, campaign, method):
    def state():
        return live.state_of(Campaign.objects.get(pk=campaign.pk))

    seen = [state()]
    first = enter(cast, campaign, method, 5)
    seen.append(state())
    collection.review_responses(
        [first], decision="REJECTED", actor=cast.province_admin, reason="Phiếu trùng"
    )
    seen.append(state())
    collection.edit_response(
        first, answers=all_items(method, 1), actor=cast.province_admin, reason="Nhập sai"
    )
    seen.append(state())
    services.close_campaign(campaign, actor=cast.province_admin)
    seen.append(state())
    assert len(set(seen)) == len(seen) == 5


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_after_a_response_the_pages_serve_the_previous_figures_and_queue_one_job(
    cast, campaign, method, client
):
    for value in (5, 4, 2):
        enter(cast, campaign, method, value)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    unit_url = f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/"
    # the very first view computes in the request: there is nothing to show otherwise
    page = client.get(url).content.decode()
    assert "66,67" in page and STAMP not in page and queued() == 0
    patches = no_computation()
    with patches[0], patches[1]:
        page = client.get(url).content.decode()
        assert "66,67" in page and STAMP not in page and queued() == 0
        # a new response: the previous figures, stamped, and one job queued
        enter(cast, campaign, method, 5)
        page = client.get(url).content.decode()
        assert "66,67" in page and "75,00" not in page
        assert stamp_of(campaign) in page and queued() == 1
        # more views (results, unit, exports) and another response: still one job
        enter(cast, campaign, method, 5, agency=cast.agency_b)
        assert stamp_of(campaign) in client.get(url).content.decode()
        unit_page = client.get(unit_url).content.decode()
        assert stamp_of(campaign) in unit_page and "66,67" in unit_page
        assert client.get(f"/surveys/c/{campaign.code}/results.xlsx").status_code == 200
        assert queued() == 1
    # the job runs: new figures (both responses), no stamp, nothing queued
    assert run_jobs() == 1 and queued() == 0
    with patches[0], patches[1]:
        page = client.get(url).content.decode()
        assert "75,00" in page and STAMP not in page and "Số liệu tính lúc" not in page
        unit_page = client.get(unit_url).content.decode()
        assert "75,00" in unit_page and STAMP not in unit_page
        assert queued() == 0
    # the figures the job stored are the ones computed from scratch
    stored = LiveResults.objects.get(pk=campaign.pk).document
    assert stored == campaign_results(Campaign.objects.get(pk=campaign.pk))


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_a_response_recorded_during_the_computation_leaves_the_figures_stale(
    cast, campaign, method, client
):
    enter(cast, campaign, method, 5)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    client.get(url)
    enter(cast, campaign, method, 1)
    assert STAMP in client.get(url).content.decode() and queued() == 1

    real = campaign_results

    def slow(c):  # a response arrives while the job computes
        figures = real(c)
        enter(cast, campaign, method, 1)
        return figures

    with mock.patch("cchc.surveys.results.campaign_results", side_effect=slow):
        assert run_jobs() == 1
    # the figures stored are those of the state read before computing: stale again
    page = client.get(url).content.decode()
    assert STAMP in page and queued() == 1
    assert run_jobs() == 1
    page = client.get(url).content.decode()
    assert STAMP not in page
    unit = next(
        a
        for a in LiveResults.objects.get(pk=campaign.pk).summary["agencies"]
        if a["code"] == cast.agency_a.code
    )
    assert unit["n_valid"] == 3


def test_a_lost_recomputation_is_asked_for_again(cast, campaign, method, client, settings):
    enter(cast, campaign, method, 5)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    client.get(url)
    enter(cast, campaign, method, 4)
    client.get(url)
    assert queued() == 1
    DBTaskResult.objects.all().delete()  # the job is gone (failed all its attempts)
    client.get(url)
    assert queued() == 0  # within SURVEY_LIVE_RESULTS_SECONDS the mark holds
    LiveResults.objects.filter(pk=campaign.pk).update(
        refresh_requested_at=timezone.now()
        - dt.timedelta(seconds=settings.SURVEY_LIVE_RESULTS_SECONDS + 1)
    )
    assert STAMP in client.get(url).content.decode() and queued() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_figures_older_than_the_limit_are_recomputed_in_the_background(
    cast, campaign, method, client, settings
):
    """What no write announces (a unit renamed, a method version added) is caught up by age."""
    enter(cast, campaign, method, 5)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    client.get(url)
    old = timezone.now() - dt.timedelta(seconds=settings.SURVEY_LIVE_RESULTS_SECONDS + 1)
    LiveResults.objects.filter(pk=campaign.pk).update(computed_at=old)
    cast.agency_a.name = "Tên mới của đơn vị"
    cast.agency_a.save(update_fields=["name"])

    def ranking() -> str:  # (the bias table below it names the units as they are now)
        page = client.get(url).content.decode()
        return page.split('id="ranking"')[1].split("</table>")[0]

    assert "Tên mới của đơn vị" not in ranking() and queued() == 1
    assert STAMP in client.get(url).content.decode()
    run_jobs()
    assert "Tên mới của đơn vị" in ranking()


def test_only_survey_staff_trigger_or_see_live_figures(cast, campaign, method, client):
    from cchc.core.errors import NotPermitted

    enter(cast, campaign, method, 5)
    with pytest.raises(NotPermitted):
        live.snapshot(campaign, actor=cast.citizen)
    with pytest.raises(NotPermitted):
        live.request_refresh(campaign, actor=cast.citizen)
    assert not LiveResults.objects.exists() and queued() == 0
    client.force_login(cast.citizen)
    assert client.get(f"/surveys/c/{campaign.code}/results/").status_code == 404
    assert queued() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_published_results_are_the_frozen_ones_without_stamp_or_job(cast, campaign, method, client):
    for value in (5, 4, 2):
        enter(cast, campaign, method, value)
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/"
    client.get(url)
    enter(cast, campaign, method, 5)
    assert STAMP in client.get(url).content.decode() and queued() == 1
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(Campaign.objects.get(pk=campaign.pk), actor=cast.province_admin)
    page = client.get(url).content.decode()
    assert "75,00" in page and STAMP not in page
    unit_page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/")
    assert STAMP not in unit_page.content.decode()
    assert queued() == 1  # the one from before publication, nothing new
    run_jobs()  # it finds the campaign published and only clears its mark
    assert LiveResults.objects.get(pk=campaign.pk).refresh_requested_at is None
    client.logout()
    public = client.get(url).content.decode()
    assert "75,00" in public and STAMP not in public
