"""Facts and summaries from dossiers handled through the lifecycle services."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from cchc.indices import facts
from cchc.indices.models import DAY_COUNTERS, DaySummary, DossierFact, ProcedureMonthSummary
from cchc.indices.periods import Period
from cchc.indices.rebuild import rebuild_period
from cchc.indices.refresh import refresh_dossier
from cchc.indices.scoring import period_scores
from cchc.indices.summaries import dossier_counters, on_time_q
from cchc.indices.tests.conftest import QD766_GROUPS

pytestmark = pytest.mark.django_db
AUG, Q3 = Period.parse("2026-08"), Period.parse("2026-Q3")


def fact(d):
    return DossierFact.objects.get(pk=d.pk)


def test_closed_dossier_facts_follow_the_on_time_rule(scenario):
    s = scenario
    assert (
        fact(s.on_time).on_time is True
        and fact(s.on_time).resolved
        and fact(s.on_time).electronic_result
    )
    assert fact(s.late).on_time is False
    two = fact(s.two_supplements)
    assert two.supplement_count == 2 and two.too_many_supplements and two.on_time is False
    apologized = fact(s.apologized_late)
    assert apologized.on_time is False, (
        "the first appointment counts (on_time_against = initial_appointment)"
    )
    assert apologized.appointment_at == s.apologized_late.initial_appointment_at
    assert fact(s.withdrawn).on_time is True and fact(s.withdrawn).end_status == 7


def test_open_dossiers_are_judged_at_the_period_end(scenario):
    s = scenario
    for d in (s.open_overdue, s.open_not_yet_due, s.waiting_first_supplement, s.waiting_after_due):
        assert fact(d).is_open and fact(d).on_time is None
    aug_ok = set(DossierFact.objects.filter(on_time_q(AUG.end_at)).values_list("pk", flat=True))
    assert s.open_not_yet_due.pk in aug_ok  # due 3/9: not late on 31/8
    assert s.open_overdue.pk not in aug_ok
    assert s.waiting_first_supplement.pk in aug_ok  # judged when the supplement was requested
    assert s.waiting_after_due.pk not in aug_ok
    q3_ok = set(DossierFact.objects.filter(on_time_q(Q3.end_at)).values_list("pk", flat=True))
    assert s.open_not_yet_due.pk not in q3_ok  # by 30/9 it is late
    assert s.waiting_first_supplement.pk in q3_ok


def test_period_counters_and_progress_score(scenario):
    a = scenario.cast.agency_a.pk
    aug = dossier_counters(AUG, [a])[a]
    # received 9: on time = on_time, withdrawn, open_not_yet_due, waiting_first_supplement
    assert aug["received"] == 9
    assert aug["on_time"] == 4
    q3 = dossier_counters(Q3, [a])[a]
    assert q3["received"] == 9 and q3["on_time"] == 3
    scores = period_scores("qd766", AUG)
    progress = scores.scores[a].group("progress")
    assert progress.metrics[0].numerator == 4 and progress.metrics[0].denominator == 9
    assert progress.score == 8.89  # 20 × 4/9


def test_live_update_equals_full_rebuild(scenario):
    def snapshot():
        day = sorted(
            DaySummary.objects.values_list(
                "agency_id",
                "day",
                *DAY_COUNTERS,
            )
        )
        proc = sorted(
            ProcedureMonthSummary.objects.values_list(
                "agency_id", "month", "procedure_id", "received", "online", "paid_online"
            )
        )
        return [r for r in day if any(r[2:])], [r for r in proc if any(r[3:])]

    live = snapshot()
    assert live[0], "the live path filled the day summaries"
    DaySummary.objects.all().delete()
    ProcedureMonthSummary.objects.all().delete()
    DossierFact.objects.all().delete()
    job = rebuild_period(Period.parse("2026"), chunk=3)
    assert job.finished_at is not None and job.dossiers_done == 10
    assert snapshot() == live


def test_rebuild_resumes_after_an_interruption(scenario):
    DossierFact.objects.all().delete()
    job = rebuild_period(Period.parse("2026"), chunk=4, stop_after_chunks=1)
    assert job.finished_at is None and job.dossiers_done == 4
    job = rebuild_period(Period.parse("2026"), chunk=4)
    assert job.finished_at is not None and job.dossiers_done == 10
    assert DossierFact.objects.count() == 10


def test_refresh_is_idempotent(scenario):
    before = list(DaySummary.objects.order_by("pk").values())
    refresh_dossier(scenario.late.pk)
    refresh_dossier(scenario.late.pk)
    assert list(DaySummary.objects.order_by("pk").values()) == before


def test_bulk_signal_rebuilds_only_those_dossiers(scenario):
    from cchc.dossiers.signals import dossiers_bulk_changed

    DossierFact.objects.filter(pk=scenario.late.pk).delete()
    DaySummary.objects.all().delete()
    dossiers_bulk_changed.send(sender=None, dossier_ids=[scenario.late.pk, scenario.on_time.pk])
    assert DossierFact.objects.filter(pk=scenario.late.pk).exists()
    # the whole month of agency A is re-aggregated from facts (9 dossiers); agency B untouched
    assert sum(DaySummary.objects.values_list("received", flat=True)) == 9


def test_compute_indices_prints_the_interchange_document(scenario):
    out = StringIO()
    call_command(
        "compute_indices",
        "--scheme",
        "qd766",
        "--period",
        "2026-08",
        "--format",
        "json",
        stdout=out,
    )
    doc = json.loads(out.getvalue())
    assert doc["scheme"] == "qd766" and doc["period"] == "2026-08" and doc["version"] == "2022.1"
    row = next(r for r in doc["agencies"] if r["code"] == "H26.100")
    assert set(row) == {"code", "name", "group", "total", "rank", "groups"}
    assert set(row["groups"]) == set(QD766_GROUPS)
    metric = row["groups"]["progress"]["metrics"]["DOSSIER_ON_TIME"]
    assert metric == {"numerator": 4, "denominator": 9, "score": 8.89, "max": 20}
    assert row["groups"]["progress"]["max"] == 20
    assert row["total"] == pytest.approx(sum(g["score"] for g in row["groups"].values()), abs=0.011)
    payment = next(r for r in doc["agencies"] if r["code"] == "H26.01")["groups"]["payment"][
        "metrics"
    ]
    assert (
        payment["PAYMENT_ONLINE_DOSSIERS"]["denominator"] == 1
        and payment["PAYMENT_ONLINE_DOSSIERS"]["numerator"] == 0
    )
    for p in ("2026", "2026-Q3"):
        out = StringIO()
        call_command("compute_indices", "--period", p, stdout=out)
        assert json.loads(out.getvalue())["period"] == p


def test_fact_function_is_pure_and_handles_no_appointment():
    base = dict.fromkeys(facts.DOSSIER_FIELDS)
    received = dt.datetime(2026, 8, 3, 2, tzinfo=dt.UTC)
    base.update(
        id=1,
        receiving_agency_id=1,
        procedure_id=1,
        channel=2,
        status=4,
        received_at=received,
        paused_seconds=0,
        supplement_count=0,
        fee_amount=0,
        paid_online=0,
    )
    f = facts.dossier_fact(base, params={}, legal_due=lambda moment: moment + dt.timedelta(days=3))
    assert f.due_at == received + dt.timedelta(days=3) and f.is_open and f.online
    assert facts.dossier_fact({**base, "received_at": None}, params={}) is None
    done = facts.dossier_fact(
        {**base, "status": 9, "finished_at": received + dt.timedelta(days=4)},
        params={},
        legal_due=lambda moment: moment + dt.timedelta(days=3),
    )
    assert done.on_time is False and done.end_status == 9


def test_petitions_count_and_mark_the_dossier_unsatisfied(
    scenario, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    from cchc.feedback import intake as feedback
    from cchc.feedback.intake import Petitioner
    from cchc.indices.models import PetitionFact
    from cchc.indices.summaries import petition_counters

    from .conftest import at

    a = scenario.cast.agency_a
    with django_capture_on_commit_callbacks(execute=True):
        petition = feedback.file_petition(
            channel="WEB",
            category="TTHC",
            title="Chậm trả kết quả",
            description="Hồ sơ của tôi bị trả chậm",
            petitioner=Petitioner(name="Trần Thị B", phone="0912345678"),
            actor=AnonymousUser(),  # a visitor of the public form
            agency=a,
            dossier_code=scenario.on_time.code,
            at=at(5, 9),
        )
    assert PetitionFact.objects.filter(pk=petition.pk).exists()
    pc = petition_counters(AUG, [a.pk])[a.pk]
    # still unanswered after its 15 working days: late when August is judged, on time in early August
    assert pc["petitions"] == 1 and pc["petitions_tthc"] == 1 and pc["petitions_on_time"] == 0
    assert petition_counters(AUG, [a.pk], now=at(10, 9))[a.pk]["petitions_on_time"] == 1
    if petition.dossier_id:
        assert fact(scenario.on_time).complained is True
        assert dossier_counters(AUG, [a.pk])[a.pk]["satisfied"] == 3


def test_catalogue_completeness_mirrors_missing_core_fields(cast):
    from cchc.catalogue.models import Procedure
    from cchc.indices.summaries import catalogue_snapshot
    from cchc.testing import ProcedureFactory

    ProcedureFactory(code="2.000001", agencies=[cast.agency_a], applicant_types="")
    ProcedureFactory(code="2.000002", agencies=[cast.agency_a], steps_description="")
    ProcedureFactory(code="2.000003", agencies=[cast.agency_b])
    snapshot = catalogue_snapshot([cast.agency_a.pk, cast.agency_b.pk])
    procs = Procedure.objects.filter(pk__in=list(snapshot["procedures"]))
    assert procs.count() == 4
    for p in procs:
        assert snapshot["procedures"][p.pk]["complete"] == (not p.missing_core_fields()), p.code


def test_trend_counters_equal_single_period_counters(scenario):
    from cchc.indices.summaries import period_counters, period_counters_many

    ids = [scenario.cast.agency_a.pk, scenario.cast.agency_b.pk, scenario.cast.agency_c.pk]
    periods = Period.parse("2026-09").history(4)
    many = period_counters_many(periods, ids)
    for p in periods:
        assert many[p] == period_counters(p, ids)
    a = scenario.cast.agency_a.pk
    assert (
        many[AUG][a]["on_time"]
        == DossierFact.objects.filter(on_time_q(AUG.end_at), agency_id=a).count()
    )


def test_year_dashboard_skips_periods_before_the_methodology(client, scenario):
    client.force_login(scenario.cast.province_admin)
    from django.urls import reverse

    assert client.get(reverse("indices:dashboard"), {"period": "2026"}).status_code == 200
    assert client.get(reverse("indices:ranking"), {"period": "2022"}).status_code == 200


def test_rebuilding_one_period_keeps_the_facts_of_others(scenario):
    from cchc.indices.periods import Period as P

    before = DossierFact.objects.count()
    rebuild_period(P.parse("2026-07"), restart=True)  # no dossier in July
    assert DossierFact.objects.count() == before
    rebuild_period(P.parse("2026-08"), chunk=2, restart=True)
    assert DossierFact.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_rebuild_outside_a_transaction_gives_the_live_figures(transactional_db, scenario):
    """Outside a transaction on PostgreSQL the rebuild reads in a second thread: same facts."""
    live = sorted(DossierFact.objects.values_list("dossier_id", "on_time", "is_open", "due_at"))
    days = sorted(DaySummary.objects.values_list("agency_id", "day", "received", "on_time_closed"))
    DossierFact.objects.all().delete()
    DaySummary.objects.all().delete()
    job = rebuild_period(Period.parse("2026"), chunk=3)
    assert job.finished_at is not None and job.dossiers_done == 10
    assert (
        sorted(DossierFact.objects.values_list("dossier_id", "on_time", "is_open", "due_at"))
        == live
    )
    assert (
        sorted(DaySummary.objects.values_list("agency_id", "day", "received", "on_time_closed"))
        == days
    )


def test_usage_counters_in_sql_equal_the_procedure_flags(
    scenario, django_capture_on_commit_callbacks
):
    """period_counters takes the four "procedures used" counters from one SQL statement; the
    evidence lists use procedure_flags. Both must count the same procedures."""
    from cchc.agencies.models import Agency
    from cchc.catalogue.models import Procedure
    from cchc.core.calendar import LOCAL_TZ
    from cchc.dossiers import services
    from cchc.indices.summaries import (
        USAGE_COUNTER_NAMES,
        period_counters,
        procedure_counters,
        usage_counters,
    )

    c = scenario.cast
    from django.utils import timezone

    Procedure.objects.filter(pk=c.procedure.pk).update(
        has_fee=True,
        online_level="full",
        announced_on=dt.date(2026, 8, 3),
        published_at=dt.datetime(2026, 8, 6, 9, tzinfo=LOCAL_TZ),
        updated_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        online = services.submit_online(
            procedure=c.procedure,
            receiving_agency=c.agency_a,
            actor=c.citizen,
            applicant=services.Applicant(name="E", account=c.citizen),
            at=dt.datetime(2026, 8, 12, 9, tzinfo=LOCAL_TZ),
        )
        services.receive(online, actor=c.clerk_a, at=dt.datetime(2026, 8, 12, 10, tzinfo=LOCAL_TZ))
    ids = list(Agency.objects.values_list("pk", flat=True))
    for period in (AUG, Q3, Period.parse("2026-07"), Period.parse("2026")):
        slow = procedure_counters(period, ids)  # through procedure_flags and the usage rows
        fast = usage_counters(period, ids)
        assert {a: {k: slow[a][k] for k in USAGE_COUNTER_NAMES} for a in ids} == fast, period
        # and every catalogue counter period_counters reports is the one procedure_flags gives
        counters = period_counters(period, ids)
        assert {a: {k: counters[a][k] for k in slow[a]} for a in ids} == slow, period
        if period in (AUG, Q3):  # the dated names are exercised
            assert slow[c.agency_a.pk]["procedures_published_on_time"] == 1
    assert usage_counters(Period.parse("2026-07"), ids)[c.agency_a.pk]["online_services_used"] == 0
    assert usage_counters(AUG, ids)[c.agency_a.pk]["online_services_used"] == 1
    assert usage_counters(AUG, ids)[c.agency_a.pk]["procedures_fee_dossiers"] == 1


def test_a_petition_whose_refresh_never_ran_is_refreshed_by_the_worker(
    scenario, django_capture_on_commit_callbacks
):
    """Issue 12 point 4 for petitions: the index mark commits with the petition (the
    outbox). After a normal commit the fact is written and the mark cleared; when the process
    dies between the commit and the refresh (the callbacks never run), the mark stays and the
    worker's drain writes the fact."""
    from django.contrib.auth.models import AnonymousUser

    from cchc.feedback import intake as feedback
    from cchc.feedback.intake import Petitioner
    from cchc.indices import queue
    from cchc.indices.models import PendingPetitionRefresh, PetitionFact

    def file(title: str, execute: bool):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=execute):
            return feedback.file_petition(
                channel="WEB",
                category="TTHC",
                title=title,
                description="Nội dung",
                petitioner=Petitioner(name="Lê Văn C", phone="0912345679"),
                actor=AnonymousUser(),
                agency=scenario.cast.agency_a,
            )

    normal = file("Bình thường", execute=True)
    assert PetitionFact.objects.filter(pk=normal.pk).exists()
    assert not PendingPetitionRefresh.objects.filter(petition_id=normal.pk).exists()

    crashed = file("Mất điện sau khi ghi", execute=False)
    assert PendingPetitionRefresh.objects.filter(petition_id=crashed.pk).exists()
    assert not PetitionFact.objects.filter(pk=crashed.pk).exists()
    assert queue.drain() >= 1
    assert PetitionFact.objects.filter(pk=crashed.pk).exists()
    assert not PendingPetitionRefresh.objects.filter(petition_id=crashed.pk).exists()
