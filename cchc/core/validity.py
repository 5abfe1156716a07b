""" "In force on a day": the one reading of a dated validity (hiệu lực) shared by agencies,
procedures, scheme versions, rule versions and survey methods.

A row is in force from its start day to its end day, both inclusive; an empty end means it
is still in force. An empty start means "since always" only where the start may be empty
(`open_start`): a procedure without a "valid from", a survey method without an effective
date. Where the start is required, the query leaves the null test out.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def in_force_on(
    day: dt.date,
    until: dt.date | None = None,
    *,
    start: str = "valid_from",
    end: str | None = "valid_to",
    open_start: bool = False,
) -> Q:
    """The rows in force on `day`, or, with `until`, on some day from `day` to `until`.

    `start` and `end` name the date columns; `end=None` for rows that only have a start (a
    later version replaces them). `open_start`: a null start counts as in force since always.
    """
    started = Q(**{f"{start}__lte": until or day})
    if open_start:
        started = Q(**{f"{start}__isnull": True}) | started
    if end is None:
        return started
    return started & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def is_in_force(
    start: dt.date | None, end: dt.date | None, day: dt.date, until: dt.date | None = None
) -> bool:
    """`in_force_on` for a row already loaded: in force on `day` (or on some day from `day` to
    `until`); a null start counts as since always, a null end as still in force."""
    return (start is None or start <= (until or day)) and (end is None or end >= day)
