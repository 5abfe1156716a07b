"""Reminders of a petition's answer deadline: the person handling it (or, while nobody is
named, the unit's leaders) is told 3 and 1 working days before the deadline and once when
it is overdue, by the job runner, never twice; a closed petition is left alone.

The petition is received on Wednesday 8 April 2026: its 15 working days end on Monday 4 May
at 09:00. The days before skip the weekend of 25-26/4, the Hùng Kings' day moved to Monday
27/4, and 30/4-1/5 with the weekend after: D-1 is Wednesday 29/4 and D-3 Friday 24/4."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.core.calendar import LOCAL_TZ
from cchc.core.jobs import run_jobs
from cchc.feedback import complaints, petitions, reminders
from cchc.feedback.tests.factories import file

RECEIVED = dt.datetime(2026, 4, 8, 9, 0, tzinfo=LOCAL_TZ)
DUE = dt.datetime(2026, 5, 4, 9, 0, tzinfo=LOCAL_TZ)
DAY = "09:00 04/05/2026"


def _with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])


def _petition(cast, *, assignee=True, **kwargs):
    p = file(cast.agency_a, at=RECEIVED, **kwargs)
    return petitions.confirm_routing(
        p,
        actor=cast.clerk_a,
        category=p.category,
        agency=cast.agency_a,
        assignee=cast.specialist_a if assignee else None,
        at=RECEIVED + dt.timedelta(hours=1),
    )


def _pass(day: dt.date) -> list[tuple[str, str]]:
    """The daily pass of `day` and the jobs it enqueued: (to, subject) of what went."""
    from django.core import mail

    before = len(mail.outbox)
    reminders.daily_pass(day)
    run_jobs()
    return [(m.to[0], m.subject) for m in mail.outbox[before:]]


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_the_steps_fall_on_working_days_across_weekends_and_holidays(reseeded, cast, mailoutbox):
    _with_email(cast.specialist_a, cast.leader_a)
    p = _petition(cast)
    assert p.handle_due_at == DUE
    went = {day: _pass(day) for day in _days(dt.date(2026, 4, 20), dt.date(2026, 5, 8))}
    assert {day: sent for day, sent in went.items() if sent} == {
        dt.date(2026, 4, 24): [
            (
                "specialist_a@example.vn",
                f"Phản ánh {p.code}: còn 3 ngày làm việc đến hạn trả lời, lúc 09:00 04/05/2026",
            )
        ],
        dt.date(2026, 4, 29): [
            (
                "specialist_a@example.vn",
                f"Phản ánh {p.code}: còn 1 ngày làm việc đến hạn trả lời, lúc 09:00 04/05/2026",
            )
        ],
        dt.date(2026, 5, 5): [
            (
                "specialist_a@example.vn",
                f"Phản ánh {p.code} đã quá hạn trả lời (hạn 09:00 04/05/2026)",
            )
        ],
    }
    body = mailoutbox[0].body
    assert f"/feedback/staff/{p.code}/" in body and "Chưa có ai" not in body


def test_a_missed_pass_catches_up_with_the_latest_step_only(reseeded, cast, mailoutbox):
    """No pass ran on Friday 24/4 (nor over the long weekend): Tuesday 28/4 sends D-3 alone;
    no pass ran from then to the deadline: Wednesday 6/5 sends the overdue notice alone."""
    _with_email(cast.specialist_a)
    p = _petition(cast)
    assert _pass(dt.date(2026, 4, 28)) == [
        (
            "specialist_a@example.vn",
            f"Phản ánh {p.code}: còn 3 ngày làm việc đến hạn trả lời, lúc {DAY}",
        )
    ]
    assert _pass(dt.date(2026, 5, 6)) == [
        ("specialist_a@example.vn", f"Phản ánh {p.code} đã quá hạn trả lời (hạn {DAY})")
    ]


def test_nobody_is_told_twice(reseeded, cast, mailoutbox):
    """Two passes the same day, a second run of the jobs, a job run again by hand (the
    runner's retry after a crash) and the next days at the same step: one message."""
    _with_email(cast.specialist_a)
    p = _petition(cast)
    day = dt.date(2026, 4, 24)
    assert reminders.daily_pass(day) == 1
    assert reminders.daily_pass(day) == 1  # not sent yet: the second job sends nothing more
    run_jobs()
    run_jobs()
    assert reminders.remind.call(p.pk, "D-3", day.isoformat()) == 0
    assert reminders.daily_pass(day) == 0  # everybody told: nothing enqueued
    for later in _days(dt.date(2026, 4, 25), dt.date(2026, 4, 28)):
        assert _pass(later) == []
    assert [m.to for m in mailoutbox] == [["specialist_a@example.vn"]]


def test_closed_merged_moved_and_paused_petitions_get_no_reminder(reseeded, cast, mailoutbox):
    _with_email(cast.specialist_a, cast.leader_a)
    at = RECEIVED + dt.timedelta(days=1)
    first = _petition(cast, phone="0900000001")
    answered = petitions.answer(
        _petition(cast, phone="0900000002"), actor=cast.specialist_a, text="Đã xử lý.", at=at
    )
    merged = petitions.merge(
        _petition(cast, phone="0900000003"), actor=cast.leader_a, into=first, at=at
    )
    moved = _petition(cast, phone="0900000004")
    complaints.reclassify_as_complaint(
        moved, actor=cast.leader_a, kind="DENUNCIATION", subject="Nhận tiền", at=at
    )
    paused = petitions.request_info(
        _petition(cast, phone="0900000005"), actor=cast.specialist_a, question="Số biên nhận?"
    )
    # answered after the pass, before its job ran: the job looks again
    late_answer = _petition(cast, phone="0900000006")
    reminders.daily_pass(dt.date(2026, 5, 5))
    petitions.answer(late_answer, actor=cast.specialist_a, text="Đã xử lý.")
    run_jobs()
    told = " ".join(m.subject for m in mailoutbox)
    assert first.code in told
    for closed in (answered, merged, moved, paused, late_answer):
        assert closed.code not in told


def test_unassigned_petitions_go_to_the_units_leaders(reseeded, cast, mailoutbox):
    """Nobody named: the leaders of the unit holding it (not its clerks or specialists, not
    another unit's leaders); an assignee who left (inactive) counts as nobody."""
    _with_email(cast.clerk_a, cast.specialist_a, cast.leader_a, cast.leader_b)
    unassigned = _petition(cast, assignee=False)
    left = _petition(cast, phone="0987654321")
    cast.specialist_a.is_active = False
    cast.specialist_a.save(update_fields=["is_active"])
    sent = _pass(dt.date(2026, 4, 24))
    assert sorted(sent) == sorted(
        (
            "leader_a@example.vn",
            f"Phản ánh {p.code}: còn 3 ngày làm việc đến hạn trả lời, lúc {DAY}",
        )
        for p in (unassigned, left)
    )
    assert all("giao cho một chuyên viên" in m.body for m in mailoutbox)


def test_the_daily_command_enqueues_the_reminders(reseeded, cast, mailoutbox):
    _with_email(cast.specialist_a)
    _petition(cast)
    out = StringIO()
    call_command("feedback_daily", day="2026-04-24", stdout=out)
    assert "1" in out.getvalue()
    assert mailoutbox == []  # the job runner sends, after the pass committed
    run_jobs()
    assert [m.to for m in mailoutbox] == [["specialist_a@example.vn"]]


def test_the_daily_command_refuses_a_day_it_cannot_read(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("feedback_daily", day="24/04/2026")
