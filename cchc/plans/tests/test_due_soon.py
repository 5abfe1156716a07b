"""Tasks due soon (domain.md §10: reminders 7, 3, 1 days before and on the deadline): the task
list has a tab of the tasks whose reminders have begun, each saying how many days are left, and
the staff home page's card counts them, so a unit plans its week before a task goes overdue."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.plans import services
from cchc.testing import client_for, work_card_counts

pytestmark = pytest.mark.django_db


def _row(page: str, code: str) -> str:
    match = re.search(rf"<tr><td><a [^>]*>{re.escape(code)}</a>.*?</tr>", page, re.S)
    assert match, code
    return match.group(0)


def test_due_soon_tab_lists_the_tasks_whose_reminders_have_begun(cast, assign):
    day = timezone.localdate()  # the day the list is read (the views' today)

    def due(days: int, title: str, **kw):  # type: ignore[no-untyped-def]
        return assign(
            title=title,
            assigned_on=day - dt.timedelta(days=30),
            deadline=day + dt.timedelta(days=days),
            **kw,
        )

    in_three_days = due(3, "Báo cáo quý II")
    today = due(0, "Báo cáo tháng 6")
    last_reminder_day = due(7, "Niêm yết thủ tục mới")
    later = due(8, "Số hóa hồ sơ")
    overdue = due(-1, "Rà soát quy chế")
    done = due(2, "Báo cáo đã gửi")
    services.complete(done, actor=cast.leader_a, result="Đã gửi báo cáo")
    other_unit = due(1, "Việc của đơn vị B", lead_agency=cast.agency_b)

    leader = client_for(cast.leader_a)
    page = leader.get("/plans/?tab=due_soon").content.decode()
    assert "Sắp đến hạn" in page
    for task in (later, overdue, done, other_unit):
        assert f">{task.code}</a>" not in page, task.title
    assert "Còn 3 ngày đến hạn" in _row(page, in_three_days.code)
    assert "Đến hạn hôm nay" in _row(page, today.code)
    assert "Còn 7 ngày đến hạn" in _row(page, last_reminder_day.code)
    # the "not done" tab says the same of the same task
    assert "Còn 3 ngày đến hạn" in _row(leader.get("/plans/").content.decode(), in_three_days.code)

    url = reverse("plans:my_work")
    assert work_card_counts(leader, url)["Sắp đến hạn"] == 3
    assert work_card_counts(client_for(cast.province_admin), url)["Sắp đến hạn"] == 4
