"""What an edit's event keeps in its data (events.changes, events.as_data): only the fields
whose value changed, each as [old, new] in a form a person reads and JSON stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cchc.core import events
from cchc.core.calendar import LOCAL_TZ


def test_an_edit_records_only_the_fields_whose_value_changed_in_readable_form():
    at = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    before = {"points": Decimal("5.00"), "deadline": at, "name": "A", "on": dt.date(2026, 1, 2)}
    after = {
        "points": Decimal(5),  # the same number
        "deadline": at.astimezone(LOCAL_TZ),  # the same instant
        "name": "B",
        "on": dt.date(2026, 1, 3),
        "new": Decimal("12.50"),
    }
    assert events.changes(before, after) == {
        "name": ["A", "B"],
        "on": ["2026-01-02", "2026-01-03"],
        "new": [None, "12.5"],
    }
    assert events.as_data(at) == "2026-11-30T17:00:00+07:00"  # local time, as staff read it
