"""The tasks card of the staff home page: tasks not done, overdue and waiting to be verified,
each count the length of the task list's tab its line opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cchc.testing import client_for, work_card_counts

pytestmark = pytest.mark.django_db


def test_card_counts_what_the_task_list_shows_to_each_role(cast, client, assign):
    assign(deadline=dt.date(2026, 6, 30))  # long past: overdue
    assign(title="Số hóa hồ sơ", deadline=dt.date(2099, 6, 30))
    assign(title="Việc của đơn vị B", lead_agency=cast.agency_b, deadline=dt.date(2099, 1, 1))
    url = reverse("plans:my_work")

    unit_a = work_card_counts(client_for(cast.leader_a), url)
    assert unit_a["Chưa hoàn thành"] == 2 and unit_a["Quá hạn"] == 1
    province = work_card_counts(client_for(cast.province_admin), url)
    assert province["Chưa hoàn thành"] == 3
    assert work_card_counts(client_for(cast.inspector), url)["Chưa hoàn thành"] == 3

    assert client_for(cast.citizen).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_opened_directly_the_card_is_a_full_page_and_for_htmx_the_bare_card(cast, assign):
    """A leader who bookmarks "việc cần làm" or opens it in a new tab gets the site's page
    around the card; the home page's htmx request still gets only the card to swap in."""
    assign(deadline=dt.date(2026, 6, 30))
    url = reverse("plans:my_work")
    leader = client_for(cast.leader_a)

    page = leader.get(url).content.decode()
    assert "<html" in page and "<h1>Việc cần làm</h1>" in page
    assert 'class="work-card"' in page and "?tab=overdue" in page

    response = leader.get(url, headers={"HX-Request": "true"})
    card = response.content.decode()
    assert "<html" not in card and "<h1>" not in card
    assert card.lstrip().startswith('<article class="work-card">') and "?tab=overdue" in card
    # the two bodies of one URL are told apart by caches and the browser's history
    assert "HX-Request" in response["Vary"]
