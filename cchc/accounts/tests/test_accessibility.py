"""Accessibility of the account pages in Chromium: one's own account and password change,
and the staff accounts pages of an agency's administrator (axe-core: no serious or critical
violation)."""

from __future__ import annotations

import pytest

from cchc.accounts import services
from cchc.accounts.models import Membership
from cchc.testing import assert_accessible, member, sign_in

pytestmark = pytest.mark.browser


def test_account_and_staff_pages(transactional_db, cast, browser_page):
    page = browser_page
    admin = member("admin_a", cast.agency_a, Membership.Role.AGENCY_ADMIN)
    hoa = services.add_staff(
        actor=admin,
        username="hoa.le",
        full_name="Lê Thị Hoa",
        agency=cast.agency_a,
        role=Membership.Role.CLERK,
        email="hoa@example.vn",
    )
    sign_in(page, admin)
    for path in (
        "/accounts/",
        "/accounts/password/",
        "/accounts/staff/",
        "/accounts/staff/new/",
        f"/accounts/staff/{hoa.pk}/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    # the new-account form sent back with its errors tied to the fields
    page.goto(page.base_url + "/accounts/staff/new/")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#id_username[aria-invalid=true]")
    assert_accessible(page)
