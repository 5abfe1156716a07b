"""Rating the service on a 390 px phone, in a real browser: ten questions of three to five
answers each, every answer a thumb's target (the radio and its words were a 23 px line
stacked against the next answer's, so a thumb picked the neighbour)."""

from __future__ import annotations

import pytest

from .test_browser import sign_in

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
TAP = 44  # px: WCAG 2.5.5, and Apple's and Android's guides for a touch target


def test_every_answer_is_big_enough_to_tap_on_a_phone(
    transactional_db, cast, citizen, returned, browser_page
):
    from cchc.surveys.tests.conftest import ensure_seeded

    ensure_seeded()  # the criteria are survey-method rows a transactional test may have flushed
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, citizen.username)
    page.goto(f"{page.base_url}/lookup/{returned.code}/evaluate/")
    answers = page.locator("main form label:has(input[type=radio])")
    assert answers.count() >= 9 * 3 + 5  # nine criteria of 0-2 points, five satisfaction levels
    for i in range(answers.count()):
        box = answers.nth(i).bounding_box()
        assert box and box["height"] >= TAP, (answers.nth(i).inner_text(), box)
    # a tap anywhere on the answer's line chooses it
    second = answers.nth(1)
    box = second.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] - 5, box["y"] + box["height"] - 4)
    assert second.locator("input").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("evaluate")
