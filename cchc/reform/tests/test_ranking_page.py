"""The ranking page: the weakest criteria are named and lead to the unit's page at that
criterion; the Excel and PDF downloads keep the page's search."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cchc.reform import assessments
from cchc.reform.tests.helpers import build_template


@pytest.mark.django_db
def test_weakest_criteria_are_named_and_linked_and_downloads_keep_the_search(client, cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=2, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=5, explanation="Tự")
    assessments.submit(a, actor=cast.leader_b)
    client.force_login(cast.province_admin)
    url = reverse("reform:ranking", args=[2026])
    text = html.unescape(client.get(url, {"q": "Tư pháp"}).content.decode())
    unit = reverse("reform:unit", args=[2026, "H26.01"])
    assert f'<a href="{unit}#c-1.1">1.1 Nội dung 1.1</a>' in text
    for fmt in ("xlsx", "pdf"):
        link = re.search(rf'<a href="\?([^"]*)" id="export-{fmt}">', text)
        assert link and link.group(1) == f"q=T%C6%B0+ph%C3%A1p&format={fmt}"
    # the link's target: the criterion's row on the unit's page
    assert 'id="c-1.1"' in client.get(unit).content.decode()
