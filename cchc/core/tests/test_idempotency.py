"""Issue 12.4: API writes accept an Idempotency-Key; a replay returns the first answer and
acts no more, a reused key with another request is a 422, keys expire, and the key is
written in the same transaction as the change (two concurrent requests: one acts)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from cchc.core import idempotency
from cchc.core.models import IdempotencyKey
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.test_api import intake_body, token_for
from cchc.testing import run_together


def post(client, token, path, body, key=None, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        f"/api/v1{path}",
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_a_replay_returns_the_first_answer_and_acts_no_more(client, cast):
    token = token_for(cast.clerk_a)
    first = post(client, token, "/dossiers", intake_body(cast), key="intake-0001")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = post(client, token, "/dossiers", intake_body(cast), key="intake-0001")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert Dossier.objects.count() == 1
    # an action too: the second `receive`-like step is not taken twice
    code = first.json()["code"]
    events = DossierEvent.objects.filter(dossier__code=code).count()
    body = {"reason": "Thiếu bản sao giấy khai sinh"}
    path = f"/dossiers/{code}/actions/request_supplement"
    r1 = post(client, token_for(cast.specialist_a), path, body, key="sup-1")
    assert r1.status_code == 200, r1.content
    r2 = post(client, token_for(cast.specialist_a), path, body, key="sup-1")
    assert r2.status_code == 200 and r2.content == r1.content
    assert DossierEvent.objects.filter(dossier__code=code).count() == events + 1
    # without a key, the same request is a new request (and here not allowed any more)
    r3 = post(client, token_for(cast.specialist_a), path, body)
    assert r3.status_code == 409


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_a_422_in_json(client, cast):
    token = token_for(cast.clerk_a)
    assert post(client, token, "/dossiers", intake_body(cast), key="k-1").status_code == 201
    other = intake_body(cast, applicant={"name": "Người khác"})
    r = post(client, token, "/dossiers", other, key="k-1")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert r.json()["error"]["field"] == "Idempotency-Key"
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_caller(client, cast):
    cast.procedure.agencies.add(cast.agency_b)
    a = post(client, token_for(cast.clerk_a), "/dossiers", intake_body(cast), key="same")
    b_body = intake_body(cast, receiving_agency="H26.01")
    b = post(client, token_for(cast.clerk_b), "/dossiers", b_body, key="same")
    assert a.status_code == b.status_code == 201, b.content
    assert a.json()["code"] != b.json()["code"]
    assert IdempotencyKey.objects.filter(key="same").count() == 2


@pytest.mark.django_db
def test_a_refused_write_stores_no_key_and_a_corrected_retry_acts(client, cast):
    token = token_for(cast.clerk_a)
    bad = post(client, token, "/dossiers", intake_body(cast, receiving_agency=""), key="k-2")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = post(client, token, "/dossiers", intake_body(cast), key="k-2")
    assert good.status_code == 201
    assert IdempotencyKey.objects.get(key="k-2").status == 201


@pytest.mark.django_db
def test_the_key_is_written_in_the_same_transaction_as_the_change(client, cast, monkeypatch):
    def fail(record, response):
        raise RuntimeError("crash between the change and the key")

    monkeypatch.setattr(idempotency, "_store", fail)
    client.raise_request_exception = False
    r = post(client, token_for(cast.clerk_a), "/dossiers", intake_body(cast), key="k-3")
    assert r.status_code == 500
    # the dossier was created by the service, then rolled back with the key's transaction
    assert not Dossier.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_keys_expire_after_the_setting(client, cast, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 2
    token = token_for(cast.clerk_a)
    assert post(client, token, "/dossiers", intake_body(cast), key="k-4").status_code == 201
    record = IdempotencyKey.objects.get(key="k-4")
    assert record.expires_at - record.created_at == dt.timedelta(hours=2)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = post(client, token, "/dossiers", intake_body(cast), key="k-4")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Dossier.objects.count() == 2
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "khóa-tiếng-việt", "a b"])
def test_a_malformed_key_is_a_400(client, cast, key):
    r = post(client, token_for(cast.clerk_a), "/dossiers", intake_body(cast), key=key)
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "Idempotency-Key"
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_reads_ignore_the_header(client, cast):
    r = client.get(
        "/api/v1/dossiers",
        HTTP_AUTHORIZATION=f"Bearer {token_for(cast.clerk_a)}",
        HTTP_IDEMPOTENCY_KEY="read-1",
    )
    assert r.status_code == 200
    assert not IdempotencyKey.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_act_once(cast, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")
    token = token_for(cast.clerk_a)
    body = intake_body(cast)
    calls = []
    intake = services.intake_at_counter

    def slow_intake(**kwargs):
        calls.append(1)
        dossier = intake(**kwargs)
        time.sleep(0.5)  # hold the transaction open: the other request must meet the key
        return dossier

    monkeypatch.setattr(services, "intake_at_counter", slow_intake)
    clients = 4
    answers: list = []
    run_together(
        clients, lambda _i: answers.append(post(Client(), token, "/dossiers", body, key="race-1"))
    )
    assert [a.status_code for a in answers] == [201] * clients
    assert len({a.content for a in answers}) == 1
    assert sum(1 for a in answers if a.has_header("Idempotent-Replayed")) == clients - 1
    assert len(calls) == 1
    assert Dossier.objects.count() == 1
    assert IdempotencyKey.objects.filter(key="race-1").count() == 1
