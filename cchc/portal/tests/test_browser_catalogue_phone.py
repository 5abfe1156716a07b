"""The catalogue on a 390 x 844 phone, in a real browser: each procedure reads as a card (the
name across the width, not one word per line) and its online-level badge is on the screen,
with nothing to scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.testing import ProcedureFactory, open_page

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


def test_catalogue_results_read_as_cards_on_a_phone(transactional_db, cast, browser_page):
    ProcedureFactory(
        code="1.012345",
        name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do "
        "thay đổi thông tin về người được cấp Giấy chứng nhận",
        online_level="full",
        agencies=[cast.agency_a],
    )
    page = browser_page
    open_page(page, "/procedures/", size={"width": WIDTH, "height": HEIGHT})
    rows = page.locator("table.procedure-results tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    for row in rows.all():
        name = row.locator("td.procedure-name").bounding_box()
        # the name takes the card's width (a squeezed column was ~80 px: a word per line)
        assert name and name["width"] >= WIDTH * 0.75, (row.inner_text(), name)
        badge = row.locator(".badge").bounding_box()
        assert badge and badge["x"] >= 0 and badge["x"] + badge["width"] <= WIDTH, badge
    # the headings travel with the values (read aloud too: the cell's accessible name)
    level = rows.first.locator("td[data-label]").last
    before = level.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Mức độ trực tuyến" in before, before
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("catalogue-phone")


# A thumb needs about 44 px (WCAG 2.5.5), as "My dossiers" gives its links: a procedure's name
# was an 18 px line of text, stacked against the next card's.
TAP = 44


def test_catalogue_results_links_are_big_enough_to_tap_on_a_phone(
    transactional_db, cast, browser_page
):
    ProcedureFactory(code="1.000001", name="Cấp bản sao", agencies=[cast.agency_a])
    page = browser_page
    open_page(page, "/procedures/", size={"width": WIDTH, "height": HEIGHT})
    links = page.locator("table.procedure-results tbody td.procedure-name a")
    expect(links.first).to_be_visible()
    assert links.count() >= 2
    for link in links.all():
        box = link.bounding_box()
        assert box and box["height"] >= TAP and box["width"] >= TAP, (link.inner_text(), box)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("catalogue-phone-tap")
