"""An apology (form 04) is issued before the due date (domain.md §3, Decree 118/2025): on an
overdue dossier the leader is not offered it, and the page says why."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db


def test_overdue_dossier_tells_the_leader_why_there_is_no_apology(client, cast):
    d = counter_dossier(cast, at=dt.datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ))
    client.force_login(cast.leader_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' not in page
    assert 'id="withheld-apologize"' in page
    assert "phải được ban hành trước ngày hết hạn" in page
    assert "09:00 05/03/2026" in page


def test_before_the_due_date_the_apology_is_offered_without_the_note(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.leader_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' in page and 'id="withheld-apologize"' not in page


def test_a_clerk_is_not_told_about_a_leader_action(client, cast):
    d = counter_dossier(cast, at=dt.datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ))
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="withheld-apologize"' not in page
