"""On a 390 px phone a task's page shows all of each extension and each step of its history:
the assigner reaches the note and the approve/refuse buttons of a pending extension, and the
unit reads what each progress report said, instead of columns cut off at the right edge."""

import datetime as dt

import pytest

from cchc.plans import services
from cchc.testing import sign_in


def _inside_the_screen(locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_assigner_on_a_phone_decides_an_extension_and_reads_the_history(browser_page, cast):
    today = services.today()
    task = services.assign_task(
        actor=cast.province_admin,
        title="Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch",
        source_document="KH 12/KH-UBND",
        lead_agency=cast.agency_a,
        assigned_on=today,
        deadline=today + dt.timedelta(days=30),
    )
    services.report_progress(
        task,
        actor=cast.leader_a,
        text="Đã rà soát 12 trên 20 thủ tục, đang chờ ý kiến của Sở Tư pháp về các thủ tục còn lại",
        percent=60,
    )
    services.request_extension(
        task,
        actor=cast.leader_a,
        new_deadline=today + dt.timedelta(days=60),
        reason="Chờ ý kiến thẩm định của Sở Tư pháp",
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/plans/nhiem-vu/{task.code}/")
    # (not scrolled into view: that would scroll a wide table sideways and hide the fault)
    assert _inside_the_screen(page.locator("form[action$='/decide/'] input[name=note]"))
    assert _inside_the_screen(page.locator("form[action$='/decide/'] button[value='1']"))
    assert _inside_the_screen(page.locator("form[action$='/decide/'] button[value='0']"))
    note = page.locator("td", has_text="đang chờ ý kiến của Sở Tư pháp")
    assert _inside_the_screen(note)
    page.shot("task")
