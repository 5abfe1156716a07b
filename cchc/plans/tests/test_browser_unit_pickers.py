"""In Chromium, with 55 units more than the fixed cast: Home Affairs finds the lead unit and
ticks two co-operating units by typing a few letters (without diacritics) in the filter boxes
above the lists; a tick hidden by the next filter stays ticked and is saved."""

import pytest

from cchc.agencies.models import Agency
from cchc.plans.models import Task
from cchc.testing import AgencyFactory, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filter_boxes_narrow_the_unit_lists_and_keep_the_ticks(browser_page, cast):
    for n in range(50):
        AgencyFactory(name=f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    lead: Agency = AgencyFactory(name="Sở Tài nguyên và Môi trường")  # type: ignore[assignment]
    health: Agency = AgencyFactory(name="Sở Y tế")  # type: ignore[assignment]
    trade: Agency = AgencyFactory(name="Sở Công Thương")  # type: ignore[assignment]
    page = browser_page
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/plans/nhiem-vu/moi/")

    # the lead unit: one match left is chosen
    lead_box = page.locator("input.select-filter[aria-controls=id_lead_agency]")
    groups = "#id_lead_agency optgroup"
    assert page.locator(groups).count() >= 2  # the units are grouped by level
    lead_box.fill("tai nguyen va moi")
    assert page.locator("#id_lead_agency").input_value() == str(lead.pk)
    # the groups the filter emptied are hidden with their units: no heading over nothing
    shown = "gs => gs.filter(g => !g.hidden).map(g => g.label)"
    assert len(page.eval_on_selector_all(groups, shown)) == 1

    # the co-operating units: the box hides the units that do not match
    co_box = page.locator("input.select-filter[aria-controls=id_co_agencies]")
    co = page.locator("#id_co_agencies > div")
    total = co.count()
    assert total >= 55
    co_box.fill("so y te")
    assert page.locator("#id_co_agencies > div:visible").count() == 1
    page.get_by_label("Sở Y tế", exact=True).first.check()
    # Enter in the filter box filters, it does not send the form
    co_box.fill("cong thuong")
    co_box.press("Enter")
    assert page.url.endswith("/plans/nhiem-vu/moi/")
    assert page.locator("#id_co_agencies > div:visible").count() == 1
    page.locator("#id_co_agencies").get_by_label("Sở Công Thương").check()
    # the unit ticked before is hidden now, and still ticked
    health_box = page.locator(f"#id_co_agencies input[value='{health.pk}']")
    assert not health_box.is_visible() and health_box.is_checked()
    # what is ticked is named below the list, hidden or not
    chosen = page.locator("#id_co_agencies ~ .filter-chosen").inner_text()
    assert "(2)" in chosen and "Sở Y tế" in chosen and "Sở Công Thương" in chosen
    co_box.fill("")
    assert page.locator("#id_co_agencies > div:visible").count() == total
    page.shot("ticked")

    page.fill("#id_title", "Phối hợp số hóa hồ sơ đất đai")
    page.select_option("#id_source_kind", "PLAN")
    page.fill("#id_source_document", "KH 3/KH-UBND")
    page.fill("#id_assigned_on", "2026-11-01")
    page.fill("#id_deadline", "2027-01-31")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Đã giao nhiệm vụ")
    task = Task.objects.get()
    assert task.lead_agency == lead
    assert set(task.co_agencies.all()) == {health, trade}
