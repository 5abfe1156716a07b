"""The applicant's supplement stops the clock of the step in progress too (domain.md §3: the
wait for a supplement is not counted). One-stop day walk: a step handed over with the
dossier's due time showed "Late" on the control slip (form 06) while the dossier waited for
the supplement, and after it, though the dossier itself was on time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import queries, services
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db


def at(d, hh=9, mm=0):
    return dt.datetime(2026, 3, d, hh, mm, tzinfo=LOCAL_TZ)


def test_the_supplement_wait_does_not_make_the_open_step_late(cast):
    d = counter_dossier(cast, at=at(2, 9))  # Monday 2/3, due three working days on
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, assignee=cast.specialist_a, at=at(2, 10)
    )
    step = d.steps.get()
    first_due = step.due_at
    assert first_due == d.due_at
    d = services.request_supplement(
        d, actor=cast.specialist_a, reason="Giấy chứng sinh", at=at(2, 11)
    )
    # waiting (the clock stands still): past the step's first due time, it is not late
    waiting = queries.step_flags(d, now=first_due + dt.timedelta(days=3))
    assert waiting[0]["outcome"] != "LATE" and waiting[0]["open"]
    d = services.receive_supplement(d, actor=cast.clerk_a, at=at(9, 9))  # a week later
    step.refresh_from_db()
    assert d.due_at > first_due and step.due_at == d.due_at  # moved on by the same wait
    finished = services.finish(d, actor=cast.specialist_a, note="Đã cấp", at=at(9, 11))
    step.refresh_from_db()
    assert step.completed_at == at(9, 11) and finished.due_at > at(9, 11)
    assert step.outcome in ("EARLY", "ON_TIME")


def test_a_step_already_late_before_the_supplement_stays_late(cast):
    d = counter_dossier(cast, at=at(2, 9))
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, hours=1, at=at(2, 10)
    )  # due 11:00
    d = services.request_supplement(d, actor=cast.specialist_a, reason="Tờ khai", at=at(2, 14))
    assert queries.step_flags(d, now=at(4))[0]["outcome"] == "LATE"


def test_the_api_judges_the_open_step_at_the_pause_too(client, cast):
    from cchc.dossiers.tests.test_api import Api

    d = counter_dossier(cast)  # received now: the step is due with the dossier
    d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a, hours=1)
    d = services.request_supplement(d, actor=cast.specialist_a, reason="Tờ khai")
    # the wait began two hours ago, before the step's due time, which has passed since
    now = timezone.now()
    type(d).objects.filter(pk=d.pk).update(paused_since=now - dt.timedelta(hours=2))
    d.steps.update(due_at=now - dt.timedelta(hours=1))
    data = Api(client, cast.clerk_a).get(f"/dossiers/{d.code}").json()
    assert [s["outcome"] for s in data["steps"]] == [""]


def test_a_waiting_dossier_says_its_due_time_moves_on(client, cast):
    """One-stop day walk: a dossier waiting two weeks for the supplement showed a due time
    two weeks past, unflagged, in the queue and on its page, and nothing said why."""
    d = counter_dossier(cast, at=at(2, 9))
    d = services.request_supplement(d, actor=cast.clerk_a, reason="Tờ khai", at=at(2, 11))
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert "Chờ người nộp bổ sung hồ sơ từ 11:00 02/03/2026" in page
    row = client.get("/staff/", {"queue": "supplement"}).content.decode()
    assert 'class="muted clock-paused"' in row
    services.receive_supplement(d, actor=cast.clerk_a, at=at(3, 9))
    assert "Chờ người nộp bổ sung" not in client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert "clock-paused" not in client.get("/staff/", {"queue": "agency"}).content.decode()
