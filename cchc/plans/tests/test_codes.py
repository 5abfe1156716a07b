"""Codes of inspections, findings and tasks (KT-2026-0001, PH-2026-00001, NV-2026-0001) are
drawn from a counter: never one already issued, after a deletion or when two are created at
the same moment (counting the year's rows gave both the same code, and one of them failed)."""

import datetime as dt

import pytest
from django.db import connection

from cchc.plans import inspections as svc
from cchc.plans.inspection_models import Finding, Inspection
from cchc.testing import run_together

D = dt.date
MAY_10 = D(2026, 5, 10)
CHECKLIST = [{"code": "NIEM_YET", "label": "Niêm yết công khai TTHC"}]


def _schedule(cast, day=MAY_10):
    return svc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=day, checklist=CHECKLIST
    )


@pytest.mark.django_db
def test_an_inspection_after_a_deletion_gets_a_new_code(cast):
    # a row entered by mistake (no history yet) that the administrator removes afterwards
    mistaken = Inspection.objects.create(
        code="KT-2026-0001", agency=cast.agency_a, scheduled_on=D(2026, 5, 9)
    )
    second = _schedule(cast)
    assert second.code == "KT-2026-0002"
    mistaken.delete()
    third = _schedule(cast)  # counting the year's inspections drew KT-2026-0002 again
    assert third.code == "KT-2026-0003"
    assert _schedule(cast, D(2027, 1, 5)).code == "KT-2027-0001"  # each year starts again


@pytest.mark.django_db
def test_a_code_typed_by_hand_is_not_drawn_again(cast):
    svc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=D(2026, 5, 10),
        checklist=CHECKLIST,
        code="KT-2026-0002",
    )
    assert _schedule(cast).code == "KT-2026-0003"


@pytest.mark.django_db
def test_a_finding_after_a_deletion_gets_a_new_code(cast):
    def raise_one():
        return svc.raise_finding(
            actor=cast.inspector,
            inspection=inspection,
            severity="LOW",
            description="Sổ theo dõi ghi thiếu",
            found_on=D(2026, 5, 10),
        )

    inspection = _schedule(cast)
    svc.record_inspection(
        inspection,
        actor=cast.inspector,
        results={"NIEM_YET": {"result": "FAIL"}},
        inspected_on=D(2026, 5, 10),
    )
    mistaken = Finding.objects.create(
        code="PH-2026-00001",
        agency=cast.agency_a,
        severity="LOW",
        description="Nhập nhầm",
        found_on=D(2026, 5, 9),
    )
    assert raise_one().code == "PH-2026-00002"
    mistaken.delete()
    assert raise_one().code == "PH-2026-00003"


@pytest.mark.django_db(transaction=True)
def test_inspections_scheduled_at_the_same_moment_get_different_codes(transactional_db, cast):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): SQLite serialises writers; CI runs it there"
        )
    run_together(8, lambda _i: _schedule(cast))
    codes = sorted(Inspection.objects.values_list("code", flat=True))
    assert codes == [f"KT-2026-{n:04d}" for n in range(1, 9)]
