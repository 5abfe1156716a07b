"""Accessibility of the staff dossier pages in Chromium: axe-core finds no serious or critical
violation on the work queue, counter intake, a dossier with its actions (also an action sent
back with an error through htmx), the receipt, the catalogue and the official forms."""

from __future__ import annotations

import pytest

from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier(cast):
    d = counter_dossier(cast, Applicant(name="Nguyễn Văn An", phone="0912345678"))
    return services.request_supplement(d, actor=cast.specialist_a, reason="Thiếu tờ khai")


def test_staff_pages_of_a_clerk(transactional_db, cast, dossier, browser_page):
    page = browser_page
    sign_in(page, cast.clerk_a)
    for path in (
        "/staff/",
        "/staff/?queue=all&q=An",
        "/staff/intake/",
        f"/staff/dossiers/{dossier.code}/",
        f"/staff/dossiers/{dossier.code}/receipt/",
        f"/forms/{dossier.code}/",
        "/forms/logbook/",
        "/forms/register/?q=An",
        "/catalogue/",
        f"/catalogue/{cast.procedure.pk}/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    # the home page with the clerk's three "to do" cards, once htmx has loaded them
    page.goto(page.base_url + "/")
    page.locator(".work-card").nth(2).wait_for()  # the third card has come
    assert page.locator(".work-card .badge.late").count() == 0  # nothing late yet
    assert_accessible(page)
    # the paused dossier says so in its badge, from the model, not a status number
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    assert "paused" in page.get_attribute("#dossier-status", "class")
    # an action sent without its required field comes back (htmx) with the error tied to it
    form = page.locator("#form-withdraw")
    form.locator("xpath=ancestor::details").locator("summary").click()
    page.once("dialog", lambda dialog: dialog.accept())  # withdrawing is final: asked first
    with page.expect_response(lambda r: r.request.method == "POST"):
        form.locator("button[type=submit]").click()
    page.wait_for_selector("#id_withdraw-reason[aria-invalid=true]")
    assert page.locator("#id_withdraw-reason_error").is_visible()
    assert_accessible(page)
    # counter intake sent back with errors
    page.goto(page.base_url + "/staff/intake/")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#id_applicant_name[aria-invalid=true]")
    assert_accessible(page)


def test_staff_pages_of_a_province_admin_and_an_inspector(
    transactional_db, cast, dossier, browser_page
):
    page = browser_page
    sign_in(page, cast.province_admin)
    for path in ("/catalogue/new/", f"/catalogue/{cast.procedure.pk}/edit/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
    sign_in(page, cast.inspector)
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    assert_accessible(page)
