"""Consistent backups and restores into a new database (issue 12.8, docs/security.md §8).

PostgreSQL: `pg_dump --format=custom` reads every table inside one repeatable-read
snapshot, so the dump is consistent while the application keeps writing; `pg_restore` loads
it into a database created for it (never over an existing one). SQLite: the sqlite3 online
backup API copies the pages under the database lock, so the copy is consistent too.
The connection parameters are the application's own (`DATABASES["default"]`, from
DATABASE_URL); the PostgreSQL client programs must be on PATH (pg_dump of the server's
major version or newer).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - the PostgreSQL client programs, with argument lists
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    """The backup or restore cannot be done (told to the operator running the command)."""


def _settings(alias: str = "default") -> dict[str, Any]:
    return connections[alias].settings_dict


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client programs).")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


def backup(target: Path, *, alias: str = "default") -> None:
    """Write a consistent backup of the database to `target`."""
    connection = connections[alias]
    db = _settings(alias)
    if connection.vendor == "postgresql":
        _run(
            [
                _program("pg_dump"),
                *_pg_args(db),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                str(db["NAME"]),
            ],
            _pg_env(db),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"No backup method for {connection.vendor}.")


def restore(source: Path, new_database: str, *, alias: str = "default") -> None:
    """Restore the backup `source` into a NEW database `new_database` (a database name on
    PostgreSQL, a file path on SQLite); an existing database is never overwritten."""
    connection = connections[alias]
    db = _settings(alias)
    if not Path(source).is_file():
        raise BackupError(f"No backup file {source}.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [new_database])
            if cur.fetchone():
                raise BackupError(f"Database {new_database} exists; restore into a new one.")
        args = _pg_args(db)
        env = _pg_env(db)
        _run(
            [_program("createdb"), *args, "--template", "template0", new_database],
            env,
        )
        _run(
            [
                _program("pg_restore"),
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                new_database,
                str(source),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        target = Path(new_database)
        if target.exists():
            raise BackupError(f"{target} exists; restore into a new file.")
        with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
            original.backup(copy)
        original.close()
        copy.close()
    else:
        raise BackupError(f"No restore method for {connection.vendor}.")
