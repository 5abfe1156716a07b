"""A confirmation or an error (Django's messages, `#messages` in base.html) in a real browser:
each reads as a box of its own (no bullet, a coloured rule on its left, room around the
words), level with the page's heading, and its colours pass axe's contrast check. They were
bulleted coloured lines that a citizen could take for part of the page's text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.core.a11y import assert_accessible

from .conftest import CITIZEN_ID
from .test_browser import sign_in

pytestmark = pytest.mark.browser

BOX = """li => {
    const s = getComputedStyle(li);
    return {
        marker: s.display === "list-item" && s.listStyleType !== "none",
        rule: parseFloat(s.borderLeftWidth),
        padding: Math.min(parseFloat(s.paddingLeft), parseFloat(s.paddingTop)),
        left: li.getBoundingClientRect().left,
        heading: document.querySelector("main h1").getBoundingClientRect().left,
    };
}"""


def assert_a_box(page, text):  # type: ignore[no-untyped-def]
    message = page.locator("#messages .messages li", has_text=text)
    expect(message).to_be_visible()
    box = message.evaluate(BOX)
    assert not box["marker"], box  # no bullet
    assert box["rule"] >= 3, box  # a rule on its left, in the message's colour
    assert box["padding"] >= 8, box  # the words do not touch the rule
    assert abs(box["left"] - box["heading"]) <= 1, box  # level with the page, not indented


@pytest.mark.parametrize("width", [1280, 390])
def test_messages_are_boxes(transactional_db, cast, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    # no verified citizen ID yet: the online form is refused with an error
    sign_in(page, "citizen")
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    assert_a_box(page, "Nộp hồ sơ trực tuyến cần")
    assert page.locator("#messages li.error").count() == 1
    page.shot(f"error-{width}")
    assert_accessible(page)
    # with it, a draft is saved and said so
    cast.citizen.set_national_id(CITIZEN_ID)
    cast.citizen.save()
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    page.get_by_role("button", name="Lưu nháp").click()
    assert_a_box(page, "Đã lưu nháp.")
    assert page.locator("#messages li.success").count() == 1
    page.shot(f"success-{width}")
    assert_accessible(page)
