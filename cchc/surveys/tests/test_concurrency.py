"""Simultaneous online submissions on PostgreSQL: none lost, none duplicated (double clicks
included), quotas never overfilled."""

import threading

import pytest
from django.db import connection

from cchc.surveys import campaign_settings, collection
from cchc.surveys.models import Quota, Response
from cchc.surveys.tests.conftest import all_items, enter_phone_responses
from cchc.testing import run_together

CLIENTS = 24


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions(transactional_db, cast, campaign, method):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL (DATABASE_URL)")
    campaign_settings.set_quota(
        campaign, agency=cast.agency_a, target=CLIENTS - 4, actor=cast.province_admin
    )
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        for _click in range(2):  # a double click: the same form key twice
            try:
                collection.submit_open(
                    campaign,
                    open_token=campaign.open_token,
                    agency=cast.agency_a,
                    answers=all_items(method, 4),
                    device_key=f"device-{i}",
                    nonce=f"form-{i}",
                )
                result = "ok"
            except collection.QuotaFull:
                result = "full"
            with lock:
                outcomes.append(result)

    run_together(CLIENTS, client)
    assert len(outcomes) == 2 * CLIENTS
    responses = Response.objects.filter(campaign=campaign, agency=cast.agency_a)
    assert responses.count() == CLIENTS - 4  # the quota, exactly: none lost, none extra
    assert responses.values("nonce").distinct().count() == CLIENTS - 4
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_a).filled == CLIENTS - 4
    assert outcomes.count("full") >= 4


@pytest.mark.django_db(transaction=True)
def test_an_enumerators_form_sent_twice_at_once_is_recorded_once(
    transactional_db, cast, campaign, method
):
    """Both sends of one interview form (its nonce) get the one response: the second waits
    for the campaign's lock, its insert meets the first's nonce and it answers with that
    response, where it used to fail with the database's uniqueness error."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL (DATABASE_URL)")
    from cchc.surveys.models import Mode

    got: list[int] = []

    def enumerator(_i: int) -> None:
        response = collection.enter_response(
            campaign,
            agency=cast.agency_a,
            mode=Mode.PHONE,
            answers=all_items(method, 4),
            actor=cast.province_admin,
            nonce="interview-1",
        )
        got.append(response.pk)

    for _round in range(3):  # the race is not won the same way every time
        run_together(2, enumerator)
    assert len(got) == 6 and len(set(got)) == 1
    assert Response.objects.filter(campaign=campaign, nonce="interview-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_views_of_live_results(transactional_db, cast, campaign, method):
    """Views at once on a campaign never viewed: each may compute, one row is kept, none
    fails. Views at once after a change: exactly one recomputation is queued."""
    from django_tasks_db.models import DBTaskResult

    from cchc.surveys import live
    from cchc.surveys.models import Campaign, LiveResults

    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL (DATABASE_URL)")
    enter_phone_responses(campaign, method, (5, 4), agency=cast.agency_a, actor=cast.clerk_a)
    stamps: list[str] = []

    def view(_i: int) -> None:
        snapshot = live.snapshot(Campaign.objects.get(pk=campaign.pk), actor=cast.province_admin)
        stamps.append(snapshot.stamp)

    run_together(6, view)
    assert LiveResults.objects.filter(pk=campaign.pk).count() == 1 and stamps == [""] * 6
    enter_phone_responses(campaign, method, (1,), agency=cast.agency_a, actor=cast.clerk_a)
    stamps.clear()
    run_together(12, view)
    assert len(stamps) == 12 and all(stamps)
    jobs = DBTaskResult.objects.filter(task_path__endswith="refresh_live_results")
    assert jobs.count() == 1
