"""Tap targets on a phone (WCAG 2.2, 2.5.8: at least 24 by 24 CSS pixels): the titles of the
folded sections that hold a page's actions ("Chuyển xử lý", "Phân công"...) were about 15 px
tall at 390 px, so a thumb aimed at one opened its neighbour."""

from __future__ import annotations

from cchc.core.a11y import sign_in
from cchc.dossiers.tests.factories import counter_dossier


def test_the_folded_action_titles_are_tall_enough_to_tap_on_a_phone(
    transactional_db, cast, browser_page
):
    d = counter_dossier(cast)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/staff/dossiers/{d.code}/")
    titles = page.locator("main details > summary")
    assert titles.count() >= 3
    for title in titles.all():
        box = title.bounding_box()
        assert box and box["height"] >= 24, (title.inner_text(), box)


def _heights(page, selector: str) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    return [
        (link.inner_text(), (link.bounding_box() or {"height": 0})["height"])
        for link in page.locator(selector).all()
    ]


def test_the_home_pages_work_links_are_big_enough_to_tap_on_a_phone(
    transactional_db, cast, browser_page
):
    """The "to do" cards' links (each a queue of the staff member's work) were 18-23 px tall
    at 390 px, one above the other."""
    counter_dossier(cast)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.clerk_a)
    page.goto(page.base_url + "/")
    page.locator(".work-card").nth(2).wait_for()  # htmx has loaded the cards
    heights = _heights(page, ".work-card a")
    assert len(heights) >= 4
    assert all(h >= 44 for _text, h in heights), heights


def test_a_refused_forms_error_links_are_big_enough_to_tap_on_a_phone(
    transactional_db, cast, browser_page
):
    """The error summary's links (each takes the reader to a field to correct) were 18 px
    tall at 390 px for a one-line error."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.clerk_a)
    page.goto(page.base_url + "/staff/intake/")
    page.fill("#id_applicant_id", "12345")  # not 12 digits: refused by the server
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    heights = _heights(page, ".error-summary a")
    assert heights, "no error summary"
    assert all(h >= 44 for _text, h in heights), heights
