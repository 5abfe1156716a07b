"""Tap targets on a phone (WCAG 2.2, 2.5.8: at least 24 by 24 CSS pixels): the titles of the
folded sections that hold a page's actions ("Chuyển xử lý", "Phân công"...) were about 15 px
tall at 390 px, so a thumb aimed at one opened its neighbour."""

from __future__ import annotations

from cchc.core.a11y import assert_accessible, sign_in
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
        # a title that wraps on a phone ("Đề nghị người phản ánh bổ sung thông tin (tạm dừng
        # tính hạn)") must not draw its second line over the first: Pico's line-height of
        # 1rem left no room for the Vietnamese marks above and below the letters
        line, size = title.evaluate(
            "e => [getComputedStyle(e).lineHeight, getComputedStyle(e).fontSize].map(parseFloat)"
        )
        assert line >= 1.3 * size, (title.inner_text(), line, size)


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


# The page frame's controls (base.html): every one a thumb can reach on a phone, header and
# footer, with the folded menu opened (the sign-out button and the menu's links are in it)
FRAME_CONTROLS = (
    "header.site :is(a, button, summary, select)",
    "body > footer :is(a, button, select)",
)


def _small_frame_controls(page) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("[data-menu-toggle]").click()  # the menu unfolds: its links can be measured
    page.locator("#site-menu.open").wait_for()
    for group in page.locator("header.site details[data-menu-group]").all():
        group.evaluate("g => g.open = true")  # a group's links too, opened in place
    assert_accessible(page)  # the unfolded menu at a phone's width passes axe as well
    small = []
    for selector in FRAME_CONTROLS:
        for control in page.locator(selector).all():
            if not control.is_visible():
                continue
            box = control.bounding_box() or {"width": 0, "height": 0}
            if box["width"] < 44 or box["height"] < 44:
                label = control.inner_text() or control.get_attribute("aria-label") or ""
                small.append((label.strip(), box))
    return small


def test_the_page_frames_controls_are_big_enough_to_tap_on_a_staff_page(
    transactional_db, cast, browser_page
):
    """The language switch, the menu button, the brand link, the sign-out button and the
    menu's links were 23-38 px tall at 390 px (WCAG 2.5.5, at least 44 by 44 CSS px)."""
    page = browser_page
    sign_in(page, cast.leader_a)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/staff/")
    assert page.locator("header.site form button").count() == 1  # signed in: sign-out shown
    assert _small_frame_controls(page) == []


def test_the_page_frames_controls_are_big_enough_to_tap_on_a_public_page(
    transactional_db, browser_page
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/procedures/")
    assert _small_frame_controls(page) == []
