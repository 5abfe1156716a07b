"""The rebuild as production runs it: on PostgreSQL, outside any transaction, its chunks built
and written by worker processes (or by a reader thread with one process)."""

from __future__ import annotations

import pytest
from django.db import connection

from cchc.dossiers.models import Dossier
from cchc.indices import rebuild
from cchc.indices.models import (
    DaySummary,
    DossierFact,
    MonthSummary,
    ProcedureMonthSummary,
    RebuildJob,
)
from cchc.indices.periods import Period
from cchc.indices.rebuild import rebuild_period

FACT_COLUMNS = [f.name for f in DossierFact._meta.concrete_fields if f.name != "computed_at"]


def _state():
    return (
        sorted(DossierFact.objects.values_list(*FACT_COLUMNS)),
        sorted(
            DaySummary.objects.exclude(received=0).values_list(
                "agency_id", "day", "received", "closed", "on_time_closed"
            )
        ),
        sorted(
            MonthSummary.objects.exclude(received=0).values_list(
                "agency_id", "month", "received", "on_time_closed"
            )
        ),
        sorted(
            ProcedureMonthSummary.objects.exclude(received=0).values_list(
                "agency_id", "month", "procedure_id", "received"
            )
        ),
    )


@pytest.mark.parametrize("processes", [2, 1])
def test_rebuild_in_processes_gives_what_the_live_updates_gave(
    transactional_db, scenario, processes, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): on SQLite the rebuild never uses worker processes or "
            "a reader thread; its sequential path is tested in test_facts.py (CI runs this on PostgreSQL)"
        )
    pools = []
    real = rebuild._rebuild_in_processes
    monkeypatch.setattr(
        rebuild, "_rebuild_in_processes", lambda *a, **k: pools.append(a[-2]) or real(*a, **k)
    )
    live = _state()
    assert live[0] and live[1], "the live path filled facts and summaries"
    for model in (DossierFact, DaySummary, MonthSummary, ProcedureMonthSummary):
        model.objects.all().delete()
    assert not connection.in_atomic_block
    seen: list[int] = []
    job = rebuild_period(Period.parse("2026"), chunk=2, processes=processes, progress=seen.append)
    received = Dossier.objects.exclude(received_at=None).filter(received_at__year=2026)
    assert job.finished_at is not None and job.dossiers_done == received.count() == 10
    assert job.last_dossier_id == max(received.values_list("pk", flat=True))
    assert seen == sorted(seen) and seen[-1] == 10  # progress only moves forward
    assert _state() == live
    assert pools == ([2] if processes == 2 else [])  # the path under test is the one taken


def test_an_interrupted_run_resumes_in_processes_without_counting_twice(transactional_db, scenario):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): on SQLite the rebuild never uses worker processes; "
            "resuming on the sequential path is tested in test_facts.py (CI runs this on PostgreSQL)"
        )
    live = _state()
    DossierFact.objects.all().delete()
    # an earlier run stopped after its first chunk (stop_after_chunks runs in this process)
    first = rebuild_period(Period.parse("2026"), chunk=3, stop_after_chunks=1)
    assert first.finished_at is None and first.dossiers_done == 3
    job = rebuild_period(Period.parse("2026"), chunk=3, processes=2)
    assert job.pk == first.pk and job.finished_at is not None and job.dossiers_done == 10
    assert RebuildJob.objects.filter(finished_at__isnull=True).count() == 0
    assert _state() == live
