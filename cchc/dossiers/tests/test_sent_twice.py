"""A counter intake sent twice (back, then send the same page again; reload and confirm the
resend; a double click) receives one dossier: the second sending is taken to the first's
receipt, with a word (`core.idempotency.once_per_form`)."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test import Client

from cchc.core.models import IdempotencyKey
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.test_views import intake_data
from cchc.testing import run_together

pytestmark = pytest.mark.django_db
KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def form_key(page) -> str:
    keys = KEY.findall(page.content.decode())
    assert len(keys) == 1, "the form carries one key"
    return keys[0]


def test_the_same_intake_sent_again_receives_one_dossier(client, cast):
    client.force_login(cast.clerk_a)
    key = form_key(client.get("/staff/intake/"))
    first = client.post("/staff/intake/", {**intake_data(cast), "form_key": key})
    assert first.status_code == 302, first.content.decode()[-2000:]
    dossier = Dossier.objects.get()
    assert first["Location"].endswith(f"/{dossier.code}/receipt/")
    # back, a name corrected, sent again: the same page, so the same key
    again = client.post(
        "/staff/intake/", {**intake_data(cast, applicant_name="Nguyễn Văn Ân"), "form_key": key}
    )
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    receipt = client.get(again["Location"]).content.decode()
    assert "Biểu mẫu này đã được gửi" in receipt
    # a new page has a new key and receives a new dossier
    fresh = form_key(client.get("/staff/intake/"))
    assert fresh != key
    assert (
        client.post("/staff/intake/", {**intake_data(cast), "form_key": fresh}).status_code == 302
    )
    assert Dossier.objects.count() == 2


def test_a_refused_intake_keeps_its_key_free_for_the_corrected_one(client, cast):
    client.force_login(cast.clerk_a)
    key = form_key(client.get("/staff/intake/"))
    refused = client.post(
        "/staff/intake/", {**intake_data(cast, applicant_name=""), "form_key": key}
    )
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert not IdempotencyKey.objects.exists()
    corrected = client.post("/staff/intake/", {**intake_data(cast), "form_key": key})
    assert corrected.status_code == 302 and Dossier.objects.count() == 1


def test_a_form_key_from_an_expired_page_is_free_again(client, cast, settings):
    client.force_login(cast.clerk_a)
    key = form_key(client.get("/staff/intake/"))
    client.post("/staff/intake/", {**intake_data(cast), "form_key": key})
    IdempotencyKey.objects.update(expires_at="2000-01-01T00:00Z")
    assert client.post("/staff/intake/", {**intake_data(cast), "form_key": key}).status_code == 302
    assert Dossier.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # each click is a connection of its own
def test_a_double_click_on_the_intake_receives_one_dossier(cast, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")
    intake = services.intake_at_counter
    calls = []

    def slow_intake(**kwargs):
        calls.append(1)
        dossier = intake(**kwargs)
        time.sleep(0.5)  # hold the transaction open: the second click must meet the key
        return dossier

    monkeypatch.setattr(services, "intake_at_counter", slow_intake)
    data = {**intake_data(cast), "form_key": "d" * 32}
    answers: list = []

    def click(_i):
        browser = Client()
        browser.force_login(cast.clerk_a)
        answers.append(browser.post("/staff/intake/", data))

    run_together(2, click)
    assert [a.status_code for a in answers] == [302, 302]
    assert len({a["Location"] for a in answers}) == 1
    assert len(calls) == 1 and Dossier.objects.count() == 1
