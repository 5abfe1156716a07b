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


def test_staff_loaded_from_a_file_in_the_browser(transactional_db, cast, browser_page):
    """The whole path a person clicks: choose the file, read the plan, create; a refused
    file shows its lines in a table announced as an alert."""
    page = browser_page
    admin = member("admin_a", cast.agency_a, Membership.Role.AGENCY_ADMIN)
    sign_in(page, admin)
    page.goto(page.base_url + "/accounts/staff/")
    page.get_by_role("button", name="Nạp từ tệp").click()
    assert_accessible(page)
    header = "username,full_name,email,phone,agency_code,role\n"
    bad = header + "x y,,,,H26.100,CLERK\n"
    page.set_input_files(
        "#id_file", {"name": "staff.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("alert").get_by_text("Tệp chưa được nạp").wait_for()
    assert_accessible(page)
    good = header + "thu.pham,Phạm Thu,thu@example.vn,,H26.100,Cán bộ một cửa\n"
    page.set_input_files(
        "#id_file", {"name": "staff.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("cell", name="Phạm Thu").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Tạo các tài khoản").click()
    page.get_by_role("link", name="Phạm Thu").wait_for()
    assert "Đã tạo 1 tài khoản" in page.content()
