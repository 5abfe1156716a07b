"""The procedure page on a 390 x 844 phone, in a real browser: the call to action (sign in /
submit online) is on the first screen even when 126 communes implement the procedure (their
list is folded, with its count), and every dossier component can be read without scrolling
sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.catalogue.models import RequiredDocument
from cchc.testing import AgencyFactory

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


def test_procedure_page_puts_the_call_to_action_first_on_a_phone(
    transactional_db, cast, browser_page
):
    communes = [
        AgencyFactory(code=f"H26.9{i:03d}", name=f"UBND phường Thử Nghiệm {i}") for i in range(124)
    ]
    cast.procedure.agencies.add(*communes)  # 126 with the cast's two
    RequiredDocument.objects.create(
        procedure=cast.procedure,
        order=2,
        name="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất (bản chính)",
        form_name="Mẫu số 09/ĐK ban hành kèm theo Thông tư số 10/2024/TT-BTNMT",
    )
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/")

    sign_in = page.locator("#submit-cta").get_by_role("button", name="Đăng nhập")
    expect(sign_in).to_be_visible()
    box = sign_in.bounding_box()
    assert box and box["y"] + box["height"] <= HEIGHT, f"call to action at {box}"

    agencies = page.locator("#agencies")
    expect(agencies.locator("summary")).to_contain_text("(126)")
    expect(agencies.get_by_role("link", name="UBND phường Thử Nghiệm 7", exact=True)).to_be_hidden()
    agencies.locator("summary").click()
    expect(
        agencies.get_by_role("link", name="UBND phường Thử Nghiệm 7", exact=True)
    ).to_be_visible()

    for item in page.locator("#documents li").all():
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (item.inner_text(), box)
    expect(page.locator("#documents")).to_contain_text("Mẫu số 09/ĐK")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("procedure-phone")
