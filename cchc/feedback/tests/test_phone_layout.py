"""The staff petition pages on a 390 px phone, in Chromium: nothing scrolls the page sideways
and every action stays on the screen."""

from __future__ import annotations

import pytest

from cchc.testing import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"the page scrolls sideways by {scroll - client} px"


def test_the_dashboard_period_fits_a_phone_and_says_which_date_is_which(
    reseeded, cast, browser_page
):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.leader_a)
    page.goto(page.base_url + "/feedback/staff/dashboard/")
    _no_sideways_scroll(page)
    form = page.locator("#period-form")
    show = form.get_by_role("button", name="Xem")
    box = show.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH  # not off the right edge
    # each date has a visible label, not only a "mm/dd/yyyy" box
    assert form.get_by_text("Từ ngày").is_visible() and form.get_by_text("Đến ngày").is_visible()
    form.get_by_label("Từ ngày").fill("2026-01-01")
    form.get_by_label("Đến ngày").fill("2026-01-31")
    page.shot("dashboard-phone")
    show.click()
    page.wait_for_url("**from=2026-01-01**")
    assert "to=2026-01-31" in page.url
    _no_sideways_scroll(page)
