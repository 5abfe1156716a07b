"""The staff list as Vietnamese staff read it: search without accents, names and agencies in
Vietnamese alphabetical order; the staff file's preview in the order of the file's lines."""

from __future__ import annotations

import re

from django.urls import reverse

from cchc.accounts import staff_import
from cchc.accounts.models import Membership, User
from cchc.core.collation import vietnamese_sort_key
from cchc.testing import AgencyFactory, client_for

R = Membership.Role
HEADER = "username,full_name,email,phone,agency_code,role\n"


def _staff(username: str, full_name: str, agency) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create(username=username, full_name=full_name, kind=User.Kind.STAFF)
    Membership.objects.create(user=user, agency=agency, role=R.CLERK)
    return user


def _names(html: str) -> list[str]:
    return re.findall(r'/accounts/staff/\d+/">([^<]+)</a>', html)


def test_staff_are_found_without_accents(cast):
    _staff("nguyen.hoa", "Nguyễn Thị Hoà", cast.agency_a)
    _staff("dang.tu", "Đặng Văn Tú", cast.agency_a)
    sonoivu = client_for(cast.province_admin)
    for query, found in (
        ("nguyen", ["Nguyễn Thị Hoà"]),
        ("NGUYỄN hoa", ["Nguyễn Thị Hoà"]),
        ("dang tu", ["Đặng Văn Tú"]),
        ("dang.tu", ["Đặng Văn Tú"]),
    ):
        page = sonoivu.get(reverse("accounts:staff"), {"q": query}).content.decode()
        assert _names(page) == found, query


def test_names_and_agencies_are_in_vietnamese_alphabetical_order(cast):
    for username, name in (
        ("vu.lan", "Vũ Thị Lan"),
        ("dang.tu", "Đặng Văn Tú"),
        ("duong.minh", "Dương Minh"),
        ("an.le", "Ân Lê"),
        ("an.ho", "An Hồ"),
        ("e.ba", "Ê Ba"),
    ):
        _staff(username, name, cast.agency_c)
    AgencyFactory(code="H26.03", name="Đài Phát thanh và Truyền hình")
    AgencyFactory(code="H26.04", name="Ban Quản lý dự án")
    sonoivu = client_for(cast.province_admin)
    page = sonoivu.get(reverse("accounts:staff"), {"agency": cast.agency_c.code}).content.decode()
    assert _names(page) == [
        "An Hồ",
        "Ân Lê",
        "Dương Minh",
        "Đặng Văn Tú",
        "Ê Ba",
        "Outsider",
        "Vũ Thị Lan",
    ]
    page = sonoivu.get(reverse("accounts:staff")).content.decode()
    options = re.findall(r'<option value="H26[^"]*"[^>]*>([^<]+)</option>', page)
    assert options == sorted(options, key=vietnamese_sort_key)
    assert options.index("Ban Quản lý dự án") < options.index("Đài Phát thanh và Truyền hình")
    assert options.index("Đài Phát thanh và Truyền hình") < options.index("Sở Tư pháp")
    assert options[-1] == "UBND phường Hoàn Kiếm"


def test_the_sort_key_follows_the_vietnamese_alphabet_then_the_tones():
    words = ["Ăn", "An", "Ân", "Ba", "Đa", "Da", "Ê", "E", "Lan", "Làn", "Lán", "Lạn", "Lanh"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "An",
        "Ăn",
        "Ân",
        "Ba",
        "Da",
        "Đa",
        "E",
        "Ê",
        "Lan",
        "Làn",
        "Lán",
        "Lạn",
        "Lanh",
    ]


def test_the_import_preview_lists_the_lines_in_file_order(cast):
    text = HEADER + (
        "clerk_a,Clerk A,clerk@example.vn,,H26.01,SPECIALIST\n"  # an existing account: a role
        "lan.tran,Trần Thị Lan,lan@example.vn,,H26.100,CLERK\n"
        "lan.tran,Trần Thị Lan,lan@example.vn,,H26.01,CLERK\n"
        "minh.do,Đỗ Văn Minh,,0912 345 678,H26.01,LEADER\n"
    )
    plan = staff_import.check(cast.province_admin, text)
    assert [(e["line"], e["username"]) for e in plan.changes] == [
        (2, "clerk_a"),
        (3, "lan.tran"),
        (4, "lan.tran"),
        (5, "minh.do"),
    ]
    page = client_for(cast.province_admin).post(reverse("accounts:staff_import"), {"content": text})
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page.content.decode())
    assert rows == [("2", "clerk_a"), ("3", "lan.tran"), ("4", "lan.tran"), ("5", "minh.do")]
