"""The task list as a province leader reads it (walk of §10): done late is not done on time."""

import datetime as dt
import re

import pytest

from cchc.plans import services
from cchc.plans.models import Task
from cchc.plans.tests.stories import complete_corrective_task
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


def _row(page: str, code: str) -> str:
    match = re.search(rf"<tr><td><a [^>]*>{re.escape(code)}</a>.*?</tr>", page, re.S)
    assert match, code
    return match.group(0)


def test_done_tab_tells_done_late_from_done_on_time(cast, assign, freezer):
    late = assign(title="Báo cáo quý I", deadline=D(2026, 3, 31))
    on_time = assign(title="Báo cáo năm", deadline=D(2026, 6, 30))
    freezer.move_to("2026-04-10")
    for task in (late, on_time):
        services.complete(task, actor=cast.leader_a, result="Đã gửi báo cáo")
    page = client_for(cast.province_admin).get("/plans/?tab=done").content.decode()
    late_row, on_time_row = _row(page, late.code), _row(page, on_time.code)
    # the deadline stays visible beside the completion day, and the late one is marked late
    assert "31/03/2026" in late_row and 'class="badge late"' in late_row
    assert "trễ 10 ngày" in late_row and "10/04/2026" in late_row
    assert 'class="badge ontime"' in on_time_row and "Hoàn thành đúng hạn" in on_time_row
    assert "trễ" not in on_time_row


def test_final_steps_ask_for_confirmation(cast, assign, insp, freezer):
    """Verifying a result, deciding an extension, concluding an inspection and closing a
    finding cannot be undone: each button asks first (static/cchc/ui.js: data-confirm)."""
    from cchc.plans import inspections as isvc

    freezer.move_to("2026-05-10")
    done = assign(title="Báo cáo quý II")
    services.complete(done, actor=cast.leader_a, result="Đã gửi báo cáo")
    pending = assign(title="Số hóa hồ sơ")
    services.request_extension(
        pending, actor=cast.leader_a, new_deadline=D(2026, 9, 30), reason="Chờ kinh phí"
    )
    admin = client_for(cast.province_admin)
    page = admin.get(f"/plans/nhiem-vu/{done.code}/").content.decode()
    assert re.search(r'<button id="verify" data-confirm="[^"]*không thể', page)
    page = admin.get(f"/plans/nhiem-vu/{pending.code}/").content.decode()
    assert re.search(r'value="1" data-confirm="Duyệt gia hạn đến 30/09/2026\?', page)
    assert re.search(r'value="0" class="secondary" data-confirm="Không duyệt gia hạn\?', page)

    isvc.record_inspection(
        insp,
        actor=cast.inspector,
        results={item["code"]: {"result": "PASS"} for item in insp.checklist},
    )
    finding = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="LOW", description="Sổ theo dõi ghi thiếu"
    )
    page = client_for(cast.inspector).get(f"/plans/kiem-tra/{insp.code}/").content.decode()
    assert re.search(r'<button id="conclude" data-confirm="[^"]*không thể', page)
    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục trong 15 ngày")
    # the close button comes with the unit's remediation report
    finding.refresh_from_db()
    complete_corrective_task(
        finding,
        actor=cast.leader_a,
        result="Đã bổ sung sổ theo dõi",
        evidence_link="https://example.vn/so-theo-doi",
    )
    page = client_for(cast.inspector).get(f"/plans/kiem-tra/{insp.code}/").content.decode()
    assert re.search(rf'reinspect-close" data-confirm="[^"]*{finding.code}[^"]*không thể', page)


def test_task_list_exports_its_filtered_rows_to_excel(cast, assign, freezer):
    import io

    from openpyxl import load_workbook

    freezer.move_to("2026-04-10")
    late = assign(title="Báo cáo quý I", deadline=D(2026, 3, 31))
    services.complete(late, actor=cast.leader_a, result="Đã gửi")
    assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1))
    assign(title="Báo cáo năm", lead_agency=cast.agency_b, deadline=D(2026, 12, 31))
    admin = client_for(cast.province_admin)
    page = admin.get("/plans/?tab=all&q=bao+cao&page=1").content.decode()
    assert 'href="/plans/nhiem-vu.xlsx?tab=all&amp;q=bao+cao"' in page

    r = admin.get("/plans/nhiem-vu.xlsx?tab=all&q=bao+cao")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Tiêu đề", "Đơn vị chủ trì")
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {late.code, Task.objects.get(title="Báo cáo năm").code}
    row = by_code[late.code]
    assert row[5].date() == D(2026, 3, 31) and row[6].date() == D(2026, 4, 10)
    assert row[7] == "Hoàn thành quá hạn" and row[8] == 10
    assert ws.cell(row=2, column=6).number_format == "DD/MM/YYYY"

    # the same rows a person may see on the list: unit A's staff get unit A's tasks only
    ws = load_workbook(
        io.BytesIO(client_for(cast.leader_a).get("/plans/nhiem-vu.xlsx?tab=all").content)
    ).active
    assert {row[2] for row in list(ws.iter_rows(values_only=True))[1:]} == {cast.agency_a.name}
    assert client_for(cast.citizen).get("/plans/nhiem-vu.xlsx").status_code == 403


