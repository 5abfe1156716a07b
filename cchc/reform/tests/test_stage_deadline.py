"""The sheet's header shows the deadline of the stage the sheet is in, plainly labelled (QA,
second pass: during the answer round it still showed the self-assessment deadline, as
"Thời hạn", next to the answer deadline)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cchc.reform import appraisal, assessments
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted


def _header(client, a) -> str:  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    return page.split("<h1>", 1)[1].split("</p>", 1)[0]


@pytest.mark.django_db
def test_the_header_shows_the_deadline_of_the_current_stage(client, cast):
    t = build_template()
    t.deadline = (timezone.now() + dt.timedelta(days=30)).replace(second=0, microsecond=0)
    t.save(update_fields=["deadline"])
    client.force_login(cast.leader_b)

    day = timezone.localtime(t.deadline).strftime("%d/%m/%Y")
    draft = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    header = _header(client, draft)
    assert f"Hạn tự đánh giá: {timezone.localtime(t.deadline):%H:%M} {day}" in header
    assert "Hạn trả lời" not in header

    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    header = _header(client, a)
    assert day not in header and "Thời hạn" not in header

    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    a = appraisal.request_explanation(a, actor=chair)
    assert a.answer_due is not None
    header = _header(client, a)
    due = timezone.localtime(a.answer_due).strftime("%H:%M %d/%m/%Y")
    assert f"Hạn trả lời điều chỉnh: {due}" in header
    assert day not in header and "Hạn tự đánh giá" not in header


@pytest.mark.django_db
def test_the_progress_page_shows_a_units_answer_deadline_in_the_answer_round(client, cast):
    """QA walk on a phone: the progress page named only a "Deadline" (the self-assessment's)
    and a unit asked to answer the adjustments showed no date for its answers, although the
    start page shows it."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    a = appraisal.request_explanation(a, actor=chair)
    client.force_login(cast.province_admin)
    with translation.override("vi"):
        page = client.get(reverse("reform:progress", args=[t.pk])).content.decode()
    assert "Hạn tự đánh giá:" in page
    row = next(r for r in page.split("<tr>") if cast.agency_b.name in r)
    due = timezone.localtime(a.answer_due).strftime("%H:%M %d/%m/%Y")
    assert f"Hạn trả lời {due}" in row
