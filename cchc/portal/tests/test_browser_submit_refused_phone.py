"""The online form refused on a 390 px phone: the page comes back at its top under "correct
the items marked below", and the first marked item is focused and on screen (a missing
mandatory file is otherwise a screen or two down, found only by scrolling); the same for the
supplement form on the status page, and the status page's progress steps fit the phone."""

from __future__ import annotations

import pytest

from .conftest import CITIZEN_ID
from .test_browser import sign_in

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


def test_a_refused_form_takes_the_citizen_to_the_first_item_to_correct(
    transactional_db, cast, browser_page
):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    cast.citizen.set_national_id(CITIZEN_ID)
    cast.citizen.save()
    sign_in(page, "citizen")
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    # everything typed, the receiving agency chosen, but no file attached
    page.fill("input[name=applicant_name]", "Nguyễn Văn Dân")
    page.fill("input[name=phone]", "0912345678")
    page.fill("input[name=address]", "1 Tràng Tiền, Hoàn Kiếm")
    page.select_option("select[name=receiving_agency]", index=1)
    page.fill("textarea[name=request]", "Đăng ký khai sinh cho con")
    with page.expect_navigation():
        page.click("button[value=submit]")
    page.wait_for_load_state()
    invalid = page.locator("#dossier-form [aria-invalid=true]")
    assert invalid.count() >= 1, page.inner_text("main")
    first = invalid.first
    assert first.evaluate("el => el === document.activeElement"), page.evaluate(
        "document.activeElement.outerHTML"
    )
    box = first.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, box
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # what was typed is still there
    assert page.input_value("textarea[name=request]") == "Đăng ký khai sinh cho con"
    page.shot("refused")


def test_the_progress_steps_fit_a_phone(transactional_db, citizen, returned, browser_page):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, "citizen")
    page.goto(f"{page.base_url}/lookup/{returned.code}/")
    steps = page.locator("#progress-steps li")
    assert steps.count() == 5
    for i in range(steps.count()):
        box = steps.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (i, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.locator("#progress-steps [aria-current=step]").inner_text() == "Đã trả kết quả"
    page.shot("steps")


def test_a_refused_supplement_takes_the_citizen_to_its_form(
    transactional_db, cast, citizen, browser_page
):
    from cchc.dossiers import services

    from .conftest import at, citizens_dossier

    d = services.receive(citizens_dossier(cast, citizen), actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d = services.request_supplement(
        d, actor=cast.clerk_a, reason="Thiếu bản sao", at=at(2026, 3, 2, 10)
    )
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, "citizen")
    page.goto(f"{page.base_url}/lookup/{d.code}/")
    with page.expect_navigation():
        page.click("#send-supplement")  # no file chosen
    field = page.locator("#supplement [aria-invalid=true]")
    assert field.count() == 1, page.inner_text("#supplement")
    assert field.evaluate("el => el === document.activeElement")
    box = field.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, box
    page.shot("supplement-refused")
