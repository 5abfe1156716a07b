"""Queued live refresh (INDICES_REFRESH=queued): marks on change, the worker refreshes once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.indices import queue
from cchc.indices.models import DaySummary, DossierFact, PendingRefresh

pytestmark = pytest.mark.django_db


def test_queued_mode_marks_instead_of_refreshing_then_the_worker_catches_up(
        cast, settings, django_capture_on_commit_callbacks):
    settings.INDICES_REFRESH = "queued"
    when = dt.datetime(2026, 8, 3, 9, tzinfo=LOCAL_TZ)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.intake_at_counter(procedure=cast.procedure, receiving_agency=cast.agency_a,
                                       applicant=Applicant(name="A"), actor=cast.clerk_a, at=when)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a, at=when + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.finish(d, actor=cast.specialist_a, at=when + dt.timedelta(hours=2))
    # three changes, one mark; nothing computed yet
    assert list(PendingRefresh.objects.values_list("dossier_id", flat=True)) == [d.pk]
    assert not DossierFact.objects.filter(pk=d.pk).exists()

    call_command("run_index_worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    fact = DossierFact.objects.get(pk=d.pk)
    assert fact.on_time and not fact.is_open
    assert DaySummary.objects.get(agency=cast.agency_a, day=dt.date(2026, 8, 3)).on_time_closed == 1
    assert not PendingRefresh.objects.exists()


def test_a_mark_newer_than_the_one_read_survives_the_drain(cast, settings):
    d = services.intake_at_counter(procedure=cast.procedure, receiving_agency=cast.agency_a,
                                   applicant=Applicant(name="A"), actor=cast.clerk_a)
    queue.mark(d.pk)
    old = PendingRefresh.objects.get().queued_at
    # a change arrives after the worker read the mark: its newer time keeps the row
    PendingRefresh.objects.filter(pk=d.pk).update(queued_at=old + dt.timedelta(seconds=1))
    PendingRefresh.objects.filter(dossier_id=d.pk, queued_at=old).delete()  # what drain does
    assert PendingRefresh.objects.filter(pk=d.pk).exists()
    assert queue.drain() == 1 and not PendingRefresh.objects.exists()
