"""The application's least-privileged database role (issue 12 point 7, docs/security.md §7).

`grant_app_role` gives a role SELECT/INSERT/UPDATE/DELETE on tables and USAGE on sequences,
nothing else. Connected as that role, the application's own write path works (a dossier is
received and assigned through the services), while TRUNCATE of an event table, dropping or
disabling a trigger and changing the session's replication role are refused, and the
append-only triggers refuse UPDATE and DELETE of event rows.

(Here rather than in cchc/core/tests: the check drives dossier and petition services.)
"""

from __future__ import annotations

import io
import os
import secrets

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cchc.core import chains
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import counter_dossier
from cchc.feedback.tests.factories import file
from cchc.feedback.tests.test_event_logs import AT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no roles or privileges")


@pytest.fixture
def app_role():
    """A login role of its own, dropped afterwards (roles are cluster-wide)."""
    _skip_unless_postgresql()
    role, password = f"cchc_app_test_{os.getpid()}", secrets.token_hex(12)
    with connection.cursor() as cur:
        cur.execute(f"DROP ROLE IF EXISTS {role}")
        cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")  # hex: nothing to quote
    yield role, password
    connection.close()
    with connection.cursor() as cur:
        cur.execute(f"DROP OWNED BY {role}")
        cur.execute(f"DROP ROLE {role}")


def _connect_as(role: str, password: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=role,
        password=password,
        autocommit=True,
    )


def _refused(conn: psycopg.Connection, sql: str, *params: object) -> str:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(sql, params or None)
    return str(caught.value)


def test_the_application_role_writes_rows_but_cannot_erase_the_trail(cast, app_role):
    role, password = app_role
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out)
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in out.getvalue()

    # The application's own write path, connected as the role.
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == role
        dossier = counter_dossier(cast, at=AT)
        dossier_services.assign(dossier, actor=cast.leader_a, assignee=cast.specialist_a)
        petition = file(cast.agency_a, actor=cast.citizen)
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert Dossier.objects.get(pk=dossier.pk).last_event_seq == 2
    assert [b for b in chains.verify(DossierEvent)] == [2]

    with _connect_as(role, password) as conn:
        for model in chains.event_models():
            table = model._meta.db_table
            assert "permission denied" in _refused(conn, f"TRUNCATE {table}")
        assert "must be owner" in _refused(
            conn, "DROP TRIGGER dossierevent_no_update ON dossiers_dossierevent"
        )
        assert "must be owner" in _refused(
            conn, "ALTER TABLE dossiers_dossierevent DISABLE TRIGGER USER"
        )
        assert "permission denied" in _refused(conn, "SET session_replication_role = replica")
        assert "dossier events are append-only" in _refused(
            conn, "UPDATE dossiers_dossierevent SET note = 'x' WHERE dossier_id = %s", dossier.pk
        )
        assert "dossier events are append-only" in _refused(
            conn, "DELETE FROM dossiers_dossierevent WHERE dossier_id = %s", dossier.pk
        )
        assert "append-only" in _refused(
            conn, "DELETE FROM feedback_petitionevent WHERE petition_id = %s", petition.pk
        )
        assert "permission denied" in _refused(conn, "CREATE TABLE cchc_probe (id int)")
        # ordinary rows stay writable
        conn.execute("UPDATE dossiers_dossier SET version = version WHERE id = %s", [dossier.pk])
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


def test_a_superuser_or_a_table_owner_is_refused(app_role):
    role, _password = app_role
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        owner = cur.fetchone()[0]
    with pytest.raises(CommandError, match="superuser|owns tables"):
        call_command("grant_app_role", owner)
    with connection.cursor() as cur:
        cur.execute(f"GRANT {owner} TO {role}")  # a member of the owner role acts as owner
    with pytest.raises(CommandError, match="superuser|owns tables"):
        call_command("grant_app_role", role)
