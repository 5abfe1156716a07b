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
