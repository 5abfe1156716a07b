import datetime as dt

import pytest

from cchc.core.actors import SYSTEM


@pytest.fixture
def assign(cast):
    from cchc.plans import services

    def make(**kw):
        defaults = dict(
            actor=cast.province_admin,
            title="Rà soát quy trình nội bộ",
            source_document="KH 12/KH-UBND",
            lead_agency=cast.agency_a,
            assigned_on=dt.date(2026, 1, 15),
            deadline=dt.date(2026, 6, 30),
            evidence_required=False,
        )
        defaults.update(kw)
        return services.assign_task(**defaults)

    return make


@pytest.fixture
def insp(cast):
    """An inspection of unit A on 10/05/2026 with a two-item checklist."""
    from cchc.plans import inspections

    return inspections.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=dt.date(2026, 5, 10),
        checklist=["Niêm yết TTHC", "Sổ theo dõi"],
    )


@pytest.fixture
def province_admin(cast):

    cast.province_admin.province_code = "01"
    cast.province_admin.email = "noivu@example.vn"
    cast.province_admin.save()
    return cast.province_admin


SYSTEM_ACTOR = SYSTEM


class _Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def move_to(self, text):
        day = dt.date.fromisoformat(text[:10])
        from cchc.plans import services

        self.monkeypatch.setattr(services, "today", lambda: day)


@pytest.fixture
def freezer(monkeypatch):
    """The services' idea of today (local date), moved by tests."""
    return _Clock(monkeypatch)
