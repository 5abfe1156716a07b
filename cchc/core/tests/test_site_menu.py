"""The site menu: staff see their work and two groups, on one row at 1024 px; a group opens
with the keyboard, shows its links, and closes on Escape; the groups are accessible."""

from __future__ import annotations

import pytest

from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser

TOP = "#site-menu > ul:first-child > li"


def test_a_leaders_menu_fits_one_row_at_1024_px_and_its_groups_open(
    transactional_db, cast, browser_page
):
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 700})
    sign_in(page, cast.leader_a)
    page.goto(page.base_url + "/")
    tops = [
        box["y"]
        for box in page.eval_on_selector_all(
            TOP, "items => items.map(i => i.getBoundingClientRect().toJSON())"
        )
    ]
    assert len(tops) == 5  # work queue, petitions, tasks, two groups
    assert max(tops) - min(tops) < 5, tops  # one row: thirteen links wrapped to three
    group = page.locator("details[data-menu-group]").first
    par = group.locator("a[href='/par/']")
    assert not par.is_visible()
    group.locator("summary").focus()
    page.keyboard.press("Enter")
    assert par.is_visible()
    assert_accessible(page)
    # opening the other group closes this one; Escape closes it and gives focus back
    page.locator("details[data-menu-group] summary").nth(1).click()
    assert not par.is_visible()
    assert page.locator("details[data-menu-group] a[href='/rules/']").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("details[data-menu-group][open]").count() == 0
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_a_citizen_finds_the_public_results_in_the_menu(transactional_db, cast, browser_page):
    page = browser_page
    page.goto(page.base_url + "/")
    page.locator("details[data-menu-group] summary").click()
    for href in ("/indices/cong-khai/", "/surveys/public/", "/par/public/"):
        assert page.locator(f"details[data-menu-group] a[href='{href}']").is_visible()
