"""API tokens kept per process: forgotten as soon as a revocation, a deactivation or a role
change commits (PostgreSQL notifications), never kept while nobody listens; and without the
cache (SQLite, or API_TOKEN_CACHE_SECONDS=0) every request reads the token."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.accounts import permissions, tokens
from cchc.accounts.models import ApiToken, Membership
from cchc.testing import AgencyFactory, member


def _require_pg() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the token cache works only on PostgreSQL, whose notifications it listens to; on SQLite it is "
            "off and every request reads its token (tested below); CI runs these on PostgreSQL"
        )


def _eventually(check, seconds: float = 5.0) -> float:
    """Seconds until check() held (the notification travels asynchronously); fails after `seconds`."""
    t0 = time.monotonic()
    while not check():
        assert time.monotonic() - t0 < seconds, "the change did not reach the token cache"
        time.sleep(0.01)
    return time.monotonic() - t0


@pytest.fixture
def cached(settings):
    settings.API_TOKEN_CACHE_SECONDS = 60
    _require_pg()
    assert tokens.wait_until_listening(), "the token cache's listener did not connect"
    tokens._state.forget_all()


@pytest.fixture
def clerk(transactional_db):
    agency = AgencyFactory(code="H26.100")
    user = member("clerk_cache", agency, Membership.Role.CLERK)
    return user, agency, ApiToken.issue(user, "cache test")[1]


def _settle() -> None:
    """Wait until the listener has handled every notification sent so far (the fixtures' own
    writes send some): they arrive in commit order, so once a notification sent now has
    arrived, all earlier ones have."""
    before = tokens._state.generation
    with connection.cursor() as cur:
        cur.execute(f"NOTIFY {tokens.CHANNEL}, 'test barrier'")  # autocommit: sent at once
    _eventually(lambda: tokens._state.generation > before)


def _kept(raw: str) -> None:
    """Authenticate until the token is kept, once earlier notifications have been handled."""
    _settle()
    _eventually(lambda: ApiToken.authenticate(raw) is not None and tokens.size() == 1)


def _statements(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, len(captured)


def test_a_checked_token_is_kept_and_a_revocation_is_refused_at_once(cached, clerk):
    user, agency, raw = clerk
    _kept(raw)
    first = ApiToken.authenticate(raw)
    second, n_second = _statements(lambda: ApiToken.authenticate(raw))
    assert second.pk == user.pk and n_second == 0  # from the cache: no statement at all
    assert second is not first and second.username == "clerk_cache"  # each request its own copy
    assert permissions.has_role(second, agency.pk, {Membership.Role.CLERK})

    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())  # commits (autocommit)
    took = _eventually(lambda: ApiToken.authenticate(raw) is None)
    assert took < 5 and tokens.size() == 0  # long before the 60 s the entry could live


def test_a_deactivated_user_and_a_removed_role_are_seen_at_once(cached, clerk):
    user, agency, raw = clerk
    _kept(raw)
    Membership.objects.filter(user=user).delete()
    _eventually(
        lambda: (
            (u := ApiToken.authenticate(raw)) is not None
            and not permissions.has_role(u, agency.pk, {Membership.Role.CLERK})
        )
    )
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    _eventually(lambda: ApiToken.authenticate(raw) is None)


def test_last_use_sign_ins_and_new_tokens_or_users_do_not_empty_the_cache(cached, clerk):
    user, _agency, raw = clerk
    ApiToken.objects.filter(user=user).update(last_used_at=None)
    _kept(raw)  # the first check wrote last_used_at (it was empty)
    assert ApiToken.objects.get(user=user).last_used_at is not None
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())  # a sign-in on the web
    ApiToken.issue(user, "another")
    newcomer = type(user).objects.create(username="newcomer")
    time.sleep(0.3)  # a notification, had one been sent, would have arrived by now
    assert tokens.size() == 1
    assert (
        _statements(lambda: ApiToken.authenticate(raw))[1] == 0
    )  # the kept copy knows the new time
    Membership.objects.create(
        user=newcomer, agency=AgencyFactory(code="H26.02"), role=Membership.Role.CLERK
    )
    _eventually(lambda: tokens.size() == 0)  # any membership change: everything is read again


def test_a_read_overtaken_by_a_change_is_not_kept(cached, clerk):
    _user, _agency, raw = clerk

    def read_overtaken():
        token = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash_key(raw))
        tokens._state.forget_all()  # what a notification arriving during the read does
        return token, []

    assert tokens.get(ApiToken.hash_key(raw), read_overtaken) is not None  # this request may use it
    assert tokens.size() == 0


def test_nothing_is_kept_while_the_listener_is_disconnected(cached, clerk):
    _user, _agency, raw = clerk
    _kept(raw)
    with connection.cursor() as cur:  # the listener's connection breaks
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [tokens.APPLICATION_NAME],
        )
        assert cur.fetchone() is not None
    _eventually(lambda: not tokens._state.listening)
    assert tokens.size() == 0
    assert _statements(lambda: ApiToken.authenticate(raw))[1] >= 1  # read from the database
    assert tokens.size() == 0  # and not kept
    _eventually(lambda: tokens._state.listening, seconds=10)  # it reconnects by itself
    _kept(raw)


@pytest.mark.django_db
def test_without_the_cache_every_request_reads_the_token(settings):
    """Turned off (0); and on SQLite, whatever the setting."""
    agency = AgencyFactory(code="H26.100")
    for n, seconds in enumerate([0] if connection.vendor == "postgresql" else [0, 60]):
        settings.API_TOKEN_CACHE_SECONDS = seconds
        user = member(f"clerk_nocache{n}", agency, Membership.Role.CLERK)
        raw = ApiToken.issue(user, "no cache")[1]
        ApiToken.authenticate(raw)
        assert _statements(lambda raw=raw: ApiToken.authenticate(raw))[1] == 1
        ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
        assert ApiToken.authenticate(raw) is None  # inside the same transaction: at once


def test_through_the_api_a_revoked_token_gets_401_as_soon_as_the_revocation_commits(
    cached, clerk, client
):
    user, _agency, raw = clerk
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _eventually(
        lambda: client.get("/api/v1/procedures", **auth).status_code == 200 and tokens.size() == 1
    )
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    _eventually(lambda: client.get("/api/v1/procedures", **auth).status_code == 401)


@pytest.mark.django_db
def test_the_user_trigger_covers_every_column_but_the_sign_in_ones():
    _require_pg()
    from cchc.accounts.models import User

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'accounts_user_notify'"
        )
        definition = cur.fetchone()[0]
    listed = definition.split("UPDATE OF ", 1)[1].split(" OR ", 1)[0]
    columns = {c.strip() for c in listed.split(",")}
    expected = {f.column for f in User._meta.concrete_fields} - {"id", "last_login", "password"}
    assert columns == expected, (
        "a User column is missing from (or gone but still in) accounts 0002's trigger"
    )
