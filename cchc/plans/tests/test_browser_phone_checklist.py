"""On a 390 px phone the inspector records an inspection at the unit (domain.md §11): each
checklist item's result, note and photo are on the screen, not in a four-column table wider
than the phone whose photo field was out of reach at the right edge; once recorded, each
answer reads as a card too."""

import pytest

from cchc.plans.tests.test_browser_phone_inspections import _inside_the_screen
from cchc.testing import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspector_on_a_phone_records_the_checklist(browser_page, cast, insp):
    # (conftest's insp: unit A on 10/05/2026, two checklist items)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.inspector)
    page.goto(f"{page.base_url}/plans/kiem-tra/{insp.code}/")
    form = page.locator("form:has(#record)")
    # inside the page's column (main), not cut off by the table's own scrolling at its edge
    right = page.locator("main").bounding_box()["x"] + page.locator("main").bounding_box()["width"]
    for field in ("select", "input[type=text]", "input[type=file]"):
        box = form.locator(f"tbody tr >> {field}").last.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= right, field
    # a note can be typed in a field wider than a word
    assert form.locator("tbody tr >> input[type=text]").last.bounding_box()["width"] >= 250
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("checklist-form")
    form.locator("tbody tr select").first.select_option("FAIL")
    form.locator("tbody tr select").last.select_option("PASS")
    with page.expect_navigation():
        page.locator("#record").click()
    # the last answer shown (no note or photo was given: their empty cells are left out, not
    # an "Ảnh: —" line under each item)
    answer = page.locator("main table.checklist td[data-label]:not(:empty)").last
    assert _inside_the_screen(page, answer)
    assert page.locator("main table.checklist td[data-label='Ảnh']").first.is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("checklist-recorded")
