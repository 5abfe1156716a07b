"""The signed-in person's account page and password change (the current password first,
the password rules, an audit row); an administrator reaches neither before the second
factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cchc.portal.models import PortalActivity

pytestmark = pytest.mark.django_db

NEW = "mat-khau-moi-2026!"


def test_account_page_and_password_change(cast):
    user = cast.clerk_a
    user.set_password("mat-khau-cu-2026!")
    user.save()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:me")).content.decode()
    assert cast.agency_a.name in page and reverse("accounts:password_change") in page
    assert reverse("accounts:me") in client.get(reverse("home")).content.decode()

    url = reverse("accounts:password_change")
    wrong = client.post(url, {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    user.refresh_from_db()
    assert not user.check_password(NEW)

    done = client.post(
        url, {"old_password": "mat-khau-cu-2026!", "new_password1": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302 and done.url == reverse("accounts:me")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("accounts:me")).status_code == 200  # still signed in here
    assert PortalActivity.objects.filter(action="password_changed").exists()


def test_an_administrator_before_the_second_factor_reaches_neither(admin_user):
    client = Client()
    client.force_login(admin_user)  # password only: no TOTP check in this session
    for name in ("accounts:me", "accounts:password_change"):
        assert client.get(reverse(name)).status_code in (302, 403), name
    assert client.get(reverse("accounts:login")).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in():
    assert Client().get(reverse("accounts:me")).status_code == 302


def test_a_citizens_account_page_leads_to_their_dossiers_and_says_what_is_kept(cast):
    """The portal walk found the citizen's account page a dead end: name and e-mail, nothing
    about the ID the platform holds, no way to their dossiers and the messages about them."""
    from cchc.accounts.models import hash_national_id

    citizen = cast.citizen
    client = Client()
    client.force_login(citizen)
    page = client.get(reverse("accounts:me")).content.decode()
    assert reverse("portal:my_dossiers") in page
    assert "Hồ sơ của tôi" in page
    citizen.national_id_hash = hash_national_id("001099012345")
    citizen.save(update_fields=["national_id_hash"])
    page = client.get(reverse("accounts:me")).content.decode()
    assert "chỉ lưu dấu vết mã hóa" in page and "001099012345" not in page and "2345" not in page
    # staff see neither line
    client.force_login(cast.clerk_a)
    page = client.get(reverse("accounts:me")).content.decode()
    assert reverse("portal:my_dossiers") not in page and "định danh" not in page
