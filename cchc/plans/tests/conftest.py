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
        from django.utils import timezone

        self.monkeypatch = monkeypatch
        self.real_localdate = timezone.localdate

    def move_to(self, text):
        """Today is `text` (YYYY-MM-DD…) for the services (`services.today()`) and for what
        the pages, forms, exports and reports read (`timezone.localdate()`, called without
        a value); the clock itself (`timezone.now()`: events, sessions) keeps running."""
        day = dt.date.fromisoformat(text[:10])
        from cchc.plans import services

        real_localdate = self.real_localdate

        def localdate(value=None, timezone=None):  # type: ignore[no-untyped-def]
            return day if value is None else real_localdate(value, timezone)

        self.monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        self.monkeypatch.setattr(services, "today", lambda: day)


@pytest.fixture
def freezer(monkeypatch):
    """Today (the local date) for the services and the pages, moved by tests."""
    return _Clock(monkeypatch)
