"""Queued live refresh (INDICES_REFRESH=queued): marks on change, the worker refreshes once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.indices import queue
from cchc.indices.models import (
    DAY_COUNTERS,
    PROCEDURE_COUNTERS,
    DaySummary,
    DossierFact,
    MonthSummary,
    PendingRefresh,
    ProcedureMonthSummary,
)
from cchc.indices.periods import Period
from cchc.indices.rebuild import rebuild_period

pytestmark = pytest.mark.django_db


def test_queued_mode_marks_instead_of_refreshing_then_the_worker_catches_up(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.INDICES_REFRESH = "queued"
    when = dt.datetime(2026, 8, 3, 9, tzinfo=LOCAL_TZ)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.intake_at_counter(
            procedure=cast.procedure,
            receiving_agency=cast.agency_a,
            applicant=Applicant(name="A"),
            actor=cast.clerk_a,
            at=when,
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = services.transfer(
            d, actor=cast.clerk_a, to_agency=cast.agency_a, at=when + dt.timedelta(hours=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.finish(
            d, actor=cast.specialist_a, at=when + dt.timedelta(hours=2), note="Quyết định số 12/QĐ"
        )
    # three changes, one mark; nothing computed yet
    assert list(PendingRefresh.objects.values_list("dossier_id", flat=True)) == [d.pk]
    assert not DossierFact.objects.filter(pk=d.pk).exists()

    call_command("run_index_worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    fact = DossierFact.objects.get(pk=d.pk)
    assert fact.on_time and not fact.is_open
    assert DaySummary.objects.get(agency=cast.agency_a, day=dt.date(2026, 8, 3)).on_time_closed == 1
    assert not PendingRefresh.objects.exists()


def test_a_mark_newer_than_the_one_read_survives_the_drain(cast):
    d = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="A"),
        actor=cast.clerk_a,
    )
    queue.mark(d.pk)
    read = list(PendingRefresh.objects.values_list("dossier_id", "queued_at"))
    # a change arrives after the worker read the mark: its newer time keeps the row
    queue.mark(d.pk)
    assert PendingRefresh.objects.get().queued_at > read[0][1]
    assert queue._clear(read) == 0
    assert PendingRefresh.objects.filter(pk=d.pk).exists()
    assert queue.drain() == 1 and not PendingRefresh.objects.exists()


def _snapshot():
    day = sorted(
        tuple(r.values()) for r in DaySummary.objects.values("agency_id", "day", *DAY_COUNTERS)
    )
    proc = sorted(
        tuple(r.values())
        for r in ProcedureMonthSummary.objects.values(
            "agency_id", "month", "procedure_id", *PROCEDURE_COUNTERS
        )
    )
    month = sorted(
        tuple(r.values()) for r in MonthSummary.objects.values("agency_id", "month", *DAY_COUNTERS)
    )
    facts = sorted(tuple(r.values()) for r in DossierFact.objects.values())
    # the month rows are the day rows summed
    summed: dict = {}
    for agency, day_, *counts in day:
        key = (agency, day_.replace(day=1))
        summed[key] = [
            a + b for a, b in zip(summed.get(key, [0] * len(counts)), counts, strict=True)
        ]
    assert [r for r in month if any(r[2:])] == sorted((*k, *v) for k, v in summed.items() if any(v))
    return (
        [r for r in day if any(r[2:])],
        [r for r in month if any(r[2:])],
        [r for r in proc if any(r[3:])],
        [f[:-1] for f in facts],
    )  # not computed_at


def test_one_batch_of_changes_gives_the_figures_of_a_full_rebuild(
    scenario, settings, django_capture_on_commit_callbacks
):
    settings.INDICES_REFRESH = "queued"
    at = dt.datetime(2026, 8, 31, 9, tzinfo=LOCAL_TZ)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_result(scenario.late, actor=scenario.cast.clerk_a, at=at)
        services.finish(
            scenario.open_overdue,
            actor=scenario.cast.specialist_a,
            at=at,
            note="Quyết định số 12/QĐ",
        )
        services.receive_supplement(
            scenario.waiting_first_supplement, actor=scenario.cast.clerk_a, at=at
        )
        extra = services.intake_at_counter(
            procedure=scenario.cast.procedure,
            receiving_agency=scenario.cast.agency_a,
            applicant=Applicant(name="B"),
            actor=scenario.cast.clerk_a,
            at=at,
        )
    assert PendingRefresh.objects.count() == 4
    assert not DossierFact.objects.filter(pk=extra.pk).exists()
    assert queue.drain(limit=100) == 4 and not PendingRefresh.objects.exists()
    live = _snapshot()

    DaySummary.objects.all().delete()
    MonthSummary.objects.all().delete()
    ProcedureMonthSummary.objects.all().delete()
    DossierFact.objects.all().delete()
    rebuild_period(Period.parse("2026"), chunk=5)
    assert _snapshot() == live
    assert (
        DaySummary.objects.get(agency=scenario.cast.agency_a, day=dt.date(2026, 8, 31)).received
        == 1
    )


def test_the_mark_commits_or_rolls_back_with_the_change(cast, settings):
    settings.INDICES_REFRESH = "queued"
    with pytest.raises(RuntimeError), transaction.atomic():
        services.intake_at_counter(
            procedure=cast.procedure,
            receiving_agency=cast.agency_a,
            applicant=Applicant(name="A"),
            actor=cast.clerk_a,
        )
        assert PendingRefresh.objects.count() == 1  # written inside the changing transaction
        raise RuntimeError("the clerk's request fails after the intake")
    assert not PendingRefresh.objects.exists()
    d = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="B"),
        actor=cast.clerk_a,
    )
    assert list(PendingRefresh.objects.values_list("dossier_id", flat=True)) == [d.pk]


def test_the_counter_names_are_the_summary_columns():
    from cchc.indices.models import DossierCounters

    assert DAY_COUNTERS == tuple(f.name for f in DossierCounters._meta.fields)
    for model in (DaySummary, MonthSummary):
        assert set(DAY_COUNTERS) <= {f.name for f in model._meta.fields}
