"""Withdrawing a dossier on a 390 px phone, in a real browser: on the page of a dossier waiting
for the citizen's papers the withdraw form comes after the supplement form; a reason left
empty brings the page back with the withdraw form open and its field focused (the script
looked only at the page's first form, the supplement's, and left the citizen at the top),
then the dossier is withdrawn and says so."""

from __future__ import annotations

import pytest

from cchc.core.a11y import assert_accessible
from cchc.dossiers.models import Status

from .test_browser import sign_in
from .test_my_messages import paused  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

WIDTH = 390


def test_withdraw_on_a_phone(transactional_db, cast, citizen, paused, browser_page):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, citizen.username)
    page.goto(f"{page.base_url}/lookup/{paused.code}/")
    assert page.locator("#supplement input[type=file]").is_visible()
    page.click("#withdraw summary")
    page.click("#send-withdraw")
    page.wait_for_load_state()
    reason = page.locator("#withdraw textarea[name=reason]")
    assert reason.is_visible()
    assert page.evaluate("document.activeElement.name") == "reason"
    box = reason.bounding_box()
    assert box and 0 <= box["y"] <= 844 and box["x"] + box["width"] <= WIDTH, box
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("withdraw-refused")
    assert_accessible(page)
    reason.fill("Tôi đã nộp nhầm thủ tục")
    page.click("#send-withdraw")
    page.wait_for_load_state()
    paused.refresh_from_db()
    assert paused.status == Status.WITHDRAWN
    assert page.locator("#status").inner_text() == Status.WITHDRAWN.label
    assert page.locator("#withdraw").count() == 0
