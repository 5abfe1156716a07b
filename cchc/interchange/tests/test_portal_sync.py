"""Issue 17, point 1: dossiers synchronised to the national portal, against a local HTTP server
(success, a 500 then a retried success, the national field names), and the DOSSIER_SYNC
metric reading the records — "no data" when no endpoint is configured."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.core.calendar import LOCAL_TZ
from cchc.core.jobs import run_jobs
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.indices.periods import Period
from cchc.indices.scoring import period_scores
from cchc.interchange.dossiers import EXPORT_KEYS
from cchc.interchange.models import PortalSync
from cchc.testing import FakeJsonApi

AUG = Period.parse("2026-08")


@pytest.fixture
def portal(settings):
    portal = FakeJsonApi()
    settings.DOSSIER_SYNC_URL = portal.url("/dvcqg/hoso")
    settings.DOSSIER_SYNC_USER = "tinh-01"
    settings.DOSSIER_SYNC_PASSWORD = "bí-mật"  # noqa: S105 - a test credential
    settings.DOSSIER_SYNC_TOKEN = ""
    settings.DOSSIER_SYNC_TIMEOUT = 5
    yield portal
    portal.close()


def _receive(cast, day=3):
    return services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=services.Applicant(name="Nguyễn Văn An"),
        actor=cast.clerk_a,
        at=dt.datetime(2026, 8, day, 9, tzinfo=LOCAL_TZ),
    )


def _sync_score(agency):
    scores = period_scores("qd766", AUG).scores[agency.pk]
    return next(m for g in scores.groups for m in g.metrics if m.code == "DOSSIER_SYNC")


@pytest.mark.django_db(transaction=True)
def test_a_change_is_sent_in_the_national_field_names_and_recorded(cast, portal):
    dossier = _receive(cast)
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # queued with the change
    assert run_jobs() >= 1
    [(path, body, auth)] = portal.received
    assert path == "/dvcqg/hoso"
    assert auth == "Basic " + base64.b64encode("tinh-01:bí-mật".encode()).decode()
    assert set(body) == set(EXPORT_KEYS)
    assert body["MaHoSo"] == dossier.code
    assert body["MaTTHC"] == cast.procedure.code
    assert body["MaDonViTiepNhan"] == cast.agency_a.code
    assert body["KenhThucHien"] == 1 and body["TrangThaiHoSo"] == dossier.status
    assert body["NgayTiepNhan"] == "2026-08-03T09:00:00+07:00"
    assert [e["TrangThai"] for e in body["LichSu"]] == [2]
    sync = PortalSync.objects.get(dossier=dossier)
    assert sync.sent_at is not None and sync.sent_version == dossier.version
    assert sync.last_error == ""
    assert Dossier.objects.get(pk=dossier.pk).synced_to_portal
    # the metric reads the record: 1 of 1 received dossiers synchronised
    metric = _sync_score(cast.agency_a)
    assert (metric.numerator, metric.denominator, metric.score) == (1, 1, 6.0)
    # recording the send queued no second send; running again sends nothing
    run_jobs()
    assert len(portal.received) == 1
    # a later change sends the new state, once
    services.finish(
        dossier,
        actor=cast.specialist_a,
        at=dt.datetime(2026, 8, 4, 9, tzinfo=LOCAL_TZ),
        note="Quyết định số 12/QĐ",
    )
    run_jobs()
    assert [b["TrangThaiHoSo"] for _p, b, _a in portal.received] == [2, 9]
    assert PortalSync.objects.get(dossier=dossier).sent_version == (
        Dossier.objects.get(pk=dossier.pk).version
    )


@pytest.mark.django_db(transaction=True)
def test_a_500_is_recorded_and_retried_with_backoff_until_it_succeeds(cast, portal):
    portal.answers = [500]
    dossier = _receive(cast)
    before = timezone.now()
    run_jobs()
    sync = PortalSync.objects.get(dossier=dossier)
    assert sync.sent_at is None and "HTTP 500" in sync.last_error and sync.attempts == 1
    assert not Dossier.objects.get(pk=dossier.pk).synced_to_portal
    assert _sync_score(cast.agency_a).score == 0.0  # configured, not yet sent: 0, not "no data"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after is not None and retry.run_after >= before + dt.timedelta(seconds=59)
    run_jobs()
    assert len(portal.received) == 1  # the retry waits for its time
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_jobs()
    assert len(portal.received) == 2
    sync.refresh_from_db()
    assert sync.sent_at is not None and sync.attempts == 2
    assert Dossier.objects.get(pk=dossier.pk).synced_to_portal
    assert _sync_score(cast.agency_a).score == 6.0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(cast, portal):
    with pytest.raises(RuntimeError), transaction.atomic():
        _receive(cast)
        raise RuntimeError("the clerk's request failed")
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_an_endpoint_nothing_is_sent_and_the_metric_has_no_data(cast, settings):
    settings.DOSSIER_SYNC_URL = ""
    _receive(cast)
    assert not DBTaskResult.objects.exists()
    metric = _sync_score(cast.agency_a)
    assert metric.no_data and metric.score is None  # not 0, not invented
    # the personal data store metric depends on the same sync records
    scores = period_scores("qd766", AUG).scores[cast.agency_a.pk]
    storage = next(
        m
        for g in scores.groups
        for m in g.metrics
        if m.code == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE"
    )
    assert storage.no_data
