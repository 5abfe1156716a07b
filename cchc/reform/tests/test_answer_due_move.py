"""Once the unit has been asked for its answers, the chair moves their last day (the unit asked
for more time, the province added a day off): to a working day of the province's calendar,
not before today, with a reason, while the round is open and the year not published. The
sheet's history says from which day to which day and why, and the unit reads the new day on
its sheet. A refused move (or a refused ask) shows the chair's form again as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.actors import SYSTEM
from cchc.core.calendar import WorkingCalendar
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import appraisal, publishing
from cchc.reform.models import AppraisalTeam, AssessmentStatus, ReformEvent
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted
from cchc.testing import UserFactory

pytestmark = pytest.mark.django_db


def _asked(cast, *, ask=True):  # type: ignore[no-untyped-def]
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    if ask:
        a = appraisal.request_explanation(a, actor=chair)
    return chair, a


def _calendar(a):  # type: ignore[no-untyped-def]
    return WorkingCalendar.for_province(a.agency.province_code)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _saturday_ahead() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)


def test_the_chair_moves_the_last_day_and_the_history_says_from_to_and_why(client, cast):
    chair, a = _asked(cast)
    first = _local_day(a.answer_due)
    later = _calendar(a).add_working_days(first, 3)
    a = appraisal.move_answer_due(
        a, actor=chair, answer_by=later, reason="Đơn vị xin thêm thời gian"
    )
    a.refresh_from_db()
    due = timezone.localtime(a.answer_due)
    assert (due.date(), due.hour, due.minute) == (later, 23, 59)
    assert a.status == AssessmentStatus.EXPLANATION
    event = ReformEvent.objects.filter(assessment=a).order_by("-seq").first()
    assert event is not None and event.action == "move_answer_due"
    assert event.note == "Đơn vị xin thêm thời gian"
    assert [_local_day(dt.datetime.fromisoformat(v)) for v in event.data["answer_due"]] == [
        first,
        later,
    ]
    details = event.details()
    assert first.strftime("%d/%m/%Y") in details and later.strftime("%d/%m/%Y") in details
    assert "Đơn vị xin thêm thời gian" in details
    # the unit reads the new day on its sheet, where it read the first one
    client.force_login(cast.specialist_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert later.strftime("%d/%m/%Y") in page
    assert "Dời hạn trả lời điều chỉnh" in page  # the history's line, in Vietnamese


def test_a_non_working_day_is_refused_and_the_next_working_day_named(cast):
    chair, a = _asked(cast)
    saturday = _saturday_ahead()
    with pytest.raises(ValidationFailed) as refused:
        appraisal.move_answer_due(a, actor=chair, answer_by=saturday, reason="Lý do")
    assert refused.value.field == "answer_by"
    assert _calendar(a).next_working_day(saturday).strftime("%d/%m/%Y") in refused.value.message
    before = a.answer_due
    a.refresh_from_db()
    assert a.answer_due == before


@pytest.mark.parametrize("days", [-1, 61])
def test_a_day_before_today_or_too_far_is_refused(cast, days):
    chair, a = _asked(cast)
    with pytest.raises(ValidationFailed) as refused:
        appraisal.move_answer_due(
            a,
            actor=chair,
            answer_by=timezone.localdate() + dt.timedelta(days=days),
            reason="Lý do",
        )
    assert refused.value.field == "answer_by"


def test_a_reason_is_required(cast):
    chair, a = _asked(cast)
    day = _calendar(a).add_working_days(timezone.localdate(), 7)
    with pytest.raises(ValidationFailed) as refused:
        appraisal.move_answer_due(a, actor=chair, answer_by=day, reason="  ")
    assert refused.value.field == "reason"


def test_only_the_chair_moves_it_and_only_while_the_unit_is_asked(cast):
    chair, a = _asked(cast, ask=False)
    day = _calendar(a).add_working_days(timezone.localdate(), 7)
    with pytest.raises(TransitionNotAllowed):  # not asked yet: nothing to move
        appraisal.move_answer_due(a, actor=chair, answer_by=day, reason="Lý do")
    a = appraisal.request_explanation(a, actor=chair)
    UserFactory(username="member")
    member = User.objects.get(username="member")
    AppraisalTeam.objects.get(chair=chair).members.add(member)
    for who in (member, cast.leader_b):
        with pytest.raises(NotPermitted):
            appraisal.move_answer_due(a, actor=who, answer_by=day, reason="Lý do")
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã có văn bản"})
    with pytest.raises(TransitionNotAllowed):  # answered: the round is over
        appraisal.move_answer_due(a, actor=chair, answer_by=day, reason="Lý do")


def test_not_after_the_year_is_published(cast):
    chair, a = _asked(cast)
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    day = _calendar(a).add_working_days(timezone.localdate(), 7)
    with pytest.raises(TransitionNotAllowed) as refused:
        appraisal.move_answer_due(a, actor=chair, answer_by=day, reason="Lý do")
    assert "công bố" in refused.value.message


def test_a_refused_move_on_the_page_keeps_what_the_chair_typed(client, cast):
    chair, a = _asked(cast)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert 'id="answer-due-form"' in page
    assert f'value="{_local_day(a.answer_due).isoformat()}"' in page  # today's last day
    saturday = _saturday_ahead()
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {
            "action": "move_answer_due",
            "answer_by": saturday.isoformat(),
            "reason": "Đơn vị xin lùi hạn vì nghỉ bù",
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert f'name="answer_by" value="{saturday.isoformat()}"' in page
    assert "Đơn vị xin lùi hạn vì nghỉ bù</textarea>" in page
    assert "không phải ngày làm việc" in page
    # then a working day: moved, back on the sheet
    day = _calendar(a).next_working_day(saturday)
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "move_answer_due", "answer_by": day.isoformat(), "reason": "Nghỉ bù"},
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert _local_day(a.answer_due) == day


def test_the_move_form_is_the_chairs_only(client, cast):
    _chair, a = _asked(cast)
    client.force_login(cast.leader_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert 'id="answer-due-form"' not in page
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {
            "action": "move_answer_due",
            "answer_by": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "reason": "Tự gia hạn",
        },
    )
    assert r.status_code == 200
    assert "Thành viên của đơn vị được thẩm định không được" in r.content.decode()
    before = a.answer_due
    a.refresh_from_db()
    assert a.answer_due == before


def test_a_refused_ask_keeps_the_day_the_chair_typed(client, cast):
    chair, a = _asked(cast, ask=False)
    client.force_login(chair)
    too_far = timezone.localdate() + dt.timedelta(days=90)
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "request_explanation", "answer_by": too_far.isoformat()},
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert f'name="answer_by" value="{too_far.isoformat()}"' in page
    assert "trong vòng 60 ngày" in page
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING


def test_the_start_page_tells_the_unit_and_the_chair_the_last_day(client, cast):
    """The last day of the answers (as moved) stands beside the status on the start page of
    the unit's staff and of the chair, not only deep in the sheet."""
    chair, a = _asked(cast)
    day = _calendar(a).add_working_days(_local_day(a.answer_due), 2)
    appraisal.move_answer_due(a, actor=chair, answer_by=day, reason="Đơn vị xin thêm thời gian")
    for who in (cast.specialist_b, chair):
        client.force_login(who)
        page = client.get(reverse("reform:home")).content.decode()
        assert f"Hạn trả lời 23:59 {day.strftime('%d/%m/%Y')}" in page, who


def test_asking_refuses_a_non_working_day_as_moving_does(cast):
    chair, a = _asked(cast, ask=False)
    saturday = _saturday_ahead()
    with pytest.raises(ValidationFailed) as refused:
        appraisal.request_explanation(a, actor=chair, answer_by=saturday)
    assert refused.value.field == "answer_by"
    assert _calendar(a).next_working_day(saturday).strftime("%d/%m/%Y") in refused.value.message
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING and a.answer_due is None


def test_a_refused_weekend_ask_keeps_the_day_typed_and_names_the_next_working_day(client, cast):
    chair, a = _asked(cast, ask=False)
    client.force_login(chair)
    saturday = _saturday_ahead()
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "request_explanation", "answer_by": saturday.isoformat()},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert f'name="answer_by" value="{saturday.isoformat()}"' in page
    assert "không phải ngày làm việc" in page
    assert _calendar(a).next_working_day(saturday).strftime("%d/%m/%Y") in page
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING
