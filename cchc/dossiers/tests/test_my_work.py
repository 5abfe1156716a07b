"""The one-stop card of the staff home page: how many dossiers wait in each queue that asks
for action, each count the length of the queue its line opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers import services
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import assert_card_is_a_page_when_opened_directly, client_for, work_card_counts

pytestmark = pytest.mark.django_db


def test_card_counts_what_the_queues_list_and_only_staff_get_it(cast, client):
    now = timezone.now()
    counter_dossier(cast, at=now - dt.timedelta(days=1))
    late = counter_dossier(cast, at=now - dt.timedelta(days=60))
    services.assign(late, actor=cast.leader_a, assignee=cast.specialist_a)
    url = reverse("dossiers:my_work")

    clerk = work_card_counts(client_for(cast.clerk_a), url)
    assert clerk["Quá hạn"] == 1 and clerk["Giao cho tôi"] == 0
    specialist = work_card_counts(client_for(cast.specialist_a), url)
    assert specialist["Giao cho tôi"] == 1
    assert work_card_counts(client_for(cast.clerk_b), url)["Quá hạn"] == 0

    assert client_for(cast.citizen).get(url).status_code == 403
    assert client.get(url).status_code == 302  # to sign in


def test_finished_dossiers_wait_in_the_clerks_return_queue(cast, client):
    d = counter_dossier(cast)
    d = services.finish(d, actor=cast.specialist_a, note="Quyết định số 12/QĐ")
    counter_dossier(cast)  # still being processed: not in the queue
    clerk = client_for(cast.clerk_a)
    card = work_card_counts(clerk, reverse("dossiers:my_work"))
    assert card["Đã xử lý xong, chờ trả kết quả"] == 1
    page = clerk.get(reverse("dossiers:queue"), {"queue": "to_return"}).content.decode()
    assert d.code in page and "Đã xử lý xong, chờ trả kết quả" in page
    assert (
        work_card_counts(client_for(cast.clerk_b), reverse("dossiers:my_work"))[
            "Đã xử lý xong, chờ trả kết quả"
        ]
        == 0
    )


def test_opened_directly_the_card_is_a_full_page(cast):
    """A bookmark or a new tab on the card's address gave an unstyled fragment."""
    url = reverse("dossiers:my_work")
    assert_card_is_a_page_when_opened_directly(client_for(cast.clerk_a), url)
