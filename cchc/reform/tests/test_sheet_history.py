"""The scoring sheet's history is the audit trail of every score change: a sheet of 88 items
has hundreds of events, and the first change of an item must stay findable (it was cut at
the 100 newest), page by page or narrowed to the item's code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.reform import assessments
from cchc.reform.tests.helpers import build_template, history_rows


@pytest.mark.django_db
def test_every_score_change_stays_findable_in_the_sheets_history(client, cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    # the first change of 1.1.2, then 110 changes of 1.1.1 on top of it
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score="3,5")
    for i in range(110):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=str(i % 10))
    client.force_login(cast.leader_b)
    url = reverse("reform:assessment", args=[a.pk])

    first = client.get(url).content.decode()
    rows = history_rows(first)
    assert len(rows) == 100
    assert not any("3,5" in r for r in rows)
    assert 'rel="next"' in first
    # the next page opens at the history, low on a long page, not at the top of the sheet
    assert 'href="?page=2#history-title" rel="next"' in first

    # the older events on the next page: the first change of 1.1.2 and the opening
    second = history_rows(client.get(url, {"page": 2}).content.decode())
    assert any("1.1.2" in r and "3,5" in r for r in second)
    assert len(second) == 12  # 1 open + 1 + 110 events = 112

    # narrowed to one item's code: only its changes, the oldest included
    only = client.get(url, {"code": "1.1.2"}).content.decode()
    rows = history_rows(only)
    assert len(rows) == 1 and "3,5" in rows[0]
    assert "Lịch sử: 1.1.2" in only or "1.1.2</h2>" in only
    # each item of the sheet links to its own history
    assert 'href="?code=1.1.2#history-title"' in first
