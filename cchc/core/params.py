"""Values read from a query string (`?from=2026-05-01`), leniently: a page asked with a
blank or mistyped value shows its default instead of an error."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

Default = TypeVar("Default", dt.date, None)


def day_or(value: str | None, default: Default) -> dt.date | Default:
    """The ISO day in `value` ("2026-05-01"), or `default` when it is blank or not a day."""
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
