"""Accessibility of the citizen portal in Chromium: axe-core finds no serious or critical
violation on its main pages, anonymous and signed in, nor on a form sent back with errors."""

from __future__ import annotations

import pytest

from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_portal_pages_anonymous(transactional_db, cast, browser_page):
    page = browser_page
    code, agency = cast.procedure.code, cast.agency_a.code
    for path in (
        "/",
        "/procedures/",
        "/procedures/?q=khai+sinh",
        f"/procedures/{code}/",
        "/agencies/",
        f"/agencies/{agency}/",
        "/lookup/",
        "/signup/",
        "/accounts/login/",
        "/password/reset/",
        "/password/reset/sent/",
        "/password/reset/MQ/made-up-token/",  # a link that does not work
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    # a form sent back with errors: the messages are tied to their fields
    page.goto(page.base_url + "/signup/")
    page.fill("#id_email", "not an e-mail")
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("#id_full_name[aria-invalid=true]")
    assert_accessible(page)


def test_portal_pages_signed_in(transactional_db, cast, citizen, returned, browser_page):
    page = browser_page
    sign_in(page, citizen)
    for path in (
        "/my/",
        f"/procedures/{cast.procedure.code}/submit/",
        f"/lookup/{returned.code}/",
        f"/lookup/{returned.code}/evaluate/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    # online submission sent without an address: the service's error is tied to the field
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    page.fill("#id_address", "")
    page.click("button[value=submit]")
    page.wait_for_selector("#id_address[aria-invalid=true]")
    assert page.locator("#id_address_error").is_visible()
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_main_content(transactional_db, cast, browser_page):
    page = browser_page
    page.goto(page.base_url + "/procedures/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
