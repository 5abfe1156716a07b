"""The online submission form in a real browser, driven from the keyboard: pressing Enter in
a field does the form's default action (save the draft), never a file's "Remove" button."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.portal.models import DraftAttachment

from .conftest import CITIZEN_ID, PDF
from .test_browser import sign_in

pytestmark = pytest.mark.browser


def test_enter_in_a_field_saves_the_draft_and_keeps_the_attached_file(
    transactional_db, cast, browser_page, tmp_path
):
    page = browser_page
    cast.citizen.set_national_id(CITIZEN_ID)
    cast.citizen.save()
    attachment = tmp_path / "to-khai.pdf"
    attachment.write_bytes(PDF)

    sign_in(page, "citizen")
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    page.fill("input[name=address]", "1 Tràng Tiền")
    page.set_input_files("input[type=file]", str(attachment))
    page.get_by_role("button", name="Lưu nháp").click()
    remove = page.get_by_role("button", name="Gỡ bỏ")
    expect(remove).to_be_visible()
    assert DraftAttachment.objects.count() == 1

    # the citizen corrects the address and presses Enter (implicit submission)
    page.fill("input[name=address]", "2 Tràng Tiền")
    with page.expect_navigation():
        page.press("input[name=address]", "Enter")
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    expect(page.get_by_role("button", name="Gỡ bỏ")).to_be_visible()
    assert DraftAttachment.objects.count() == 1
    expect(page.locator("input[name=address]")).to_have_value("2 Tràng Tiền")
