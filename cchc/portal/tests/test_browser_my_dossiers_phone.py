"""'My dossiers' on a 390 px phone, in a real browser: each dossier is read whole (the
appointment was cut off at the right edge of a four-column table), the mark on a dossier
waiting for the citizen's papers leads to the supplement form, and the page passes axe."""

from __future__ import annotations

import pytest

from cchc.core.a11y import assert_accessible

from .test_browser import sign_in
from .test_my_messages import paused  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

WIDTH = 390


def test_my_dossiers_on_a_phone(transactional_db, cast, citizen, paused, browser_page):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, citizen.username)
    page.goto(page.base_url + "/my/")
    appointment = page.locator("main table tbody tr td").nth(3)
    box = appointment.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    visible_width = page.evaluate(
        "(td) => td.closest('table').clientWidth - td.offsetLeft", appointment.element_handle()
    )
    assert visible_width >= appointment.evaluate("(td) => td.scrollWidth"), (
        "the appointment is cut off at the right edge"
    )
    page.shot("my-dossiers")
    assert_accessible(page)
    page.click("main a.badge.paused")
    page.wait_for_url(f"**/lookup/{paused.code}/#supplement")
    assert page.locator("#supplement input[type=file]").is_visible()


# A thumb needs about 44 px (WCAG 2.5.5, Apple's and Android's guides): the dossier code (the
# way into the dossier) was a 15 px line of small print and "Send the supplement" a 21 px badge.
TAP = 44


def test_my_dossiers_links_are_big_enough_to_tap_on_a_phone(
    transactional_db,
    cast,
    citizen,
    paused,  # noqa: F811
    browser_page,
):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, citizen.username)
    page.goto(page.base_url + "/my/")
    links = page.locator("main table tbody a")
    assert links.count() >= 2  # the dossier and the call to send the supplement
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["height"] >= TAP and box["width"] >= TAP, (
            links.nth(i).inner_text(),
            box,
        )
    page.shot("my-dossiers-tap")
