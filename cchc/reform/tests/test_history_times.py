"""The template history shows times in local time, d/m/Y (H:i) (QA walk B: "hạn nộp: — →
2027-01-04T02:49:20.885788")."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.actors import SYSTEM
from cchc.reform import criteria
from cchc.reform.models import TemplateEvent
from cchc.reform.tests.helpers import build_template


@pytest.mark.django_db
def test_deadline_change_reads_in_local_time():
    t = build_template()
    deadline = dt.datetime(2027, 1, 4, 2, 49, 20, 885788, tzinfo=dt.UTC)
    criteria.set_deadline(t, actor=SYSTEM, deadline=deadline)
    event = TemplateEvent.objects.filter(template=t, action="deadline").get()
    assert event.details().endswith("— → 04/01/2027 (09:49)")  # UTC+7
    # a time stored without its offset (older rows) is UTC
    event.data = {"deadline": [None, "2027-01-04T02:49:20.885788"]}
    assert event.details().endswith("— → 04/01/2027 (09:49)")
