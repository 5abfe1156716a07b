"""Two refreshes of a dossier that has no fact yet (the request's own, in immediate mode, and
the worker draining the same mark) both insert its first fact; the loser's unique-key error
used to be logged as a failed refresh ("run rebuild_indices"). It now refreshes once more."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.db import connection

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.indices import queue, refresh
from cchc.indices.models import DaySummary, DossierFact, PendingRefresh


def _other_connection_refreshes(dossier_id: int) -> None:
    """The worker: its own connection, its own committed refresh."""
    try:
        refresh.refresh_facts([dossier_id])
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["request", "worker"])
def test_the_loser_of_the_first_fact_race_refreshes_again(
    cast, settings, monkeypatch, caplog, path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): two connections at once; CI runs it")
    settings.INDICES_REFRESH = "queued"  # the change only marks; the test runs the refreshes
    d = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An"),
        actor=cast.clerk_a,
        at=dt.datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ),
    )
    assert not DossierFact.objects.filter(pk=d.pk).exists()
    real_insert = refresh.insert_facts
    raced = []

    def insert_after_the_other(facts):  # the other refresh commits between our read and insert
        if not raced:
            raced.append(True)
            other = threading.Thread(target=_other_connection_refreshes, args=(d.pk,))
            other.start()
            other.join()
        return real_insert(facts)

    monkeypatch.setattr(refresh, "insert_facts", insert_after_the_other)
    with caplog.at_level(logging.ERROR, logger="cchc.indices"):
        if path == "request":
            queue.refresh_now(d.pk)
        else:
            assert queue.drain() == 1
    assert raced and caplog.records == []
    assert DossierFact.objects.filter(pk=d.pk).count() == 1
    assert not PendingRefresh.objects.filter(pk=d.pk).exists()
    # counted once in the summaries, not twice
    fact = DossierFact.objects.get(pk=d.pk)
    row = DaySummary.objects.get(agency_id=fact.agency_id, day=fact.received_on)
    assert row.received == 1
