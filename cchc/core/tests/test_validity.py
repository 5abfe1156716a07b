"""The shared "in force on a day" reading (cchc/core/validity.py): both ends inclusive, an
empty end still in force, an empty start "since always" only where asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from cchc.catalogue.models import Procedure
from cchc.core.models import RuleVersion
from cchc.core.validity import in_force_on, is_in_force
from cchc.testing import ProcedureFactory

D = dt.date
# version name -> (effective_from, effective_to)
SPANS = {
    "open": (D(2025, 7, 1), None),
    "2025h2": (D(2025, 7, 1), D(2025, 12, 31)),
    "one-day": (D(2026, 1, 1), D(2026, 1, 1)),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "until", "expected"),
    [
        (D(2025, 6, 30), None, set()),
        (D(2025, 7, 1), None, {"open", "2025h2"}),  # the start day is in force
        (D(2025, 12, 31), None, {"open", "2025h2"}),  # so is the end day
        (D(2026, 1, 1), None, {"open", "one-day"}),
        (D(2026, 1, 2), None, {"open"}),
        (D(2025, 6, 1), D(2025, 7, 1), {"open", "2025h2"}),  # in force on some day of a span
        (D(2025, 12, 31), D(2026, 1, 1), {"open", "2025h2", "one-day"}),
        (D(2024, 1, 1), D(2025, 6, 30), set()),
    ],
)
def test_query_and_loaded_row_read_the_same_ends(day, until, expected):
    for version, (start, end) in SPANS.items():
        RuleVersion.objects.create(
            key="test-validity",
            version=version,
            effective_from=start,
            effective_to=end,
            legal_source="test",
        )
    rows = RuleVersion.objects.filter(key="test-validity")
    found = rows.filter(in_force_on(day, until, start="effective_from", end="effective_to"))
    assert set(found.values_list("version", flat=True)) == expected
    loaded = {r.version for r in rows if is_in_force(r.effective_from, r.effective_to, day, until)}
    assert loaded == expected


@pytest.mark.django_db
def test_an_empty_start_counts_only_when_the_start_may_be_empty():
    ProcedureFactory(code="undated", valid_from=None, valid_to=None)
    ProcedureFactory(code="ended", valid_from=None, valid_to=D(2025, 6, 30))
    day = D(2025, 7, 1)
    ids = Procedure.objects.filter(code__in=["undated", "ended"])
    assert list(ids.filter(in_force_on(day, open_start=True)).values_list("code", flat=True)) == [
        "undated"
    ]
    assert not ids.filter(in_force_on(day)).exists()
    assert is_in_force(None, None, day) and not is_in_force(None, D(2025, 6, 30), day)


def test_a_start_only_row_has_no_end_test():
    assert in_force_on(D(2025, 7, 1), start="effective_from", end=None) == Q(
        effective_from__lte=D(2025, 7, 1)
    )
    assert in_force_on(D(2025, 7, 1), start="effective_from", end=None, open_start=True) == (
        Q(effective_from__isnull=True) | Q(effective_from__lte=D(2025, 7, 1))
    )
