"""Issue 17, point 1: intake (counter and online) records whether and how the applicant's
identity was checked against the national population database, and the two population-data
metrics of the 766 index read it."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, IdentityCheck
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.dossiers.tests.test_api import Api, intake_body
from cchc.dossiers.tests.test_views import intake_data
from cchc.indices.periods import Period
from cchc.indices.refresh import refresh_dossiers
from cchc.indices.scoring import period_scores

pytestmark = pytest.mark.django_db


def _metrics(agency, period):
    refresh_dossiers(list(Dossier.objects.values_list("pk", flat=True)))
    scores = period_scores("qd766", period).scores[agency.pk]
    return {m.code: m for g in scores.groups for m in g.metrics}


def test_counter_form_records_the_check_and_the_metrics_read_it(client, cast):
    client.force_login(cast.clerk_a)
    page = client.get("/staff/intake/").content.decode()
    assert 'name="identity_check"' in page and "VNeID" in page
    for check in ("chip", "none"):
        resp = client.post("/staff/intake/", intake_data(cast, identity_check=check))
        assert resp.status_code == 302, resp.content.decode()[-2000:]
    by_check = dict(Dossier.objects.values_list("identity_check", "uses_population_data"))
    assert by_check == {"chip": True, "none": False}
    # the receiving agency's dossiers: 1 of 2 used population data; its procedure counts
    day = Dossier.objects.first().received_at.astimezone(LOCAL_TZ).date()
    metrics = _metrics(cast.agency_a, Period(day.year, "month", day.month))
    dossier_metric = metrics["CITIZEN_DATA_CONNECTED_DOSSIER"]
    assert (dossier_metric.numerator, dossier_metric.denominator) == (1, 2)
    assert dossier_metric.score == 1.0  # 2 points × 1/2
    assert metrics["CITIZEN_DATA_CONNECTED_FORMALITY"].numerator == 1


def test_an_unknown_check_is_refused_and_nothing_is_saved(client, cast):
    client.force_login(cast.clerk_a)
    resp = client.post("/staff/intake/", intake_data(cast, identity_check="guess"))
    assert resp.status_code == 200 and not Dossier.objects.exists()
    assert "guess" in resp.content.decode()  # the select says the choice is not valid


def test_api_intake_and_online_acceptance_record_the_check(client, cast):
    clerk = Api(client, cast.clerk_a)
    body = intake_body(cast)
    body["applicant"]["identity_check"] = "vneid"
    resp = clerk.post("/dossiers", body)
    assert resp.status_code == 201, resp.content
    dossier = Dossier.objects.get(code=resp.json()["code"])
    assert dossier.identity_check == IdentityCheck.VNEID and dossier.uses_population_data
    assert dossier.events.get(seq=1).data["identity_check"] == "vneid"

    body["applicant"]["identity_check"] = "fingerprint"
    refused = clerk.post("/dossiers", body)
    assert refused.status_code == 400 and "identity_check" in refused.content.decode()
    assert Dossier.objects.count() == 1

    # online: submitted without a check, the clerk checks by hand on acceptance
    online = online_dossier(
        cast,
        services.Applicant(name="Lê Văn Cường", account=cast.citizen),
        at=dt.datetime(2026, 8, 3, 8, tzinfo=LOCAL_TZ),
    )
    assert online.identity_check == IdentityCheck.NOT_CHECKED
    assert not online.uses_population_data
    bad = clerk.post(f"/dossiers/{online.code}/actions/receive", {"identity_check": "x"})
    assert bad.status_code == 400 and "identity_check" in bad.content.decode()
    ok = clerk.post(f"/dossiers/{online.code}/actions/receive", {"identity_check": "manual"})
    assert ok.status_code == 200, ok.content
    online.refresh_from_db()
    assert online.identity_check == "manual" and online.uses_population_data


def test_the_service_refuses_an_unknown_check(cast):
    with pytest.raises(services.ValidationFailed) as caught:
        counter_dossier(cast, services.Applicant(name="An", identity_check="retina"))
    assert caught.value.field == "identity_check"
    assert not Dossier.objects.exists()
