"""One e-mail, one phone, one account: staff sign in with them (backends.ContactBackend) and
an address two accounts hold signs neither in, so the create form, the admin's edit form and
the staff file refuse an e-mail or phone another account already holds (any spelling of the
phone: they are compared through the keyed hashes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse

from cchc.accounts import services, staff_import
from cchc.accounts.models import Membership, User
from cchc.accounts.staff_import import LineError
from cchc.core.errors import ValidationFailed
from cchc.testing import client_for

R = Membership.Role
HEADER = "username,full_name,email,phone,agency_code,role\n"
EMAIL_TAKEN = "Một tài khoản khác đã dùng địa chỉ e-mail này"
PHONE_TAKEN = "Một tài khoản khác đã dùng số điện thoại này"


@pytest.fixture
def hoang(cast):  # type: ignore[no-untyped-def]
    return services.add_staff(
        actor=cast.province_admin,
        username="hoang.moi",
        full_name="Hoàng Mới",
        agency=cast.agency_b,
        role=R.CLERK,
        email="hoang.moi@tuphap.hanoi.gov.vn",
        phone="0912000111",
    )


def _new(client, cast, **over):  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Hoàng Mới Hai",
        "username": "hoang.moi2",
        "email": "",
        "phone": "",
        "agency": cast.agency_b.pk,
        "role": R.CLERK,
        **over,
    }
    return client.post(reverse("accounts:staff_new"), data)


def test_the_create_form_refuses_an_email_or_phone_another_account_holds(cast, hoang):
    sonoivu = client_for(cast.province_admin)
    page = _new(sonoivu, cast, email="Hoang.Moi@tuphap.hanoi.gov.vn").content.decode()
    assert EMAIL_TAKEN in page
    page = _new(sonoivu, cast, phone="+84 912 000 111").content.decode()
    assert PHONE_TAKEN in page
    assert not User.objects.filter(username="hoang.moi2").exists()
    with pytest.raises(ValidationFailed) as refused:
        services.add_staff(
            actor=cast.province_admin,
            username="hoang.moi3",
            full_name="Hoàng Mới Ba",
            agency=cast.agency_b,
            role=R.CLERK,
            phone="0912 000 111",
        )
    assert refused.value.field == "phone"
    # a contact of its own is accepted
    assert _new(sonoivu, cast, email="hoang.hai@tuphap.hanoi.gov.vn").status_code == 302


def test_the_admin_edit_form_refuses_another_accounts_contact(cast, hoang):
    model_admin = admin.site._registry[User]
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    form_class = model_admin.get_form(
        request, obj=cast.clerk_a, fields=["username", "email", "phone"]
    )

    def edit(**over):  # type: ignore[no-untyped-def]
        data = {"username": "clerk_a", "email": "", "phone": "", **over}
        return form_class(instance=cast.clerk_a, data=data)

    taken = edit(email="hoang.moi@tuphap.hanoi.gov.vn", phone="0912.000.111")
    assert not taken.is_valid()
    assert EMAIL_TAKEN in str(taken.errors["email"]) and PHONE_TAKEN in str(taken.errors["phone"])
    assert edit(email="clerk.a@example.vn").is_valid()
    # the account's own contact, saved again unchanged, is its own
    form = model_admin.get_form(request, obj=hoang, fields=["username", "email", "phone"])
    same = {"username": "hoang.moi", "email": hoang.email, "phone": hoang.phone}
    assert form(instance=hoang, data=same).is_valid()


def test_the_staff_file_refuses_a_held_contact_and_one_given_twice_writing_nothing(
    cast, hoang, tmp_path: Path
):
    text = HEADER + (
        "ok.one,Người Một,one@example.vn,,H26.01,CLERK\n"
        "hoang.moi3,Hoàng Ba,hoang.moi@tuphap.hanoi.gov.vn,,H26.01,CLERK\n"
        "tam.le,Lê Tâm,tam@example.vn,0913 222 333,H26.01,CLERK\n"
        "tam.le,Lê Tâm,tam@example.vn,0913 222 333,H26.100,CLERK\n"  # one person, two roles
        "tam.le2,Lê Tâm Hai,TAM@example.vn,+84913222333,H26.01,CLERK\n"
        "hoa.vu,Vũ Hoa,,0912 000 111,H26.01,CLERK\n"
    )
    plan = staff_import.load(cast.province_admin, text)
    assert plan.errors == [
        LineError(3, "email", plan.errors[0].message),
        LineError(6, "email", "Dòng 4 đã dùng địa chỉ e-mail này cho một tài khoản khác."),
        LineError(6, "phone", "Dòng 4 đã dùng số điện thoại này cho một tài khoản khác."),
        LineError(7, "phone", plan.errors[3].message),
    ]
    assert EMAIL_TAKEN in plan.errors[0].message and PHONE_TAKEN in plan.errors[3].message
    assert not User.objects.filter(username__in=["ok.one", "tam.le", "tam.le2"]).exists()

    path = tmp_path / "staff.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), user="province_admin")
    assert not User.objects.filter(username="ok.one").exists()
    page = client_for(cast.province_admin).post(reverse("accounts:staff_import"), {"content": text})
    assert "Dòng 4 đã dùng số điện thoại này cho một tài khoản khác." in page.content.decode()
