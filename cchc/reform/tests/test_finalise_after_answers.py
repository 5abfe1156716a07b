"""The chair finalises the appraisal only once the unit may no longer answer the adjustments
(Decision 876/QĐ-BNV workflow: adjust → the unit may answer → close): before, the chair could
finalise the day the unit was asked, and the answer it had been promised until its last day
counted for nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.core.errors import TransitionNotAllowed
from cchc.reform import appraisal
from cchc.reform.models import AssessmentStatus
from cchc.reform.tests.helpers import adjusted

pytestmark = pytest.mark.django_db


def _asked(cast):  # type: ignore[no-untyped-def]
    """(chair, assessment) whose unit has been asked for its answers, by the default day."""
    chair, a = adjusted(cast)
    return chair, appraisal.request_explanation(a, actor=chair)


def test_finalising_while_the_unit_may_answer_is_refused_saying_until_when(cast):
    chair, a = _asked(cast)
    due = timezone.localtime(a.answer_due).strftime("%H:%M %d/%m/%Y")
    with pytest.raises(TransitionNotAllowed) as refused:
        appraisal.finalise(a, actor=chair)
    assert f"trả lời các điều chỉnh đến {due}" in refused.value.message
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION and a.finalised_at is None
    # a minute after its last day the round is closed: the chair finalises
    after = a.answer_due + dt.timedelta(minutes=1)
    a = appraisal.finalise(a, actor=chair, now=after)
    assert a.status == AssessmentStatus.FINAL and a.finalised_at == after


def test_once_the_unit_has_answered_the_chair_finalises_before_the_last_day(cast):
    chair, a = _asked(cast)
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã có văn bản"})
    a = appraisal.finalise(a, actor=chair)
    assert a.status == AssessmentStatus.FINAL


def test_the_chair_reads_until_when_instead_of_a_button_that_fails(client, cast):
    chair, a = _asked(cast)
    client.force_login(chair)
    url = reverse("reform:assessment", args=[a.pk])
    page = client.get(url).content.decode()
    due = timezone.localtime(a.answer_due).strftime("%H:%M %d/%m/%Y")
    assert 'id="finalise"' not in page
    wait = page[page.index('id="finalise-wait"') :]
    assert due in wait[: wait.index("</p>")]
    # posted anyway (an old tab): refused with the same day, nothing finalised
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]), {"action": "finalise"}, follow=True
    )
    assert due in r.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION
    # once the unit has answered, the button is back
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã có văn bản"})
    page = client.get(url).content.decode()
    assert 'id="finalise"' in page and 'id="finalise-wait"' not in page
