"""The staff list as Vietnamese staff read it: search without accents, names and agencies in
Vietnamese alphabetical order; the staff file's preview in the order of the file's lines."""

from __future__ import annotations

import re

from django.urls import reverse

from cchc.accounts.models import Membership, User
from cchc.testing import client_for

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
