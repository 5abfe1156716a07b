"""Issue 12.6 for the sign-in throttle: django-axes stores a keyed hash of the typed name (an
e-mail or a phone number for citizens), never the name, and the per-account lock-out still
counts by it; the clear names stored before are hashed by `accounts.0005`."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.db import connection
from django.utils import timezone

from cchc.accounts.lockout import HASH_PREFIX, hash_typed_username
from cchc.accounts.models import User
from cchc.core import personal

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
GOOD = "đúng-mật-khẩu-2026"
EMAIL = "Hoa.Le@example.vn"
PHONE = "0987001122"
TABLES = ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


def _citizen() -> User:
    user = User(username="c-" + "0" * 32, kind=User.Kind.CITIZEN, email=EMAIL, phone=PHONE)
    user.set_password(GOOD)
    user.save()
    return user


def _raw(column: str) -> list[tuple]:
    """`column` of every row of the three tables, read with SQL (what a dump would show)."""
    values = []
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (fixed names)
            values += cursor.fetchall()
    return values


def _raw_names() -> list[str]:
    """Every user name axes holds."""
    return [row[0] for row in _raw("username")]


def _raw_rows() -> list[str]:
    """Every row of the three tables as text (the user name, and the GET/POST data axes keeps)."""
    return [" ".join(str(value) for value in row) for row in _raw("*")]


def _assert_no_clear_contact(names: list[str]) -> None:
    for name in names:
        assert name.startswith(HASH_PREFIX), name
    for row in _raw_rows():
        low = row.lower()
        for clear in (EMAIL.lower(), "hoa.le", PHONE, "987001122", "84987001122", "alice"):
            assert clear not in low, (clear, row)


def test_after_failed_and_successful_sign_ins_axes_holds_no_clear_name(client, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    user = _citizen()
    staff = User.objects.create(username="alice", kind=User.Kind.STAFF)
    staff.set_password(GOOD)
    staff.save()
    for typed in (EMAIL, "+84 987 001 122", "alice"):
        response = client.post(LOGIN, {"username": typed, "password": "sai-mật-khẩu-1"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"username": EMAIL, "password": GOOD}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert AccessAttempt.objects.exists() and AccessFailureLog.objects.count() == 3
    (log,) = AccessLog.objects.all()
    assert log.logout_time is not None  # the sign-out found its sign-in record by the hash
    names = _raw_names()
    assert len(names) >= 5
    _assert_no_clear_contact(names)
    # an e-mail and a phone are stored as the account's own look-up hashes (any spelling)
    assert HASH_PREFIX + personal.lookup_hash("email", EMAIL) in names
    assert HASH_PREFIX + user.phone_hash in names


def test_the_lock_out_counts_one_account_whatever_the_spelling(client, settings):
    _citizen()
    spellings = ["0987001122", "+84 987 001 122", "84987001122", "0987.001.122", "+84987001122"]
    assert len(spellings) == settings.AXES_FAILURE_LIMIT
    for typed in spellings[:-1]:
        assert client.post(LOGIN, {"username": typed, "password": "sai-1"}).status_code == 200
    assert client.post(LOGIN, {"username": spellings[-1], "password": "sai-1"}).status_code == 429
    # locked: the right password does not open it from this address, in any spelling
    assert client.post(LOGIN, {"username": PHONE, "password": GOOD}).status_code == 429
    # (the e-mail is another name: the pair it makes is not locked, as before)
    assert client.post(LOGIN, {"username": EMAIL, "password": GOOD}).status_code == 302
    (attempt,) = AccessAttempt.objects.filter(username__startswith=HASH_PREFIX).exclude(
        username=hash_typed_username(EMAIL)
    )
    # one row for every spelling: the five failures and the refused right password
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_the_migration_hashes_the_clear_names_already_stored():
    now = timezone.now()
    common = {"ip_address": "10.0.0.9", "user_agent": "ua", "http_accept": "*/*", "path_info": "/"}
    AccessAttempt.objects.create(
        username="0987 001 122", failures_since_start=2, attempt_time=now, **common
    )
    AccessAttempt.objects.create(
        username="+84987001122",
        failures_since_start=3,
        attempt_time=now + dt.timedelta(seconds=1),
        **common,
    )
    AccessLog.objects.create(username=EMAIL, attempt_time=now, **common)
    AccessFailureLog.objects.create(username="alice", attempt_time=now, **common)
    migration = importlib.import_module("cchc.accounts.migrations.0005_hash_axes_usernames")
    # the step reads only the editor's connection (a schema editor proper cannot open inside
    # the test's transaction on SQLite)
    editor = SimpleNamespace(connection=connection)
    migration.hash_names(apps, editor)
    _assert_no_clear_contact(_raw_names())
    (merged,) = AccessAttempt.objects.all()  # one phone typed two ways: one count
    assert merged.username == hash_typed_username(PHONE) and merged.failures_since_start == 5
    assert AccessLog.objects.get().username == hash_typed_username(EMAIL.lower())
    # hashing is idempotent: running it again changes nothing
    migration.hash_names(apps, editor)
    assert AccessAttempt.objects.get().failures_since_start == 5
