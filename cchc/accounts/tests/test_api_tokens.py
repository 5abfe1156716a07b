"""API tokens are read on every request, in one statement with the user and the user's roles:
a revocation, a deactivation or a removed role is refused by the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.accounts import permissions
from cchc.accounts.models import ApiToken, Membership
from cchc.testing import AgencyFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    agency = AgencyFactory(code="H26.100")
    user = member("clerk_token", agency, Membership.Role.CLERK)
    return user, agency, ApiToken.issue(user, "token test")[1]


def _statements(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, len(captured)


def test_one_statement_reads_token_user_and_roles(clerk):
    user, agency, raw = clerk
    ApiToken.authenticate(raw)  # the first use writes last_used_at
    found, n = _statements(lambda: ApiToken.authenticate(raw))
    assert found.pk == user.pk and n == 1
    # the roles came with the token: asking for them runs no statement
    assert _statements(lambda: permissions.has_role(found, agency.pk, {Membership.Role.CLERK})) == (
        True,
        0,
    )
    assert ApiToken.authenticate(raw + "x") is None


def test_a_revoked_token_gets_401_on_the_next_request(clerk, client):
    user, _agency, raw = clerk
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/procedures", **auth).status_code == 200
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert client.get("/api/v1/procedures", **auth).status_code == 401


def test_a_deactivated_user_and_a_removed_role_are_seen_at_once(clerk):
    user, agency, raw = clerk
    assert permissions.has_role(ApiToken.authenticate(raw), agency.pk, {Membership.Role.CLERK})
    Membership.objects.filter(user=user).delete()
    found = ApiToken.authenticate(raw)
    assert found is not None
    assert not permissions.has_role(found, agency.pk, {Membership.Role.CLERK})
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert ApiToken.authenticate(raw) is None


def test_the_token_cache_triggers_are_gone():
    """Migration accounts 0003 dropped 0002's notification triggers and their function."""
    if connection.vendor != "postgresql":
        pytest.skip("the triggers only ever existed on PostgreSQL")
    with connection.cursor() as cur:
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["accounts_%_notify"])
        assert cur.fetchall() == []
        cur.execute("SELECT proname FROM pg_proc WHERE proname = 'cchc_auth_changed'")
        assert cur.fetchall() == []


def test_a_token_request_without_a_session_does_not_load_a_session_user(clerk, client, monkeypatch):
    """The token names the API's user; with no session cookie there is no one signed in by
    a session, and the second step's middleware does not load the anonymous user to see it
    (it did on every API request: ~1 % of a lifecycle's CPU)."""
    from django.conf import settings
    from django.contrib import auth

    _user, _agency, raw = clerk
    loaded = []
    get_user = auth.get_user
    monkeypatch.setattr(auth, "get_user", lambda request: loaded.append(1) or get_user(request))
    response = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert loaded == []
    # a browser's session still goes through it (signed in or not)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    client.get("/api/v1/dossiers")
    assert loaded == [1]
