"""The chair finalises an appraisal with adjustments the unit was never asked to answer only by
confirming it, item by item, and the sheet's history says so (Decision 876/QĐ-BNV workflow:
the team adjusts → the unit may answer → the appraisal is closed). Before, "Finalise" sat
next to "Ask the unit to explain" and one click closed the appraisal: the unit lost the answer
it may give and the history read "Appraisal finalised" as if it had been asked. A round whose
last day passed without an answer is named in the history too."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from cchc.core.errors import ValidationFailed
from cchc.reform import appraisal
from cchc.reform.models import AssessmentStatus, ReformEvent
from cchc.reform.tests.helpers import adjusted, history_rows

pytestmark = pytest.mark.django_db


def test_finalising_adjustments_never_asked_needs_the_chairs_confirmation(cast):
    chair, a = adjusted(cast)
    with pytest.raises(ValidationFailed) as refused:
        appraisal.finalise(a, actor=chair)
    assert "1.1.1" in refused.value.message and "chưa được đề nghị" in refused.value.message
    # a confirmation naming other items (an old tab) is refused too: nothing finalised
    with pytest.raises(ValidationFailed):
        appraisal.finalise(a, actor=chair, without_answers=["1.1.2"])
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING
    a = appraisal.finalise(a, actor=chair, without_answers=["1.1.1"])
    assert a.status == AssessmentStatus.FINAL
    event = ReformEvent.objects.get(assessment=a, action="finalise")
    assert event.data["without_answers"] == ["1.1.1"]


def test_without_adjustments_the_chair_finalises_in_one_step(cast):
    chair, a = adjusted(cast)
    appraisal.appraise(a, "1.1.1", actor=chair, accept=True)
    a = appraisal.finalise(a, actor=chair)
    assert a.status == AssessmentStatus.FINAL
    assert "without_answers" not in ReformEvent.objects.get(assessment=a, action="finalise").data


def test_the_chair_is_shown_the_items_and_the_history_says_the_unit_was_not_asked(client, cast):
    chair, a = adjusted(cast)
    client.force_login(chair)
    url = reverse("reform:assessment", args=[a.pk])
    page = html.unescape(client.get(url).content.decode())
    confirm = page[page.index('id="finalise-unasked"') :]
    confirm = confirm[: confirm.index("</details>")]
    assert 'name="without_answers" value="1.1.1"' in confirm
    assert "chưa được đề nghị giải trình" in confirm
    # posted without the confirmation (a plain "finalise"): refused, said, nothing finalised
    action = reverse("reform:assessment_action", args=[a.pk])
    r = client.post(action, {"action": "finalise"}, follow=True)
    assert "1.1.1" in html.unescape(r.content.decode())
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISING
    client.post(action, {"action": "finalise", "without_answers": "1.1.1"})
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINAL
    rows = history_rows(html.unescape(client.get(url).content.decode()))
    assert "không đề nghị đơn vị giải trình" in rows[0] and "1.1.1" in rows[0]


def test_a_round_closed_without_an_answer_is_named_in_the_history(client, cast):
    chair, a = adjusted(cast)
    a = appraisal.request_explanation(a, actor=chair)
    due = a.answer_due
    assert due is not None
    a = appraisal.finalise(a, actor=chair, now=due + dt.timedelta(minutes=1))
    event = ReformEvent.objects.get(assessment=a, action="finalise")
    assert parse_datetime(event.data["unanswered_due"]) == due
    client.force_login(chair)
    rows = history_rows(
        html.unescape(client.get(reverse("reform:assessment", args=[a.pk])).content.decode())
    )
    assert "đơn vị không trả lời" in rows[0]
