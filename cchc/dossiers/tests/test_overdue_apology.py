"""An apology (form 04) is owed on an overdue dossier too (domain.md §3, Decree 118/2025 asks
for it before the due date; after it the dossier is late but the applicant is still owed the
apology and a new date): the leader is offered it, told it is late, and the new date must
still be in the future and in working time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cchc.catalogue.models import TimeUnit
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.dossiers import services
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_views import post_action

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def test_an_overdue_dossier_offers_the_leader_the_apology_and_says_it_is_late(client, cast):
    d = counter_dossier(cast, at=at(2026, 3, 2))  # due 09:00 05/03/2026, long past
    client.force_login(cast.leader_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' in page
    assert 'id="withheld-apologize"' not in page
    assert "09:00 05/03/2026" in page and "vẫn phải gửi" in page


def test_before_the_due_date_the_apology_is_offered_without_the_late_note(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.leader_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' in page and "vẫn phải gửi" not in page


def test_a_clerk_is_not_offered_the_leaders_apology(client, cast):
    d = counter_dossier(cast, at=at(2026, 3, 2))
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' not in page


def test_the_leader_apologises_after_the_due_date_through_the_page(client, cast):
    d = counter_dossier(cast, at=at(2026, 3, 2))
    client.force_login(cast.leader_a)
    new = (
        services.calendar_for(cast.agency_a.province_code)
        .due(timezone.now(), 3, TimeUnit.WORKING_DAY)
        .due_at.astimezone(LOCAL_TZ)
    )
    r = post_action(
        client,
        d,
        "apologize",
        {"reason": "Cần xác minh thực địa", "new_appointment_at": new.strftime("%Y-%m-%dT%H:%M")},
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    d.refresh_from_db()
    assert d.apology_count == 1 and d.appointment_at == new.replace(second=0, microsecond=0)
    assert d.initial_appointment_at == at(2026, 3, 5)  # the index still judges against it


def test_after_the_due_date_the_new_date_must_be_in_the_future(cast):
    d = counter_dossier(cast, at=at(2026, 3, 2))  # due 5/3 09:00
    # later than the missed appointment, in working time, but before the apology itself
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        services.apologize(
            d,
            actor=cast.leader_a,
            reason="Chậm",
            new_appointment_at=at(2026, 3, 9),
            at=at(2026, 3, 10),
        )
    assert refused.value.field == "new_appointment_at"
    assert "trong tương lai" in str(refused.value.message)
    d = services.apologize(
        d,
        actor=cast.leader_a,
        reason="Chậm",
        new_appointment_at=at(2026, 3, 12),
        at=at(2026, 3, 10),
    )
    assert (d.apology_count, d.appointment_at, d.due_at) == (1, at(2026, 3, 12), at(2026, 3, 12))


def test_after_the_due_date_the_new_date_must_still_be_in_working_time(cast):
    d = counter_dossier(cast, at=at(2026, 3, 2))
    with pytest.raises(ValidationFailed) as refused:
        services.apologize(
            d,
            actor=cast.leader_a,
            reason="Chậm",
            new_appointment_at=at(2026, 3, 15, 10),  # a Sunday
            at=at(2026, 3, 10),
        )
    assert refused.value.field == "new_appointment_at"


def test_the_specialist_is_not_offered_the_apology(client, cast):
    """The apology is signed by the unit's leader (form 04): the specialist drafts the reason
    but does not issue it."""
    d = counter_dossier(cast)
    client.force_login(cast.specialist_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="form-apologize"' not in page
