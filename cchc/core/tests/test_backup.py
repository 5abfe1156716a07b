"""Issue 12.8: `backup_database` takes a consistent backup and `restore_database` restores it
into a new database; the restored copy has the same rows in every table and computes the
same Decision 766 document."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cchc.core.calendar import LOCAL_TZ
from cchc.core.jobs import run_jobs
from cchc.dossiers import services
from cchc.dossiers.services import Applicant


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, tzinfo=LOCAL_TZ)


def _seed(cast) -> None:
    """August 2026 at agency A: on time, late, a supplement, still open."""
    for day in (3, 4, 5, 10, 11):
        d = services.intake_at_counter(
            procedure=cast.procedure,
            receiving_agency=cast.agency_a,
            applicant=Applicant(name="Nguyễn Văn An", phone="0912345678"),
            actor=cast.clerk_a,
            at=_at(day, 9),
        )
        if day == 5:
            d = services.request_supplement(
                d, actor=cast.specialist_a, reason="Thiếu tờ khai", at=_at(day, 10)
            )
        elif day != 11:
            d = services.finish(
                d, actor=cast.specialist_a, at=_at(day + day % 3 * 3, 9), note="Quyết định số 12/QĐ"
            )
    run_jobs()


def _doc_in_process() -> dict:
    out = StringIO()
    call_command("compute_indices", "--scheme", "qd766", "--period", "2026-08", stdout=out)
    return json.loads(out.getvalue())


def _doc_on(database_url: str) -> dict:
    """compute_indices in a fresh process on another database (as an operator would)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "compute_indices", "--period", "2026-08"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _pg_counts(dbname: str) -> dict[str, int]:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=dbname,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    ) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        counts = {}
        for t in tables:
            row = conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()  # noqa: S608
            assert row is not None
            counts[t] = row[0]
        return counts


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_new_postgresql_database(cast, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): pg_dump/pg_restore into a new database; "
            "the SQLite path is tested by test_backup_and_restore_a_sqlite_database"
        )
    _seed(cast)
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{restored}"')
    dump = tmp_path / "cchc.dump"
    call_command("backup_database", str(dump), stdout=StringIO())
    assert dump.stat().st_size > 0
    try:
        call_command("restore_database", str(dump), restored, stdout=StringIO())
        counts = _pg_counts(source)
        assert counts == _pg_counts(restored)
        assert counts["dossiers_dossier"] == 5 and counts["dossiers_dossierevent"] >= 9
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        base = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        original_doc = _doc_on(base + source)
        assert original_doc == _doc_in_process()
        row = next(r for r in original_doc["agencies"] if r["code"] == "H26.100")
        assert row["total"] is not None
        assert _doc_on(base + restored) == original_doc
        # never over an existing database
        with pytest.raises(CommandError, match="exists"):
            call_command("restore_database", str(dump), restored, stdout=StringIO())
    finally:
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_a_sqlite_database(cast, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup API path; PostgreSQL has its own test above")
    _seed(cast)
    backup = tmp_path / "cchc.sqlite3.bak"
    restored = tmp_path / "restored.sqlite3"
    call_command("backup_database", str(backup), stdout=StringIO())
    call_command("restore_database", str(backup), str(restored), stdout=StringIO())
    connection.ensure_connection()
    with sqlite3.connect(restored) as copy:
        counts = _sqlite_counts(copy)
    copy.close()
    assert counts == _sqlite_counts(connection.connection)
    assert counts["dossiers_dossier"] == 5
    original_doc = _doc_in_process()
    row = next(r for r in original_doc["agencies"] if r["code"] == "H26.100")
    assert row["total"] is not None
    assert _doc_on(f"sqlite:///{restored}") == original_doc
    with pytest.raises(CommandError, match="exists"):
        call_command("restore_database", str(backup), str(restored), stdout=StringIO())