def test_emulation_page_shows_each_units_overdue_tasks(cast, assign):
    """A leader watching overdue tasks per unit reads them on the ranking page (the Excel
    file had them, the page did not)."""
    assign(title="Báo cáo 6 tháng", assigned_on=D(2025, 2, 1), deadline=D(2025, 6, 30))
    assign(title="Số hóa hồ sơ", assigned_on=D(2025, 2, 1), deadline=D(2025, 9, 30))
    assign(
        title="Báo cáo năm",
        lead_agency=cast.agency_b,
        assigned_on=D(2025, 2, 1),
        deadline=D(2026, 3, 31),
    )
    page = client_for(cast.province_admin).get("/plans/thi-dua/?year=2025").content.decode()
    assert "<th>Quá hạn</th>" in page and "31/12/2025" in page

    def overdue_cell(name: str) -> str:
        match = re.search(rf">{re.escape(name)}</a></td><td[^>]*>\d+</td><td[^>]*>(.*?)</td>", page)
        assert match, name
        return match.group(1)

    assert overdue_cell(cast.agency_a.name) == '<span class="badge late">2</span>'
    assert overdue_cell(cast.agency_b.name) == "0"


def test_task_list_filters_by_lead_unit_chosen_by_name(cast, assign):
    a = assign(title="Báo cáo quý I")
    b = assign(title="Báo cáo năm", lead_agency=cast.agency_b)
    admin = client_for(cast.province_admin)
    page = admin.get("/plans/?tab=all").content.decode()
    assert f'<option value="{cast.agency_b.code}">{cast.agency_b.name}</option>' in page
    page = admin.get(f"/plans/?tab=all&agency={cast.agency_b.code}").content.decode()
    assert f'<option value="{cast.agency_b.code}" selected>' in page
    assert b.code in page and a.code not in page
    # unit A's staff are offered only the units of the tasks they see
    page = client_for(cast.leader_a).get("/plans/?tab=all").content.decode()
    assert f'value="{cast.agency_a.code}"' in page and f'value="{cast.agency_b.code}"' not in page


def test_assigner_gives_a_reason_with_an_extension_decision_and_remarks_on_verifying(
    cast, assign, freezer
):
    """Refusing an extension without saying why left the unit guessing: the decision form
    takes a reason, shown beside the decision and in the history; verifying takes remarks."""
    freezer.move_to("2026-05-10")
    task = assign(title="Số hóa hồ sơ")
    ext = services.request_extension(
        task, actor=cast.leader_a, new_deadline=D(2026, 9, 30), reason="Chờ kinh phí"
    )
    admin = client_for(cast.province_admin)
    page = admin.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    decide_form = re.search(r'<form[^>]*/decide/".*?</form>', page, re.S)
    assert decide_form and 'name="note"' in decide_form.group(0)
    # "Refuse" here is a decision on an extension, not the one-stop refusal of a dossier
    assert ">Không duyệt</button>" in decide_form.group(0)
    assert "Từ chối tiếp nhận" not in decide_form.group(0)
    admin.post(
        f"/plans/nhiem-vu/{task.code}/decide/",
        {"extension": ext.pk, "approve": "0", "note": "Đã có kinh phí từ quý II"},
    )
    page = client_for(cast.leader_a).get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    assert '<small class="decision-note">Đã có kinh phí từ quý II</small>' in page

    services.complete(task, actor=cast.leader_a, result="Đã số hóa")
    page = admin.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    verify_form = re.search(r'<form[^>]*/verify/".*?</form>', page, re.S)
    assert verify_form and 'name="note"' in verify_form.group(0)
    admin.post(f"/plans/nhiem-vu/{task.code}/verify/", {"note": "Kết quả đạt yêu cầu"})
    task.refresh_from_db()
    assert task.status == "VERIFIED"
    assert task.events.filter(action="verify", note="Kết quả đạt yêu cầu").exists()
