"""The portal and the staff pages on a 390 x 844 phone screen, in a real browser: no page
scrolls sideways, the site menu is folded behind a button (static script, no inline JS) that
opens it, and every link of the opened menu is on screen and can be followed."""

from __future__ import annotations

import re

import pytest

from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier

from .conftest import at
from .test_browser import sign_in

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


def no_sideways_scroll(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{what}: the page is {width} px wide on a {WIDTH} px screen"


def menu_opens_and_links_are_reachable(page, what):
    toggle = page.locator("[data-menu-toggle]")
    menu = page.locator("#site-menu")
    assert toggle.is_visible(), f"{what}: no menu button on a phone"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible(), f"{what}: the menu is not folded on a phone"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    links = menu.locator("a")
    assert links.count() >= 3, what
    # a link in a group of the menu (<details data-menu-group>) is reached by opening its group
    groups = menu.locator("details[data-menu-group]")
    for g in range(groups.count() + 1):
        if g < groups.count():
            groups.nth(g).locator("summary").click()
        for i in range(links.count()):
            link = links.nth(i)
            in_group = link.locator("xpath=ancestor::details[@data-menu-group]")
            if in_group.count() and in_group.get_attribute("open") is None:
                continue
            assert link.is_visible(), f"{what}: menu link {link.inner_text()!r} hidden"
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (
                f"{what}: menu link {link.inner_text()!r} off screen: {box}"
            )
        no_sideways_scroll(page, f"{what} (menu open)")
    if groups.count():
        page.keyboard.press("Escape")  # closes the open group first, then the menu
    page.keyboard.press("Escape")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"


def check(page, url, what):
    page.goto(page.base_url + url)
    page.wait_for_load_state()
    no_sideways_scroll(page, what)
    menu_opens_and_links_are_reachable(page, what)
    page.shot(what)


def test_portal_and_staff_pages_fit_a_phone(transactional_db, cast, browser_page):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    # a counter dossier taken without an ID number, with a long name: looked up by phone
    dossier = counter_dossier(
        cast,
        Applicant(name="Bà Nguyễn Thị Phương Thảo Hoàng Lan", phone="0912345678"),
        at=at(2026, 3, 2, 9),
    )

    check(page, "/", "home")
    check(page, "/procedures/", "catalogue")
    check(page, f"/lookup/?code={dossier.code}", "lookup")

    page.fill("input[name=phone]", "+84 912 345 678")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/$"))
    assert dossier.code in page.inner_text("main")
    check(page, f"/lookup/{dossier.code}/", "status")

    sign_in(page, "clerk_a")
    check(page, "/staff/", "work-queue")
    assert dossier.code in page.inner_text("main")

    # a menu link is followed from the phone menu
    page.locator("[data-menu-toggle]").click()
    page.locator("#site-menu summary", has_text="Tra cứu").click()  # staff: in the look-up group
    page.locator("#site-menu").get_by_role("link", name="Tra cứu hồ sơ").click()
    page.wait_for_url(re.compile(r"/lookup/$"))
    no_sideways_scroll(page, "lookup after following the menu")

    # on a wide screen the menu is simply there, with no button
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + "/")
    assert not page.locator("[data-menu-toggle]").is_visible()
    assert page.locator("#site-menu").get_by_role("link", name="Hồ sơ cần xử lý").is_visible()

    # ...and a staff member's long menu wraps whole links, never a link's words: each link is
    # one line, and the user's name stays on the sign-out button's row
    page.goto(page.base_url + "/staff/")
    lines = page.eval_on_selector_all(
        "#site-menu > ul > li > a, #site-menu summary",
        """els => els.map(e => {
            const words = document.createRange();
            words.selectNodeContents(e);
            return [e.innerText, new Set([...words.getClientRects()].map(r => r.top)).size];
        })""",
    )
    assert len(lines) >= 5 and all(n == 1 for _text, n in lines), lines
    user, sign_out = page.locator("#site-menu > ul:last-child > li").all()
    user_box, out_box = user.bounding_box(), sign_out.bounding_box()
    assert abs(user_box["y"] + user_box["height"] / 2 - out_box["y"] - out_box["height"] / 2) < 8
    page.shot("wide-menu")
