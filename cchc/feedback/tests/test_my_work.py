"""The petitions card of the staff home page: how many petitions wait in each tab that asks
for action, each count the length of the tab its line opens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.feedback import petitions
from cchc.feedback.tests.factories import MONDAY, file
from cchc.testing import assert_card_is_a_page_when_opened_directly, client_for, work_card_counts

pytestmark = pytest.mark.django_db


def test_card_counts_what_the_queue_lists_and_only_staff_get_it(cast, client):
    summer = MONDAY.replace(month=8, day=17)  # a Monday months ago: its handling time has run out
    late = file(cast.agency_a, at=summer)
    petitions.confirm_routing(
        late,
        actor=cast.clerk_a,
        category="TTHC",
        agency=cast.agency_a,
        assignee=cast.specialist_a,
        at=summer,
    )
    file(cast.agency_a)  # still to confirm
    url = reverse("feedback:my_work")

    leader = work_card_counts(client_for(cast.leader_a), url)
    assert leader["Quá hạn"] == 1 and leader["Chờ xác nhận"] == 1
    assert work_card_counts(client_for(cast.specialist_a), url)["Giao cho tôi"] == 1
    assert work_card_counts(client_for(cast.leader_b), url)["Quá hạn"] == 0

    assert client_for(cast.citizen).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_opened_directly_the_card_is_a_full_page(cast):
    """A bookmark or a new tab on the card's address gave an unstyled fragment."""
    url = reverse("feedback:my_work")
    assert_card_is_a_page_when_opened_directly(client_for(cast.leader_a), url)
