"""A clerk finds a dossier's line in the reception register from the work queue, in a real
browser: the link, the search and the line number the receipt prints."""

from __future__ import annotations

import pytest

from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_browser import sign_in
from cchc.paperwork import register
from cchc.testing import make_cast

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_clerk_opens_the_register_and_finds_a_dossier_by_name(transactional_db, browser_page):
    cast = make_cast()
    counter_dossier(cast, "Lê Văn Một")
    second = counter_dossier(cast, "Trần Thị Hai")
    page = browser_page
    sign_in(page, "clerk_a")
    page.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
    page.wait_for_url("**/forms/register/")
    page.fill("input[name=q]", "Thị Hai")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**q=*")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td")
    assert cells.nth(0).inner_text() == str(register.line_of(second)) == "2"
    page.shot("register-search")
    cells.nth(1).get_by_role("link").click()
    page.wait_for_url(f"**/staff/dossiers/{second.code}/")
