"""Counter intake in Chromium: correcting the receiving agency after the procedure is
chosen refreshes the competent agency's preselection (htmx), and keeps the clerk's own
choice while the agency handles the procedure."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.testing import make_cast

from .test_browser import sign_in

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_changing_the_receiving_agency_refreshes_the_competent_agency(
    transactional_db, browser_page
):
    cast = make_cast()
    page = browser_page
    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/intake/")
    a, b, c = (str(x.pk) for x in (cast.agency_a, cast.agency_b, cast.agency_c))
    with page.expect_response(lambda r: "part=procedures" in r.url):
        page.fill("input[type=search][name=q]", "khai sinh")
    page.wait_for_selector(f"#id_procedure option[value='{cast.procedure.pk}']", state="attached")
    with page.expect_response(lambda r: "part=competent" in r.url):
        page.select_option("#id_procedure", str(cast.procedure.pk))
    competent = page.locator("#id_competent_agency")
    expect(competent).to_have_value(a)  # the receiving agency handles the procedure
    # the receiving agency was wrong: agency B received it, and B handles the procedure
    with page.expect_response(lambda r: "part=competent" in r.url):
        page.select_option("#id_receiving_agency", b)
    expect(competent).to_have_value(b)
    page.shot("receiving-changed")
    # the clerk chooses A as competent; another change of receiving agency keeps that choice
    competent.select_option(a)
    with page.expect_response(lambda r: "part=competent" in r.url):
        page.select_option("#id_receiving_agency", c)
    # the swap follows the response: the offered value (C handles nothing here) is "" now
    expect(page.locator("#id_competent_offered")).to_have_value("")
    expect(competent).to_have_value(a)
