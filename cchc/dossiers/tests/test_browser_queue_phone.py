"""The work queue on a 390 px phone, in a real browser: each dossier is a card and its due
time is on screen (one-stop day walk: the queue was a 616 px table whose last column, the due
time a clerk reads first, sat off the right edge)."""

from __future__ import annotations

import pytest

from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import make_cast

from .test_browser import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390


@pytest.mark.django_db(transaction=True)
def test_the_due_time_of_each_dossier_is_on_a_phone_screen(transactional_db, browser_page):
    cast = make_cast()
    dossier = counter_dossier(cast)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, "clerk_a")
    page.goto(page.base_url + "/staff/?queue=agency")
    due = page.locator("main table tbody tr td:last-child").first  # the due time
    assert dossier.due_at.astimezone().strftime("%Y") in due.inner_text()
    box = due.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert "Hạn" in due.evaluate("(td) => getComputedStyle(td, '::before').content")
    page.shot("queue-phone")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_dossier_leads_to_its_actions_at_once(transactional_db, browser_page):
    """The actions sat below the dossier's details, control slip and whole timeline."""
    cast = make_cast()
    dossier = counter_dossier(cast)
    page = browser_page
    sign_in(page, "clerk_a")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    assert not page.locator("#to-actions").is_visible()  # side by side: no need
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    link = page.locator("#to-actions")
    box = link.bounding_box()
    assert box and box["y"] < 844, box  # on the first screen
    link.click()
    top = page.locator("#actions h2").bounding_box()
    assert top and 0 <= top["y"] < 844, top  # the actions are now on screen
    page.shot("dossier-phone-actions")
