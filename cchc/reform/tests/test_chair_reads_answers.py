"""Once the unit has answered the adjustments, the chair of its appraisal team reads the
answers at the top of the sheet, item by item (the answer, or that the unit accepted the
adjustment), with the button to finalise next to them: the answers were only in the rows of
an 88-item sheet and "Finalise" under its last row, so the chair scrolled the whole sheet
(88 cards on a phone) to find both."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from cchc.reform import appraisal
from cchc.reform.models import AssessmentStatus
from cchc.reform.tests.helpers import adjusted

pytestmark = pytest.mark.django_db


def test_the_chair_reads_the_answers_and_finalises_from_the_top(client, cast):
    chair, a = adjusted(cast)
    appraisal.appraise(a, "1.1.2", actor=chair, score=15, comment="Số liệu chưa khớp")
    appraisal.request_explanation(a, actor=chair)
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã có Quyết định số 5"})
    client.force_login(chair)
    page = html.unescape(client.get(reverse("reform:assessment", args=[a.pk])).content.decode())
    sheet = page.index('id="sheet"')
    panel = page[page.index('id="unit-answers"') : sheet]
    first, second = panel.index("1.1.1"), panel.index("1.1.2")
    assert first < second
    assert "Đã có Quyết định số 5" in panel[first:second]
    assert "Thiếu văn bản" in panel[first:second]
    assert "Đơn vị đồng ý với điều chỉnh này" in panel[second:]
    assert 'href="#n-1.1.2"' in panel
    # the finalise button is in the panel, above the sheet, and finalises
    assert 'value="finalise"' in panel
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]), {"action": "finalise"}, follow=True
    )
    assert r.status_code == 200
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINAL


def test_the_unit_and_other_readers_get_no_chair_panel(client, cast):
    chair, a = adjusted(cast)
    appraisal.request_explanation(a, actor=chair)
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã có Quyết định số 5"})
    client.force_login(cast.leader_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert 'id="unit-answers"' not in page
