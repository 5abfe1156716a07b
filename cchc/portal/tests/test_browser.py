"""End to end in a real browser: a citizen finds a procedure (typed without diacritics),
submits online with an attachment; staff accept, finish and return it through the staff
pages; the citizen looks it up by code and rates the service."""

from __future__ import annotations

import re

import pytest

from cchc.dossiers.models import Dossier, Evaluation, Status
from cchc.testing import AgencyFactory

from .conftest import CITIZEN_ID, PDF

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def staff_action(page, code, action, **fields):
    """Open the action's form on the dossier page, fill `fields` (name -> text), send it."""
    page.goto(f"{page.base_url}/staff/dossiers/{code}/")
    form = page.locator(f"#form-{action}")
    form.locator("xpath=ancestor::details").locator("summary").click()
    for name, text in fields.items():
        form.locator(f"[name={name}]").fill(text)

    # a step that cannot be undone (finishing, returning the result) asks first: agreed to
    def agree(dialog):  # type: ignore[no-untyped-def]
        dialog.accept()

    page.on("dialog", agree)
    # wait for the action's own response, not a fixed delay: a loaded CI machine is slow
    with page.expect_response(
        lambda r: r.request.method == "POST" and f"/{code}/" in r.url
    ) as response:
        form.locator("button[type=submit]").click()
    page.remove_listener("dialog", agree)
    assert response.value.status < 400, f"{action} answered {response.value.status}"
    # the answer's HX-Redirect reloads the page after the response: let that navigation end,
    # or the next goto is interrupted by it (seen on a loaded machine)
    page.wait_for_load_state("networkidle")


def signed_in_citizen(page, cast, tmp_path):
    """The cast's citizen, with a verified citizen ID (online submission needs one), signed
    in on `page`; returns a PDF to attach."""
    citizen = cast.citizen
    citizen.set_national_id(CITIZEN_ID)
    citizen.save()
    attachment = tmp_path / "to-khai.pdf"
    attachment.write_bytes(PDF)
    sign_in(page, "citizen")
    return attachment


def submit_request(page, request, attachment):
    """Type the request, attach the file and submit the online form; wait for the status page."""
    page.fill("textarea[name=request]", request)
    page.set_input_files("input[type=file]", str(attachment))
    page.shot("form")
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/"))
    page.shot("submitted")


def test_citizen_submits_staff_handle_citizen_looks_up_and_rates(
    transactional_db, cast, browser_page, tmp_path
):
    from cchc.surveys.tests.conftest import ensure_seeded

    # the evaluation's criteria are the survey method `danh-gia-ho-so` (data migration rows,
    # which an earlier transactional test may have flushed)
    ensure_seeded()
    # a list of agencies long enough for the search box over it (static/cchc/ui.js)
    cast.procedure.agencies.add(*(AgencyFactory(name=f"UBND xã Thử Nghiệm {n}") for n in range(8)))
    page = browser_page
    attachment = signed_in_citizen(page, cast, tmp_path)
    page.goto(page.base_url + "/")
    page.shot("home")
    page.fill("input[name=q]", "khai sinh")  # no diacritics
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    page.shot("procedure")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.fill("input[name=address]", "1 Tràng Tiền, Hoàn Kiếm")
    # the agency list's search box: typed without diacritics, one match left and chosen
    page.fill("input.select-filter", "hoan kiem")
    shown = page.eval_on_selector(
        "select[name=receiving_agency]",
        "s => [...s.options].filter(o => o.value && !o.hidden).map(o => o.text)",
    )
    assert shown == ["UBND phường Hoàn Kiếm"]
    assert (
        page.eval_on_selector(
            "select[name=receiving_agency]", "s => s.options[s.selectedIndex].text"
        )
        == "UBND phường Hoàn Kiếm"
    )
    submit_request(page, "Đăng ký khai sinh cho con", attachment)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.documents.count() == 1

    sign_in(page, "clerk_a")
    staff_action(page, dossier.code, "receive")
    page.shot("received")
    sign_in(page, "specialist_a")
    # finishing needs its result (a note or the result file)
    staff_action(page, dossier.code, "finish", **{"finish-note": "Đã cấp giấy khai sinh"})
    sign_in(page, "clerk_a")
    staff_action(page, dossier.code, "return_result")
    page.shot("returned")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    page.context.clear_cookies()
    page.goto(f"{page.base_url}/lookup/?code={dossier.code}")
    assert page.input_value("input[name=code]") == dossier.code
    page.fill("input[name=id_last4]", "9999")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Không tìm thấy hồ sơ")
    page.shot("lookup-wrong-id")
    page.fill("input[name=id_last4]", CITIZEN_ID[-4:])
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/$"))
    assert "Đã trả kết quả" in page.inner_text("#status")
    assert "Clerk A" not in page.content()
    page.shot("status")
    page.get_by_role("button", name="Đánh giá chất lượng phục vụ").click()
    # the form's page must have loaded before its radios are counted
    page.wait_for_url(re.compile(r"/evaluate/$"))
    page.locator("fieldset input[type=radio]").first.wait_for()
    for fieldset in page.locator("fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
    page.shot("evaluation")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/evaluate/")
    ) as response:
        page.click("form button[type=submit]")
    assert response.value.status == 302, page.content()
    page.wait_for_url(re.compile(r"/lookup/[^/]+/$"))
    page.shot("rated")
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert evaluation.satisfaction == 5 and evaluation.total_points == 18


def test_back_then_submit_again_makes_one_dossier(transactional_db, cast, browser_page, tmp_path):
    """The walk's finding, in Chromium: submit online, press Back (the filled form comes
    back), press "Nộp hồ sơ" again. One dossier; the second press shows the first."""
    page = browser_page
    attachment = signed_in_citizen(page, cast, tmp_path)
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    page.fill("input[name=address]", "1 Tràng Tiền, Hoàn Kiếm")
    page.select_option("select[name=receiving_agency]", label="UBND phường Hoàn Kiếm")
    page.fill("textarea[name=request]", "Đăng ký khai sinh cho con")
    page.set_input_files("input[type=file]", str(attachment))
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/"))
    first = page.url
    page.go_back()
    page.wait_for_selector("button[value=submit]")
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/"))
    assert page.url == first and Dossier.objects.count() == 1
    assert "Biểu mẫu này đã được gửi" in page.content()
