"""Two clerks open the same dossier; one receives it, then the other presses "Receive" on the
page opened before: the refusal is shown over the dossier as it is now (its status, its
buttons), not over the stale page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from cchc.accounts.models import Membership
from cchc.dossiers import services
from cchc.dossiers.tests.factories import online_dossier
from cchc.testing import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_refused_stale_action_shows_the_current_state(client, cast, htmx):
    d = online_dossier(cast)
    other = member("clerk_a2", cast.agency_a, Membership.Role.CLERK)
    client.force_login(cast.clerk_a)
    assert 'id="form-receive"' in client.get(f"/staff/dossiers/{d.code}/").content.decode()
    services.receive(d, actor=other)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(
        f"/staff/dossiers/{d.code}/actions/receive/", {"receive-note": ""}, headers=headers
    )
    detail = f"/staff/dossiers/{d.code}/"
    if htmx:
        assert response.status_code == 204 and response["HX-Redirect"] == detail
    else:
        assert response.status_code == 302 and response.url == detail
    assert any("Được tiếp nhận" in str(m) for m in get_messages(response.wsgi_request))
    page = client.get(detail).content.decode()
    assert 'id="form-receive"' not in page
    assert "Được tiếp nhận" in page
