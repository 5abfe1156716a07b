"""The leader's review of an answer and the staff's internal notes on a 390 px phone, in
Chromium: the publish button no longer touches the "send back" line under it, the reason for
sending back has a visible label and reaches the officer above the answer form, and the note
box takes the screen's width under a visible label instead of a squeezed unlabelled field."""

from __future__ import annotations

import pytest

from cchc.feedback.models import PetitionStatus as S
from cchc.feedback.tests.test_return_answer import answered
from cchc.testing import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390
REASON = "Nêu rõ mức phí theo quy định và cách hoàn lại khoản đã thu."
CORRECTED = "Khoản phí thu thêm không đúng quy định; cơ quan sẽ hoàn lại cho bạn trong 5 ngày."


def _phone(page, user):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, user)


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"the page scrolls sideways by {scroll - client} px"


def _box(page, selector):  # type: ignore[no-untyped-def]
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def test_the_note_box_takes_the_phone_width_under_a_visible_label(reseeded, cast, browser_page):
    p = answered(cast)
    page = browser_page
    _phone(page, cast.specialist_a)
    page.goto(f"{page.base_url}/feedback/staff/{p.code}/")
    _no_sideways_scroll(page)
    label = page.locator("#note-form label")
    assert label.is_visible() and "Ghi chú nội bộ mới" in label.inner_text()
    box = page.get_by_label("Ghi chú nội bộ mới").bounding_box()
    assert box is not None
    content = page.evaluate("document.documentElement.clientWidth") - 2 * box["x"]
    assert box["width"] >= content - 1, f"the note box is {box['width']} px of {content}"
    assert box["height"] >= 60  # room for more than a few words
    button = _box(page, "#note-form button")
    assert button["y"] >= box["y"] + box["height"]  # under the box, not eating its width
    page.get_by_label("Ghi chú nội bộ mới").fill("Đã gọi điện cho bộ phận thu phí để xác minh.")
    page.shot("note-phone")
    page.locator("#note-form button").click()
    page.wait_for_load_state()
    assert p.notes.get().text == "Đã gọi điện cho bộ phận thu phí để xác minh."
    assert page.get_by_text("Đã gọi điện cho bộ phận thu phí để xác minh.").is_visible()


def test_the_leader_sends_back_and_publishes_on_a_phone(reseeded, cast, browser_page):
    p = answered(cast)
    page = browser_page
    asked = []

    def agree(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", agree)
    url = f"/feedback/staff/{p.code}/"
    _phone(page, cast.leader_a)
    page.goto(page.base_url + url)
    _no_sideways_scroll(page)
    summary = "details:has(#return-answer-form) > summary"
    publish, back = _box(page, "#publish-btn"), _box(page, summary)
    # the button touched the "send back" line under it: a tap meant for one hit the other
    assert back["y"] - (publish["y"] + publish["height"]) >= 8, (publish, back)
    page.shot("review-phone")

    page.locator(summary).click()
    label = page.locator("#return-answer-form label")  # it was a name for screen readers only
    assert label.is_visible() and label.inner_text() == "Nội dung cần sửa"
    reason = page.get_by_label("Nội dung cần sửa")
    assert reason.is_visible()
    assert reason.bounding_box()["width"] >= WIDTH - 2 * back["x"] - 1
    reason.fill(REASON)
    page.locator("#return-answer-form button").click()
    page.wait_for_load_state()
    p.refresh_from_db()
    assert p.status == S.PROCESSING

    # the officer reads what to correct above the answer, not at the end of the history
    _phone(page, cast.specialist_a)
    page.goto(page.base_url + url)
    said = page.locator("#returned-reason")
    assert said.is_visible() and REASON in said.inner_text()
    assert _box(page, "#returned-reason")["y"] < _box(page, "#answer-text")["y"]
    page.shot("returned-phone")
    page.locator("#answer-text").fill(CORRECTED)
    page.locator("#answer-form button").click()
    page.wait_for_load_state()
    assert page.locator("#returned-reason").count() == 0  # answered again: nothing pending

    _phone(page, cast.leader_a)
    page.goto(page.base_url + url)
    page.locator("#publish-btn").click()
    page.wait_for_load_state()
    assert asked and "Công khai" in asked[0]
    p.refresh_from_db()
    assert p.status == S.PUBLISHED
    page.goto(f"{page.base_url}/feedback/answers/{p.code}/")
    _no_sideways_scroll(page)
    assert page.get_by_text(CORRECTED).is_visible()


def test_the_public_answers_search_fits_a_phone(reseeded, cast, browser_page):
    """Box, category and button shared one row: at 390 px the box showed "Tìm k" and the
    category "Tất cả p"; a citizen could hardly see what they typed or chose."""
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{page.base_url}/feedback/answers/")
    _no_sideways_scroll(page)
    search = _box(page, "#q")
    assert search["width"] >= WIDTH / 2, f"the search box is {search['width']} px wide"
    category = page.get_by_label("Phân loại")
    assert category.is_visible()
    assert category.bounding_box()["width"] >= WIDTH - 2 * search["x"] - 1
    label = page.locator("#answer-search label")  # its name in sight, not only for readers
    assert label.is_visible() and label.inner_text().startswith("Phân loại")
    page.shot("answers-phone")
