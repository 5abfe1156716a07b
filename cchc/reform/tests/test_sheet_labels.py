"""On the scoring sheet a score field sits in its column ("Self score", "Appraised score"), whose
heading the phone's card repeats above it (data-label): the field's own label "Self score
1.1.1" said it a second time right under it. It stays for screen readers only, naming the
item."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.reform import appraisal, assessments
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted

pytestmark = pytest.mark.django_db


def _label(page: str, field_id: str) -> str:
    found = re.search(rf'<label for="{re.escape(field_id)}"([^>]*)>([^<]*)<', page)
    assert found is not None, field_id
    return found.group(1) + "|" + found.group(2)


def test_the_self_score_label_is_for_screen_readers_only(client, cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.leader_b)
    client.force_login(cast.leader_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    attrs, text = _label(page, "sc-1.1.1-score").split("|")
    assert 'class="visually-hidden"' in attrs
    assert "1.1.1" in text  # a screen reader still hears which item's score it is
    assert 'data-label="Điểm tự chấm"' in page  # the card's heading says it once


def test_the_appraised_score_label_is_for_screen_readers_only(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.2", actor=chair, accept=True)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    attrs, text = _label(page, "ap-1.1.1-score").split("|")
    assert 'class="visually-hidden"' in attrs and "1.1.1" in text
