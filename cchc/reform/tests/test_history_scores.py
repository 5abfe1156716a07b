"""A sheet's history writes scores as the sheet does (QA, second pass: the sheet showed
"1,00" and "0,60" while its history read "— → 1" and "0,6"). The log keeps its data as
stored (a hash-chained record): only the page's writing changes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.reform import appraisal
from cchc.reform.models import ReformEvent
from cchc.reform.tests.helpers import (
    appraisal_team,
    build_template,
    history_rows,
    scored_and_submitted,
)


@pytest.mark.django_db
def test_the_history_writes_scores_with_the_sheets_two_decimals(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, first=1)
    appraisal.appraise(a, "1.1.1", actor=chair, score="0,6", comment="Thiếu văn bản")

    # the stored data is unchanged: a decimal point, no trailing zeros
    scored = ReformEvent.objects.get(assessment=a, action="self_score", node_code="1.1.1")
    assert scored.data["from"] is None and scored.data["to"] == "1"
    adjusted = ReformEvent.objects.get(assessment=a, action="adjust", node_code="1.1.1")
    assert adjusted.data == {"self": "1", "from": None, "to": "0.6"}

    client.force_login(cast.leader_b)
    with translation.override("vi"):
        page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    sheet = page.split('id="sheet"', 1)[1].split("</table>", 1)[0]
    assert "1,00" in sheet and "0,60" in sheet  # the sheet's own writing
    rows = [r for r in history_rows(page) if "1.1.1" in r]
    assert any("— → 1,00" in r for r in rows), rows
    assert any("— → 0,60" in r for r in rows), rows
    assert not any(re.search(r"→ (1|0,6)(?![\d,])", r) for r in rows), rows

    with translation.override("en"):
        assert scored.details().startswith("— → 1.00")
        assert adjusted.details().startswith("— → 0.60")
