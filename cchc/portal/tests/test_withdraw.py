"""The citizen withdraws their own online dossier from its status page (status 7, Decree
61/2018's "công dân yêu cầu rút hồ sơ"): before, the page offered no way to do it and the
citizen had to go to the counter. Only the applicant signed in, only while the agency may still
stop it; an empty reason is refused with what was typed kept and the dossier untouched."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, Status
from cchc.testing import UserFactory

from .conftest import citizens_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(cast, citizen):
    """The citizen's dossier submitted online, not yet received at the counter."""
    return citizens_dossier(cast, citizen)


def url(dossier: Dossier) -> str:
    return reverse("portal:dossier", args=[dossier.code])


def test_the_applicant_withdraws_a_waiting_dossier(client, citizen, waiting):
    client.force_login(citizen)
    page = client.get(url(waiting))
    assert b'id="withdraw"' in page.content
    answer = client.post(url(waiting), {"withdraw": "1", "reason": "Đã nộp nhầm thủ tục"})
    assert answer.status_code == 302 and answer["Location"] == url(waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.WITHDRAWN
    event = waiting.events.get(action="withdraw")
    assert event.note == "Đã nộp nhầm thủ tục" and event.actor_id == citizen.pk
    after = client.get(url(waiting))
    assert "Hồ sơ đã được rút" in after.content.decode()
    assert b'id="withdraw"' not in after.content  # withdrawn once: nothing left to offer


def test_an_empty_reason_is_refused_in_vietnamese_and_nothing_changes(client, citizen, waiting):
    client.force_login(citizen)
    answer = client.post(url(waiting), {"withdraw": "1", "reason": "   "})
    assert answer.status_code == 400
    assert "Vui lòng cho biết lý do rút hồ sơ." in answer.content.decode()
    assert b"<details open" in answer.content  # the form is shown, not folded away
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED
    assert not waiting.events.filter(action="withdraw").exists()


def test_the_typed_reason_is_kept_when_refused(client, citizen, waiting):
    client.force_login(citizen)
    long = "x" * 4001
    answer = client.post(url(waiting), {"withdraw": "1", "reason": long})
    assert answer.status_code == 400
    assert long in answer.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED


def test_not_offered_once_returned(client, citizen, returned):
    client.force_login(citizen)
    assert b'id="withdraw"' not in client.get(url(returned)).content
    answer = client.post(url(returned), {"withdraw": "1", "reason": "muộn"})
    returned.refresh_from_db()
    assert returned.status == Status.RETURNED
    assert answer.status_code in (200, 400)


def test_only_the_applicant_may_withdraw(client, cast, citizen, waiting):
    """Someone who proved the code at the look-up sees the status, not the withdraw form."""
    other = UserFactory(kind=type(citizen).Kind.CITIZEN)
    client.force_login(other)
    session = client.session
    session["portal_lookups"] = [waiting.code]
    session.save()
    page = client.get(url(waiting))
    assert b'id="withdraw"' not in page.content
    client.post(url(waiting), {"withdraw": "1", "reason": "không phải của tôi"})
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED


def test_a_paused_dossier_can_be_withdrawn_too(client, cast, citizen, waiting):
    d = services.receive(waiting, actor=cast.clerk_a)
    d = services.request_supplement(d, actor=cast.clerk_a, reason="Thiếu giấy tờ cư trú")
    client.force_login(citizen)
    page = client.get(url(d)).content.decode()
    assert 'id="supplement"' in page and 'id="withdraw"' in page
    client.post(url(d), {"withdraw": "1", "reason": "Không còn cần"})
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
