"""The citizen's "My dossiers" page: the dossiers where the agency waits for the citizen's
papers are marked in the list, and the messages sent about their own dossiers can be read
again there (an e-mail lost in spam, an SMS on a lost phone), once per message, never
another person's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers import services as dossier_services
from cchc.dossiers.services import Applicant
from cchc.portal.models import Notification
from cchc.testing import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def submit(cast, user, name):
    return dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=user,
        at=at(2026, 3, 2, 8),
        applicant=Applicant(
            name=name, id_last4="2345", email="dan@example.vn", phone="0912345678", account=user
        ),
    )


@pytest.fixture
def paused(cast, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.receive(
            submit(cast, citizen, "Dân"), actor=cast.clerk_a, at=at(2026, 3, 2, 9)
        )
    with django_capture_on_commit_callbacks(execute=True):
        return dossier_services.request_supplement(
            d, actor=cast.clerk_a, reason="Thiếu bản sao sổ hộ khẩu", at=at(2026, 3, 2, 10)
        )


def test_messages_about_my_dossiers_are_listed_once_each(client, cast, citizen, paused):
    # the same text went by e-mail and by SMS
    assert Notification.objects.filter(kind="request_supplement").count() == 2
    other = UserFactory(username="other_citizen", kind="citizen")
    theirs = submit(cast, other, "Người khác")
    Notification.objects.create(
        channel="sms", recipient="0900000000", body="Tin của người khác", dossier=theirs
    )
    client.force_login(citizen)
    page = client.get(reverse("portal:my_dossiers"))
    shown = page.context["notifications"]
    bodies = [n.body for n in shown]
    assert sum("Thiếu bản sao sổ hộ khẩu" in b for b in bodies) == 1
    assert len(bodies) == len(set(bodies)) >= 2  # received, then the supplement request
    assert all(n.dossier.applicant_id == citizen.pk for n in shown)
    html = page.content.decode()
    assert "Thiếu bản sao sổ hộ khẩu" in html
    assert "Tin của người khác" not in html and "0900000000" not in html


def test_a_dossier_waiting_for_my_papers_is_marked_in_the_list(client, cast, citizen, paused):
    other = submit(cast, citizen, "Dân")
    client.force_login(citizen)
    page = client.get(reverse("portal:my_dossiers"))
    assert page.context["waiting_for_me"] == {paused.pk}
    html = page.content.decode()
    link = reverse("portal:dossier", args=[paused.code]) + "#supplement"
    assert html.count('class="badge paused"') == 1 and link in html
    assert reverse("portal:dossier", args=[other.code]) + "#supplement" not in html


def test_no_message_yet_is_said(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("portal:my_dossiers"))
    assert page.context["notifications"] == []
    assert 'id="notifications"' in page.content.decode()
