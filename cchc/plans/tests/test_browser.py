"""End to end in Chromium: Home Affairs assigns a task, the unit acknowledges, reports progress
and completes it with evidence, Home Affairs verifies; an inspection from plan to
re-inspection, its finding closed on the corrective task's evidence."""

import datetime as dt

import pytest

from cchc.plans.inspection_models import Finding, Inspection
from cchc.plans.models import Task
from cchc.testing import sign_in

D = dt.date


def answer_next_question(page, agree: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer the next confirmation (data-confirm) the page asks; the question is kept."""
    asked: list[str] = []

    def answer(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if agree else dialog.dismiss()

    page.once("dialog", answer)
    return asked


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_assign_update_complete_verify_a_task(browser_page, cast):
    page = browser_page
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/plans/nhiem-vu/moi/")
    page.fill("#id_title", "Rà soát, đơn giản hóa TTHC lĩnh vực hộ tịch")
    page.select_option("#id_source_kind", "CONCLUSION")
    page.fill("#id_source_document", "TB 45/TB-VP")
    page.select_option("#id_lead_agency", label=cast.agency_a.name)
    page.fill("#id_assigned_on", "2026-11-01")
    page.fill("#id_deadline", "2027-01-31")
    page.shot("form")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Đã giao nhiệm vụ")
    task = Task.objects.get()

    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/plans/nhiem-vu/{task.code}/")
    page.click("#acknowledge")
    page.wait_for_selector("text=Đã tiếp nhận")
    page.fill("#id_text", "Đã rà soát 12/20 thủ tục")
    page.fill("#id_percent", "60")
    page.click("#report-progress")
    page.wait_for_selector("#progress-value:has-text('60%')")
    page.click("summary:has-text('Báo cáo hoàn thành')")
    page.fill("#id_result", "Đã trình UBND tỉnh phương án đơn giản hóa")
    page.set_input_files(
        "form[action$='/complete/'] input[type=file]",
        files=[
            {"name": "phuong-an.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}
        ],
    )
    page.click("#complete")
    page.wait_for_selector("text=Đã hoàn thành, chờ xác nhận")
    page.shot("completed")

    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/plans/nhiem-vu/{task.code}/")
    # verifying is final: the button asks first, and saying no leaves the task as it was
    asked = answer_next_question(page, agree=False)
    page.click("#verify")
    assert asked and "không thể thay đổi" in asked[0]
    task.refresh_from_db()
    assert task.status == "SUBMITTED"
    asked = answer_next_question(page, agree=True)
    page.click("#verify")
    page.wait_for_selector("text=Đã xác nhận")
    assert asked
    task.refresh_from_db()
    assert task.status == "VERIFIED" and task.files.count() == 1
    assert list(task.events.values_list("action", flat=True)) == [
        "assign",
        "acknowledge",
        "progress",
        "complete",
        "verify",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspection_from_plan_to_reinspection(browser_page, cast):
    page = browser_page
    sign_in(page, cast.inspector)
    page.goto(f"{page.base_url}/plans/kiem-tra/ke-hoach/moi/")
    page.fill("#id_code", "KH-KT-2026")
    page.fill("#id_year", "2026")
    page.fill("#id_title", "Kiểm tra công vụ năm 2026")
    page.fill("#id_checklist", "Niêm yết công khai TTHC\nSổ theo dõi hồ sơ")
    with page.expect_navigation():  # the plan is saved before the next page is opened
        page.click("button[type=submit]")
    page.goto(f"{page.base_url}/plans/kiem-tra/moi/")
    page.select_option("#id_agency", label=cast.agency_a.name)
    page.fill("#id_scheduled_on", "2026-11-20")
    page.select_option("#id_plan", index=1)
    page.click("button[type=submit]")
    page.wait_for_selector("#record")
    code = Inspection.objects.get().code
    page.select_option("select[name=result_C01]", "FAIL")
    page.fill("input[name=note_C01]", "Thiếu 3 TTHC mới")
    page.select_option("select[name=result_C02]", "PASS")
    page.click("#record")
    page.wait_for_selector("text=Đã kiểm tra")
    page.click("summary:has-text('Ghi nhận tồn tại')")
    page.select_option("#id_severity", "MEDIUM")
    page.fill("#id_description", "Chưa niêm yết đủ TTHC")
    page.fill("#id_responsible_person", "Công chức một cửa")
    page.click("#add-finding")
    page.click("summary:has-text('Kết luận')")
    page.fill("#id_conclusion", "Yêu cầu khắc phục trong 15 ngày")
    asked = answer_next_question(page, agree=True)
    page.click("#conclude")
    page.wait_for_selector("text=Đã thông báo kết luận")
    assert asked and "không thể sửa đổi" in asked[0]
    finding = Finding.objects.get()
    task = finding.corrective_task
    concluded_on = Inspection.objects.get().concluded_on
    assert task is not None and concluded_on is not None
    assert task.deadline == concluded_on + dt.timedelta(days=15)

    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/plans/nhiem-vu/{task.code}/")
    page.click("summary:has-text('Báo cáo hoàn thành')")
    page.fill("#id_result", "Đã niêm yết đủ")
    page.fill("#id_evidence_link", "https://example.vn/anh-niem-yet")
    page.click("#complete")
    page.wait_for_selector("text=Đã hoàn thành, chờ xác nhận")

    sign_in(page, cast.inspector)
    page.goto(f"{page.base_url}/plans/kiem-tra/{code}/")
    asked = answer_next_question(page, agree=True)
    page.click(".reinspect-close")
    page.wait_for_selector("#inspection-status:has-text('Đã kiểm tra lại')")
    assert asked and finding.code in asked[0]
    page.shot("reinspected")
    finding.refresh_from_db()
    task.refresh_from_db()
    assert finding.status == "CLOSED" and task.status == "VERIFIED"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_overdue_list_on_a_phone_shows_each_deadline(browser_page, cast, assign):
    """A leader checking overdue tasks on a phone (390 px) sees every task's deadline and
    its overdue mark without scrolling sideways."""
    for n in range(3):
        assign(
            title=f"Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực số {n}",
            source_document="TB 45/TB-VP",
            assigned_on=D(2025, 1, 15),
            deadline=D(2025, 6, 30),
        )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/plans/?tab=overdue")
    badges = page.locator("table .badge.late")
    assert badges.count() == 3
    for i in range(3):
        box = badges.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the search box and the unit list keep a usable width (not squeezed into one row)
    for field in ("input[name=q]", "select[name=agency]"):
        box = page.locator(field).bounding_box()
        assert box is not None and box["width"] >= 200, (field, box)
    page.shot("overdue-phone")
