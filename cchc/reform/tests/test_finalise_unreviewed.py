"""Finalising an appraisal straight from "submitted", with nothing appraised, accepted every
self score without review in one click of "Finalise the appraisal". The chair now confirms
it on a step that says how many items are accepted without review and names them (as the
confirmation of finalising without the unit's answers does)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from cchc.reform import appraisal
from cchc.reform.models import AssessmentStatus
from cchc.reform.tests.helpers import adjusted, appraisal_team, build_template, submitted

pytestmark = pytest.mark.django_db


def _confirm(page: str, anchor: str) -> str:
    part = page[page.index(anchor) :]
    return part[: part.index("</details>")]


def test_finalising_unappraised_items_says_how_many_are_accepted_without_review(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    client.force_login(chair)
    url = reverse("reform:assessment", args=[a.pk])
    page = html.unescape(client.get(url).content.decode())
    confirm = _confirm(page, 'id="finalise-unreviewed"')
    assert "2 mục chưa được thẩm định" in confirm
    assert "<strong>1.1.1</strong>" in confirm and "<strong>1.1.2</strong>" in confirm
    assert 'id="finalise"' in confirm and "chấp nhận 2 mục không qua thẩm định" in confirm
    # once an item is appraised, the count says the one left
    appraisal.appraise(a, "1.1.1", actor=chair, accept=True)
    page = html.unescape(client.get(url).content.decode())
    confirm = _confirm(page, 'id="finalise-unreviewed"')
    assert "1 mục chưa được thẩm định" in confirm and "<strong>1.1.1</strong>" not in confirm
    # the confirmed form finalises as before
    action = reverse("reform:assessment_action", args=[a.pk])
    client.post(action, {"action": "finalise"})
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINAL


def test_every_item_appraised_keeps_the_plain_finalise(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    for code in ("1.1.1", "1.1.2"):
        appraisal.appraise(a, code, actor=chair, accept=True)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert 'id="finalise"' in page and 'id="finalise-unreviewed"' not in page


def test_the_confirmation_without_answers_counts_the_unreviewed_items_too(client, cast):
    chair, a = adjusted(cast)  # 1.1.1 adjusted, 1.1.2 never appraised
    client.force_login(chair)
    page = html.unescape(client.get(reverse("reform:assessment", args=[a.pk])).content.decode())
    confirm = _confirm(page, 'id="finalise-unasked"')
    assert "1 mục chưa được thẩm định" in confirm
