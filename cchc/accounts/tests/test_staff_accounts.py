"""Staff accounts managed in the platform: Home Affairs for the province's agencies, an
agency's administrator for that agency; every change logged (AccountEvent, hash-chained),
a new account without a password until its owner sets one with the link sent to them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cchc.accounts import services
from cchc.accounts.models import AccountEvent, Membership, User
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.testing import client_for, member

R = Membership.Role


@pytest.fixture
def agency_admin(cast):  # type: ignore[no-untyped-def]
    return member("admin_a", cast.agency_a, R.AGENCY_ADMIN)


def new_account(client, cast, **over):  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Lê Thị Hoa",
        "username": "hoa.le",
        "email": "hoa@example.vn",
        "phone": "",
        "agency": cast.agency_a.pk,
        "role": R.CLERK,
        **over,
    }
    return client.post(reverse("accounts:staff_new"), data)


def test_an_agency_admin_opens_an_account_whose_owner_sets_the_password(
    transactional_db, cast, agency_admin
):
    admin = client_for(agency_admin)
    assert reverse("accounts:staff") in admin.get(reverse("home")).content.decode()
    created = new_account(admin, cast)
    hoa = User.objects.get(username="hoa.le")
    assert created.status_code == 302 and created.url == reverse(
        "accounts:staff_detail", args=[hoa.pk]
    )
    assert not hoa.has_usable_password() and hoa.kind == User.Kind.STAFF
    assert list(hoa.memberships.values_list("agency_id", "role")) == [(cast.agency_a.pk, R.CLERK)]
    assert [e.action for e in AccountEvent.objects.filter(user=hoa).order_by("seq")] == [
        "create",
        "invite",
    ]
    assert run_jobs() == 1
    link = re.search(r"https?://\S+?/password/reset/\S+?/\S+?/", mail.outbox[-1].body).group(0)
    assert "hoa.le" in mail.outbox[-1].body
    owner = Client()
    form_url = owner.get(link, follow=True).redirect_chain[-1][0]
    owner.post(
        form_url, {"new_password1": "hoa-mat-khau-2026", "new_password2": "hoa-mat-khau-2026"}
    )
    hoa.refresh_from_db()
    assert hoa.check_password("hoa-mat-khau-2026")

    # listed, searchable; the same user name again is refused on its field
    listing = admin.get(reverse("accounts:staff"), {"q": "hoa"}).content.decode()
    assert "Lê Thị Hoa" in listing
    again = new_account(admin, cast, username="HOA.LE").content.decode()
    assert "Tên đăng nhập này đã có người dùng." in again
    none = new_account(admin, cast, username="khong.lienlac", email="").content.decode()
    assert 'aria-invalid="true"' in none
    assert not User.objects.filter(username="khong.lienlac").exists()


def test_roles_and_switching_off_are_logged_with_their_reasons(cast, agency_admin):
    admin = client_for(agency_admin)
    url = reverse("accounts:staff_action", args=[cast.clerk_a.pk, "grant"])
    admin.post(url, {"agency": cast.agency_a.pk, "role": R.SPECIALIST})
    assert cast.clerk_a.memberships.filter(role=R.SPECIALIST).exists()
    specialist = cast.clerk_a.memberships.get(role=R.SPECIALIST)
    revoke = reverse("accounts:staff_action", args=[cast.clerk_a.pk, "revoke"])
    no_reason = admin.post(revoke, {"membership": specialist.pk, "reason": ""}, follow=True)
    assert "Hãy nêu lý do rút vai trò." in no_reason.content.decode()
    admin.post(revoke, {"membership": specialist.pk, "reason": "Chuyển công tác"})
    assert not cast.clerk_a.memberships.filter(role=R.SPECIALIST).exists()

    last = cast.clerk_a.memberships.get()  # the last role: the account is switched off instead
    refused = admin.post(revoke, {"membership": last.pk, "reason": "Nghỉ"}, follow=True)
    assert "hãy khóa tài khoản" in refused.content.decode()
    assert cast.clerk_a.memberships.filter(pk=last.pk).exists()

    off = reverse("accounts:staff_action", args=[cast.clerk_a.pk, "deactivate"])
    admin.post(off, {"reason": "Nghỉ hưu"})
    cast.clerk_a.refresh_from_db()
    assert not cast.clerk_a.is_active
    assert client_for(cast.clerk_a).get(reverse("dossiers:queue")).status_code == 302
    actions = list(
        AccountEvent.objects.filter(user=cast.clerk_a).order_by("seq").values_list("action", "note")
    )
    assert actions == [("grant", ""), ("revoke", "Chuyển công tác"), ("deactivate", "Nghỉ hưu")]
    page = admin.get(reverse("accounts:staff_detail", args=[cast.clerk_a.pk])).content.decode()
    assert "Nghỉ hưu" in page and "Chuyển công tác" in page
    # the role by its name, not its code
    assert "(H26.100, Chuyên viên)" in page and "(H26.100, SPECIALIST)" not in page


def test_who_may_manage_whom(cast, agency_admin):
    # an agency's administrator: only that agency's staff
    with pytest.raises(NotPermitted):
        services.grant_role(
            actor=agency_admin, user=cast.clerk_b, agency=cast.agency_b, role=R.CLERK
        )
    assert (
        client_for(agency_admin)
        .get(reverse("accounts:staff_detail", args=[cast.clerk_b.pk]))
        .status_code
        == 404
    )
    # Home Affairs: every agency of the province
    services.grant_role(
        actor=cast.province_admin, user=cast.clerk_b, agency=cast.agency_a, role=R.CLERK
    )
    # a member of two agencies is switched off only by whoever manages both: the page of the
    # agency administrator says so instead of offering a form the service would refuse
    page = client_for(agency_admin).get(reverse("accounts:staff_detail", args=[cast.clerk_b.pk]))
    assert "/deactivate/" not in page.content.decode()
    assert "Sở Nội vụ khóa tài khoản" in page.content.decode()
    with pytest.raises(NotPermitted):
        services.set_active(actor=agency_admin, user=cast.clerk_b, active=False, reason="x")
    with pytest.raises(ValidationFailed):
        services.set_active(actor=agency_admin, user=agency_admin, active=False, reason="x")
    # nobody else reaches the pages
    for user in (cast.clerk_a, cast.leader_a, cast.inspector, cast.citizen):
        assert client_for(user).get(reverse("accounts:staff")).status_code == 403, user
        assert (
            reverse("accounts:staff") not in client_for(user).get(reverse("home")).content.decode()
        )
    assert client_for(cast.province_admin).get(reverse("accounts:staff")).status_code == 200
