"""On a 390 px phone, in Chromium: the petitioner reads the agency's question on the tracking
page and answers it there; the officer then finds the answer marked in the queue."""

from __future__ import annotations

import pytest

from cchc.feedback.models import PetitionStatus
from cchc.feedback.tests.test_reply_online import QUESTION, REPLY, asked
from cchc.testing import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390


def test_the_petitioner_answers_the_question_on_a_phone(reseeded, browser_page, cast):
    p = asked(cast)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{page.base_url}/feedback/p/{p.token}/")
    assert QUESTION in page.inner_text("#info-question")
    box = page.locator("#id_text").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    # sent empty: refused with the Vietnamese message, the form stays
    page.click("#reply button[type=submit]")
    page.wait_for_selector("#reply .form-error")
    assert "bắt buộc" in page.inner_text("#reply .form-error")
    page.fill("#id_text", REPLY)
    page.shot("reply-filled")
    page.click("#reply button[type=submit]")
    page.wait_for_selector("#reply", state="detached")
    assert "đã được gửi tới cơ quan" in page.content()
    p.refresh_from_db()
    assert p.status == PetitionStatus.PROCESSING and REPLY in p.description
    page.shot("reply-sent")

    sign_in(page, cast.specialist_a)
    page.goto(f"{page.base_url}/feedback/staff/?tab=mine")
    row = page.locator("#petition-queue tr", has_text=p.code)
    assert row.locator(".info-received").is_visible()
    page.shot("queue-info-received")
