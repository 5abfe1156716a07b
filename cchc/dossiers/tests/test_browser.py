"""End to end in Chromium: counter intake → transfer → finish → return of the result."""

from __future__ import annotations

import pytest

from cchc.dossiers.models import Dossier, Status
from cchc.testing import fill_counter_intake, make_cast

pytestmark = [pytest.mark.browser]


def sign_in(page, username):
    page.goto(f"{page.base_url}/accounts/login/?next=/staff/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("form button[type=submit]")
    page.wait_for_url("**/staff/")


def sign_out(page):
    page.click("header form[action$='/logout/'] button")
    page.wait_for_load_state()


def open_action(page, action):
    form = page.locator(f"#form-{action}")
    form.locator("xpath=ancestor::details").locator("summary").click()
    return form


@pytest.mark.django_db(transaction=True)
def test_clerk_receives_transfers_specialist_finishes_clerk_returns(transactional_db, browser_page):
    cast = make_cast()
    page = browser_page
    sign_in(page, "clerk_a")
    page.shot("queue-empty")
    page.click("a[href='/staff/intake/']")
    fill_counter_intake(page, cast)  # every component handed in
    # a scan of the first component (the input takes several files, camera included)
    page.locator("#checklist input[type=file]").first.set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scan"}]
    )
    page.shot("intake-form")
    page.click("#intake-form button[type=submit]")
    page.wait_for_url("**/receipt/")
    dossier = Dossier.objects.get()
    assert dossier.code in page.inner_text("#receipt")
    assert [d.document.name for d in dossier.documents.all()] == ["to-khai.pdf"]
    assert dossier.checklist.count() >= 1 and dossier.has_digitized_components
    assert page.inner_text("#appointment").strip()
    page.shot("receipt")

    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    form = open_action(page, "transfer")
    # choosing the agency fetches its staff into the assignee list (htmx)
    with page.expect_response(lambda r: "part=assignees" in r.url):
        form.locator("select[name=transfer-to_agency]").select_option(str(cast.agency_b.pk))
    form.locator("input[name=transfer-step_name]").fill("Thẩm định hồ sơ")
    assignee = form.locator("select[name=transfer-assignee]")
    assignee.select_option(str(cast.specialist_b.pk))  # kept through the swap (ui.js)
    assert assignee.input_value() == str(cast.specialist_b.pk)
    page.shot("transfer-form")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#current-agency:has-text('Sở Tư pháp')")
    assert "Thẩm định hồ sơ" in page.inner_text("#control-slip")
    page.shot("transferred")
    sign_out(page)

    sign_in(page, "specialist_b")
    page.click("a[href='?queue=mine']")
    page.wait_for_selector(f"text={dossier.code}")
    page.shot("specialist-queue")
    page.click(f"text={dossier.code}")
    form = open_action(page, "finish")
    form.locator("textarea[name=finish-note]").fill("Đã cấp giấy khai sinh")
    asked = []  # finishing and returning cannot be undone: the page asks first
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#dossier-status:has-text('Đã xử lý xong')")
    assert asked and asked[0].startswith("Kết thúc xử lý?")
    page.shot("finished")
    sign_out(page)

    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    form = open_action(page, "return_result")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#dossier-status:has-text('Đã trả kết quả')")
    assert "Đã trả kết quả" in page.inner_text("#timeline")
    page.shot("returned")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert list(dossier.events.values_list("action", flat=True)) == [
        "receive",
        "attach_document",  # the scan, a line of the control slip
        "transfer",
        "finish",
        "return_result",
    ]


@pytest.mark.django_db(transaction=True)
def test_an_assignee_chosen_while_the_staff_list_reloads_is_kept(transactional_db, browser_page):
    """The agency's staff come back by htmx; a person quicker than the answer keeps the choice."""
    from cchc.dossiers.tests.factories import counter_dossier

    cast = make_cast()
    dossier = counter_dossier(cast, competent_agency=cast.agency_b)
    page = browser_page
    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    form = open_action(page, "transfer")
    held: list = []
    # hold the staff list's answer until the assignee is chosen
    page.route("**part=assignees**", lambda route: held.append(route))
    form.locator("select[name=transfer-to_agency]").select_option(str(cast.agency_b.pk))
    page.wait_for_timeout(100)
    assert held, "choosing the agency fetches its staff"
    assignee = form.locator("select[name=transfer-assignee]")
    assignee.select_option(str(cast.specialist_b.pk))
    with page.expect_response(lambda r: "part=assignees" in r.url):
        held[0].continue_()
    page.wait_for_timeout(300)
    assert assignee.input_value() == str(cast.specialist_b.pk)
