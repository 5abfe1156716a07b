"""Dossiers of agency A handled through cchc.dossiers.services, one per on-time case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    from cchc.indices.summaries import clear_rule_cache

    clear_rule_cache()


# The groups of the seeded QĐ 766 scheme version, in its order.
QD766_GROUPS = ["transparency", "progress", "online", "payment", "digitization", "satisfaction"]


def at(day: int, hour: int, month: int = 8) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=LOCAL_TZ)


@dataclass
class Scenario:
    cast: object
    on_time: object
    late: object
    two_supplements: object
    open_overdue: object
    open_not_yet_due: object
    waiting_first_supplement: object
    waiting_after_due: object
    apologized_late: object
    withdrawn: object
    department: object


def counter(cast, when, agency=None, clerk=None, **kw):
    return services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=agency or cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An"),
        actor=clerk or cast.clerk_a,
        at=when,
        **kw,
    )


@pytest.fixture
def scenario(cast, django_capture_on_commit_callbacks):
    """August 2026, agency A (3-working-day procedure: received Mon 09:00 → due Thu 09:00)."""
    c = cast
    with django_capture_on_commit_callbacks(execute=True):
        on_time = counter(  # due 6/8 09:00; a scanned component: "digitised"
            c, at(3, 9), scans=[(None, SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%%EOF\n"))]
        )
        on_time = services.finish(
            on_time,
            actor=c.specialist_a,
            result=SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4\n%%EOF\n"),
            at=at(4, 9),
        )
        on_time = services.return_result(on_time, actor=c.clerk_a, at=at(4, 10))

        late = counter(c, at(3, 9))
        late = services.finish(late, actor=c.specialist_a, at=at(10, 9), note="Quyết định số 12/QĐ")

        two = counter(c, at(3, 9))
        two = services.request_supplement(
            two, actor=c.specialist_a, reason="Thiếu tờ khai", at=at(3, 10)
        )
        two = services.receive_supplement(two, actor=c.clerk_a, at=at(4, 9))
        two = services.request_supplement(
            two, actor=c.specialist_a, reason="Thiếu bản sao", at=at(4, 10)
        )
        two = services.receive_supplement(two, actor=c.clerk_a, at=at(5, 9))
        two = services.finish(two, actor=c.specialist_a, at=at(5, 10), note="Quyết định số 12/QĐ")

        open_overdue = counter(c, at(20, 9))  # due 25/8, still open on 31/8
        open_not_yet_due = counter(c, at(28, 9))  # due 3/9 (2/9 is a holiday)

        waiting = counter(c, at(24, 9))  # due 27/8; supplement requested 26/8, before the due time
        waiting = services.request_supplement(
            waiting, actor=c.specialist_a, reason="Thiếu giấy tờ", at=at(26, 9)
        )
        waiting_late = counter(
            c, at(17, 9)
        )  # due 20/8; supplement requested 21/8, after the due time
        waiting_late = services.request_supplement(
            waiting_late, actor=c.specialist_a, reason="Thiếu giấy tờ", at=at(21, 9)
        )

        apologized = counter(
            c, at(10, 9)
        )  # due 13/8; apology moves it to 18/8 but the first one counts
        apologized = services.apologize(
            apologized,
            actor=c.leader_a,
            reason="Cần xác minh",
            new_appointment_at=at(18, 9),
            at=at(12, 9),
        )
        apologized = services.finish(
            apologized, actor=c.specialist_a, at=at(17, 9), note="Quyết định số 12/QĐ"
        )

        withdrawn = counter(c, at(11, 9))
        withdrawn = services.withdraw(
            withdrawn, actor=c.clerk_a, reason="Công dân rút hồ sơ", at=at(12, 9)
        )

        department = counter(c, at(5, 9), agency=c.agency_b, clerk=c.clerk_b, fee_amount=50000)
        department = services.finish(
            department, actor=c.specialist_b, at=at(6, 9), note="Quyết định số 12/QĐ"
        )
    return Scenario(
        c,
        on_time,
        late,
        two,
        open_overdue,
        open_not_yet_due,
        waiting,
        waiting_late,
        apologized,
        withdrawn,
        department,
    )
