"""An action sent twice (a double click on "Tiếp nhận", a reload that resends) is done once:
the second sending goes to the first one's result quietly, without the red "Cannot
'Receive': dossier … is 'Received'" under the success (core.idempotency.once_per_form)."""

from __future__ import annotations

import re

import pytest

from cchc.core.models import IdempotencyKey
from cchc.dossiers.models import Status
from cchc.dossiers.tests.factories import online_dossier

pytestmark = pytest.mark.django_db
KEY = re.compile(r'id="form-receive".*?name="form_key" value="([0-9a-f]{32})"', re.S)
REFUSAL = "Không thể “Tiếp nhận”"


def _key(client, dossier) -> str:
    return KEY.search(client.get(f"/staff/dossiers/{dossier.code}/").content.decode()).group(1)


def test_receive_sent_twice_with_the_same_key_is_done_once_and_quietly(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    key = _key(client, d)
    first = client.post(
        f"/staff/dossiers/{d.code}/actions/receive/", {"receive-note": "Đủ", "form_key": key}
    )
    second = client.post(
        f"/staff/dossiers/{d.code}/actions/receive/", {"receive-note": "Đủ", "form_key": key}
    )
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == f"/staff/dossiers/{d.code}/"
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.events.filter(action="receive").count() == 1
    page = client.get(second["Location"]).content.decode()
    assert REFUSAL not in page
    assert "đã thực hiện" in page  # the first sending's word stays


def test_by_htmx_the_second_sending_also_navigates_to_the_dossier(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    key = _key(client, d)
    answers = [
        client.post(
            f"/staff/dossiers/{d.code}/actions/receive/",
            {"receive-note": "", "form_key": key},
            HTTP_HX_REQUEST="true",
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [204, 204]
    assert answers[0]["HX-Redirect"] == answers[1]["HX-Redirect"] == f"/staff/dossiers/{d.code}/"
    assert d.events.filter(action="receive").count() == 1
    assert REFUSAL not in client.get(f"/staff/dossiers/{d.code}/").content.decode()


def test_a_refused_action_keeps_its_key_free_for_the_corrected_one(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    key = KEY.pattern.replace("form-receive", "form-refuse")
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    key = re.search(key, page, re.S).group(1)
    url = f"/staff/dossiers/{d.code}/actions/refuse/"
    assert client.post(url, {"refuse-reason": "", "form_key": key}).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert client.post(url, {"refuse-reason": "Sai thủ tục", "form_key": key}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.REFUSED
