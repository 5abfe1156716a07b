"""The staff petition page puts what a handler looks for first before the actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.calendar import LOCAL_TZ
from cchc.feedback.models import Petition, PetitionChannel
from cchc.feedback.tests.factories import file, routed


@pytest.mark.django_db
def test_the_petition_page_says_its_deadline_and_handler_before_the_actions(client, cast):
    """On a phone the side table with the deadlines came below every action and note: a
    specialist scrolled past all of them to learn when the answer was due."""
    p = routed(cast)
    client.force_login(cast.specialist_a)
    page = client.get(reverse("feedback:detail", args=[p.code])).content.decode()
    glance = page.index('id="at-a-glance"')
    assert glance < page.index("<form", page.index("<h1"))  # before the first action
    line = page[glance : page.index("</p>", glance)]
    assert p.handle_due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") in line
    assert cast.specialist_a.display_name in line and "Hạn trả lời" in line


@pytest.mark.django_db
def test_a_petition_without_name_or_contact_says_so(client, cast):
    """A petition imported from another system without a name or contact (the demo has
    them) showed an empty "Petitioner" cell: the specialist could not tell missing data from
    a page that failed, nor that calling the petitioner back was no option."""
    p = file(cast.agency_a, phone="", email="", channel=PetitionChannel.OPEN311)
    Petition.objects.filter(pk=p.pk).update(petitioner_name="")  # as the import leaves it
    client.force_login(cast.specialist_a)
    page = client.get(reverse("feedback:detail", args=[p.code])).content.decode()
    cell = page[page.index('id="petitioner"') : page.index("</td>", page.index('id="petitioner"'))]
    assert "—" in cell and "Không có số điện thoại hay e-mail" in cell
