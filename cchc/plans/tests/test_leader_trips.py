"""Small things a unit leader tripped over (domain.md §10, §11): on a phone a checklist item
without a photo read "Ảnh: —"; the task page said a bare "Quá hạn" where the task list said
"Quá hạn 302 ngày"; the progress form did not show the last reported percentage, and a lower
figure went in without a word of why."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cchc.plans import inspections, services
from cchc.plans.models import Task
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def _html(user, url: str) -> str:  # type: ignore[no-untyped-def]
    return client_for(user).get(url).content.decode()


def test_a_checklist_item_without_a_photo_leaves_its_cell_empty(cast, insp):
    # empty, the cell is left out of the card on a phone (td:empty, cards-on-phone in app.css)
    results = {i["code"]: {"result": "PASS"} for i in insp.checklist}
    inspections.record_inspection(
        insp, actor=cast.inspector, results=results, inspected_on=dt.date(2026, 5, 10)
    )
    html = _html(cast.inspector, f"/plans/kiem-tra/{insp.code}/")
    table = html.split('<table class="compact checklist cards-on-phone">')[1].split("</table>")[0]
    assert table.count('<td data-label="Ảnh"></td>') == 2
    assert "—" not in table


def test_the_task_page_and_the_list_say_overdue_in_the_same_words(cast, assign):
    today = timezone.localdate()
    late = assign(title="Rà soát thủ tục", deadline=today - dt.timedelta(days=302))
    soon = assign(title="Rà soát quy chế", deadline=today + dt.timedelta(days=3))
    listing = _html(cast.province_admin, "/plans/?tab=all")
    for task, words in ((late, "Quá hạn 302 ngày"), (soon, "Còn 3 ngày")):
        row = listing.split(task.code + "</a>")[1].split("</tr>")[0]
        page = _html(cast.province_admin, f"/plans/nhiem-vu/{task.code}/")
        badge = re.search(r'<span class="badge [^"]*"[^>]*>([^<]*)</span>', page)
        assert badge is not None
        assert badge.group(1) in row
        assert words in badge.group(1), badge.group(1)


def _progress_form(html: str) -> str:
    found = re.search(r'<form[^>]*/progress/"[^>]*>.*?</form>', html, re.S)
    assert found, "the page offers a progress report"
    return found.group(0)


def test_the_progress_form_starts_at_the_last_figure_and_asks_why_it_drops(cast, assign):
    task = assign(title="Số hoá hồ sơ")
    services.report_progress(task, actor=cast.leader_a, text="Đã số hoá một nửa", percent=60)
    leader = client_for(cast.leader_a)
    url = f"/plans/nhiem-vu/{task.code}/"
    form = _progress_form(leader.get(url).content.decode())
    assert re.search(r'<input type="number" name="percent" value="60"', form), form
    assert "thấp hơn lần báo cáo trước (60%)" in form

    # a lower figure without a reason is refused, on its field, keeping what was typed
    r = leader.post(url + "progress/", {"text": "Phải số hoá lại", "percent": "40"})
    assert r.status_code in (200, 400, 422)
    form = _progress_form(r.content.decode())
    assert "40% thấp hơn lần báo cáo trước (60%): bạn hãy ghi ngắn gọn lý do" in form
    assert "Phải số hoá lại</textarea>" in form and 'name="percent" value="40"' in form
    task.refresh_from_db()
    assert task.progress == 60

    # with a reason it is recorded, and the reason stays in the history
    r = leader.post(
        url + "progress/",
        {"text": "Phải số hoá lại", "percent": "40", "lowered_reason": "Bản quét bị mờ"},
    )
    assert r.status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert task.progress == 40
    assert "Bản quét bị mờ" in leader.get(url).content.decode()
    # going up needs no reason
    services.report_progress(task, actor=cast.leader_a, text="Xong thêm", percent=70)
