"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

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


class DerivedColumn:
    """A field mixin for a column the row computes from its other fields in `pre_save`
    (`derive`), whatever the write path: not editable, blank and "" until then. Those
    defaults (and the subclass's own `column_defaults`) stay out of `deconstruct`, so
    migrations name only what differs."""

    column_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        for key, value in self._implied().items():
            kwargs.setdefault(key, value)
        super().__init__(*args, **kwargs)

    @classmethod
    def _implied(cls) -> dict[str, Any]:
        return {**cls.column_defaults, "editable": False, "blank": True, "default": ""}

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        for key, value in self._implied().items():
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def derive(self, model_instance: Any) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = self.derive(model_instance)
        setattr(model_instance, self.attname, value)  # type: ignore[attr-defined]
        return value
