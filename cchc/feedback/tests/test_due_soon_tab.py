"""The queue's "due soon" tab counts working days, as the deadlines do (domain §8). It took
three calendar days: on a Friday it reached Monday morning only, so a petition due on Tuesday
showed no warning until it was nearly late."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import MONDAY, routed

FRIDAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=LOCAL_TZ)  # no holiday in the week after


def _due(cast, day: int):  # type: ignore[no-untyped-def]
    """A routed petition of agency A whose answer falls due at 16:00 on December `day`."""
    p = routed(cast, at=MONDAY)
    due = dt.datetime(2026, 12, day, 16, 0, tzinfo=LOCAL_TZ)
    Petition.objects.filter(pk=p.pk).update(handle_due_at=due)  # the deadline, set for the test
    return p


@pytest.mark.django_db
def test_due_soon_on_a_friday_reaches_the_third_working_day(client, cast, monkeypatch):
    monday, tuesday, wednesday, thursday = (_due(cast, d) for d in (7, 8, 9, 10))
    monkeypatch.setattr("django.utils.timezone.now", lambda: FRIDAY)
    client.force_login(cast.leader_a)
    resp = client.get("/feedback/staff/", {"tab": "due_soon"})
    shown = {p.pk for p in resp.context["page"]}
    assert shown == {monday.pk, tuesday.pk, wednesday.pk}  # Mon, Tue, Wed; not Thursday
    assert thursday.pk not in shown
    counts = {t: n for t, _label, n in resp.context["tabs"]}
    assert counts["due_soon"] == 3
    assert "3 ngày làm việc" in resp.content.decode()  # the tab says which days it counts
