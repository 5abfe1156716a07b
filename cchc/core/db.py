"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def unprepared(using: str = "default") -> Iterator[None]:
    """Run the enclosed queries without server-side prepared statements.

    The platform prepares statements that run often (settings: DB_PREPARED_STATEMENTS), which
    saves planning the lifecycle's single-row statements. For the dashboards' aggregates,
    PostgreSQL's generic plan of a prepared statement was slower than planning each call with
    its real date range (p50 of the year overview 200 ms prepared, 150 ms planned), so the
    index pages plan their queries every time.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    old = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = old
