"""On a 390 px phone the inspector reaches what an inspection asks of them: the list's findings
and remediation columns and a finding's re-inspection buttons are on the screen, not scrolled
out of a table wider than the phone."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.plans import inspections as isvc
from cchc.plans.tests.stories import complete_corrective_task
from cchc.testing import sign_in

D = dt.date


def _inside_the_screen(page, locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspector_on_a_phone_sees_remediation_and_reinspects(browser_page, cast):
    insp = isvc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=D(2026, 5, 10),
        checklist=["Niêm yết TTHC"],
    )
    results = {item["code"]: {"result": "FAIL"} for item in insp.checklist}
    isvc.record_inspection(insp, actor=cast.inspector, results=results, inspected_on=D(2026, 5, 10))
    finding = isvc.raise_finding(
        actor=cast.inspector,
        inspection=insp,
        severity="MEDIUM",
        description="Chưa niêm yết đầy đủ thủ tục hành chính mới công bố tại bộ phận một cửa",
        responsible_person="Công chức bộ phận một cửa",
        found_on=D(2026, 5, 10),
    )
    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục trong 15 ngày")
    finding.refresh_from_db()
    complete_corrective_task(
        finding,
        actor=cast.leader_a,
        result="Đã niêm yết",
        files=[SimpleUploadedFile("anh.pdf", b"%PDF-1.4", content_type="application/pdf")],
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.inspector)
    page.goto(f"{page.base_url}/plans/kiem-tra/")
    remediation = page.locator("table.inspection-list td[data-label='Tình hình khắc phục']").first
    assert _inside_the_screen(page, remediation)
    page.shot("list")
    page.goto(f"{page.base_url}/plans/kiem-tra/{insp.code}/")
    # (not scrolled into view: that would scroll a wide table sideways and hide the fault)
    close = page.locator("button.reinspect-close")
    assert _inside_the_screen(page, close)
    page.shot("detail")
