"""The demo's SQLite file is shared by the web server and two workers: a second writer must
wait for the first one, not fail with "database is locked" (config.settings.SQLITE_OPTIONS).

Two Django connections to one SQLite file, with the settings' options: both open a
transaction and read; the first writes and commits while the second wants to write. With
SQLite's default (DEFERRED) transactions the second one's read snapshot is stale once the
first commits, and its write fails at once; with IMMEDIATE it waits and then writes."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


def _connection(path: str) -> DatabaseWrapper:
    conf = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    return DatabaseWrapper(conf, alias=f"sqlite-writer-{id(conf)}")


def test_two_writers_on_the_demo_file_queue_instead_of_failing(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # a file of its own, not the test database
        _two_writers(str(tmp_path / "demo.sqlite3"))


def _two_writers(path: str) -> None:
    setup = _connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()

    first_in = threading.Event()
    errors: list[BaseException] = []

    def writer(wait_for: threading.Event | None, signal: threading.Event | None) -> None:
        conn = _connection(path)
        try:
            if wait_for is not None:
                wait_for.wait(5)
            connections[conn.alias] = conn  # this thread's own (connections are per thread)
            with transaction.atomic(using=conn.alias):
                with conn.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    if signal is not None:
                        signal.set()
                        threading.Event().wait(0.3)  # hold the transaction a moment
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            conn.close()

    one = threading.Thread(target=writer, args=(None, first_in))
    two = threading.Thread(target=writer, args=(first_in, None))
    one.start()
    two.start()
    one.join()
    two.join()
    assert not errors, errors
    check = _connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (2,)  # both wrote, neither lost the other's
    check.close()
