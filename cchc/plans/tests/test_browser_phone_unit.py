"""On a 390 px phone a unit's task page shows all of its figures: the completion and on-time
rates of the year and of each source document, instead of columns cut off at the right
edge of tables of five and seven columns (leaders read this page on their phones)."""

import datetime as dt

import pytest

from cchc.plans import services
from cchc.testing import sign_in


def _inside_the_screen(locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_leader_on_a_phone_reads_the_rates(browser_page, cast):
    today = services.today()
    for title in ("Rà soát thủ tục hành chính lĩnh vực hộ tịch", "Niêm yết công khai TTHC"):
        task = services.assign_task(
            actor=cast.province_admin,
            title=title,
            source_document="KH 12/KH-UBND",
            lead_agency=cast.agency_a,
            assigned_on=today,
            deadline=today + dt.timedelta(days=20),
            evidence_required=False,
        )
    services.complete(task, actor=cast.leader_a, result="Đã niêm yết đủ")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/plans/don-vi/{cast.agency_a.code}/")
    figures = page.locator("main table.unit-figures")
    # one of the two done, on time: 50 % completed, 100 % on time
    assert _inside_the_screen(figures.locator("td", has_text="50,00%"))
    assert _inside_the_screen(figures.locator("td", has_text="100,00%"))
    row = page.locator("main table.by-document tr", has_text="KH 12/KH-UBND")
    assert _inside_the_screen(row.locator("td", has_text="50,00%"))
    assert _inside_the_screen(row.locator("td", has_text="100,00%"))
    page.shot("unit")
