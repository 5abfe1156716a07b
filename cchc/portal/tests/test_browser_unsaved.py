"""The online submission form in a real browser: leaving it with entries not yet saved asks
the browser's "leave this page?" question (before, everything typed and every chosen file was
lost without a word); an untouched form, saving the draft and submitting leave freely."""

from __future__ import annotations

import pytest

from .conftest import CITIZEN_ID
from .test_browser import sign_in

pytestmark = pytest.mark.browser


def test_leaving_with_unsaved_entries_is_asked(transactional_db, cast, browser_page):
    page = browser_page
    cast.citizen.set_national_id(CITIZEN_ID)
    cast.citizen.save()
    sign_in(page, "citizen")
    form_url = f"{page.base_url}/procedures/{cast.procedure.code}/submit/"
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "stay on this page"

    page.on("dialog", on_dialog)

    # untouched: leaves without a question
    page.goto(form_url)
    page.click("main nav[aria-label=breadcrumb] a")
    page.wait_for_url(f"**/procedures/{cast.procedure.code}/")
    assert asked == []

    # typed an address, then follows the breadcrumb: asked, and staying keeps the entry
    page.goto(form_url)
    page.click("input[name=address]")
    page.keyboard.type("12 Phố Huế")
    page.click("main nav[aria-label=breadcrumb] a")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == form_url
    assert page.input_value("input[name=address]") == "12 Phố Huế"

    # saving the draft is not leaving
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").last.click()
    assert asked == ["beforeunload"]
    assert page.input_value("input[name=address]") == "12 Phố Huế"
