"""The last day of the unit's answers to the appraisal's adjustments is the chair's to set
when asking for them; by default the fifth working day on the province's calendar (a fixed
week counted weekends and Tết as days to answer in)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.core.calendar import WorkingCalendar
from cchc.core.errors import ValidationFailed
from cchc.core.models import CalendarException
from cchc.reform import appraisal
from cchc.reform.models import AssessmentStatus
from cchc.reform.tests.helpers import adjusted

pytestmark = pytest.mark.django_db


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def test_by_default_the_answers_are_due_on_the_fifth_working_day(cast):
    chair, a = adjusted(cast)
    today = timezone.localdate()
    before = WorkingCalendar.for_province(a.agency.province_code)  # without the day off
    # a day off the province adds inside the round moves the last day on by a working day
    CalendarException.objects.create(
        province_code=a.agency.province_code,
        date=before.next_working_day(today),
        kind=CalendarException.Kind.DAY_OFF,
        reason="Nghỉ bù",
    )
    a = appraisal.request_explanation(a, actor=chair)
    due = timezone.localtime(a.answer_due)
    assert due.date() == before.next_working_day(before.add_working_days(today, 5))
    assert (due.hour, due.minute) == (23, 59)
    assert due.date().weekday() < 5


def test_the_chair_sets_the_last_day_on_the_sheet(client, cast):
    chair, a = adjusted(cast)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    default = appraisal.default_answer_day(a)
    assert f'name="answer_by" value="{default.isoformat()}"' in page
    chosen = timezone.localdate() + dt.timedelta(days=12)
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "request_explanation", "answer_by": chosen.isoformat()},
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION and _local_day(a.answer_due) == chosen


@pytest.mark.parametrize("days", [0, -3, 61])
def test_a_last_day_not_after_today_or_too_far_is_refused(cast, days):
    chair, a = adjusted(cast)
    with pytest.raises(ValidationFailed) as refused:
        appraisal.request_explanation(
            a, actor=chair, answer_by=timezone.localdate() + dt.timedelta(days=days)
        )
    assert refused.value.field == "answer_by" and "sau hôm nay" in refused.value.message
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING and a.answer_due is None


def test_a_mistyped_day_on_the_page_asks_nothing_of_the_unit(client, cast):
    chair, a = adjusted(cast)
    client.force_login(chair)
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "request_explanation", "answer_by": "31/02/2026"},
        follow=True,
    )
    assert "không phải là một ngày" in r.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING
