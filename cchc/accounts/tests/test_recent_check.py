"""A session left open is not a check that its owner is at the keyboard: turning two-step
sign-in off or replacing the device, changing the password and managing staff accounts ask
for a fresh code (or the password of an account without a device) when the last check is
older than settings.CCHC_RECHECK_MINUTES."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts import second_factor
from cchc.accounts.models import Membership, User

pytestmark = pytest.mark.django_db
GOOD = "đúng-mật-khẩu-2026"


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _signed_in_with_device(client, user: User) -> TOTPDevice:
    """Signed in past the code, as the sign-in form leaves a session."""
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return device


def _an_hour_ago(client) -> None:
    session = client.session
    session[second_factor.CHECKED_AT_SESSION_KEY] = int(time.time()) - 3600
    session.save()


@pytest.fixture
def home_affairs(cast):
    user = cast.province_admin
    user.set_password(GOOD)
    user.save()
    return user


def test_managing_staff_in_an_old_session_asks_for_a_fresh_code_first(
    client, cast, home_affairs, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.CCHC_RECHECK_MINUTES = 15
    device = _signed_in_with_device(client, home_affairs)
    # just signed in: no new check
    assert client.get(reverse("accounts:staff_new")).status_code == 200
    _an_hour_ago(client)
    detail = reverse("accounts:staff_detail", args=[cast.clerk_a.pk])
    grant = reverse("accounts:staff_action", args=[cast.clerk_a.pk, "grant"])
    refused = client.post(
        grant, {"agency": cast.agency_a.pk, "role": "LEADER"}, HTTP_REFERER=detail
    )
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("accounts:recheck"))
    assert not Membership.objects.filter(user=cast.clerk_a, role="LEADER").exists()
    # the list is only read: it stays open
    assert client.get(reverse("accounts:staff")).status_code == 200
    page = client.get(refused["Location"])
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    wrong = client.post(refused["Location"], {"token": "000000", "next": detail})
    assert wrong.status_code == 400
    ok = client.post(refused["Location"], {"token": _code(device), "next": detail})
    assert ok.status_code == 302 and ok["Location"] == detail
    done = client.post(grant, {"agency": cast.agency_a.pk, "role": "LEADER"})
    assert done.status_code == 302 and done["Location"] == detail
    assert Membership.objects.filter(user=cast.clerk_a, role="LEADER").exists()


def test_replacing_the_device_and_the_password_need_a_fresh_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    staff = User.objects.create_user("lan", password=GOOD, kind=User.Kind.STAFF)
    device = _signed_in_with_device(client, staff)
    _an_hour_ago(client)
    for page in (reverse("accounts:otp_setup"), reverse("accounts:password_change")):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:recheck")), page
    off = client.post(reverse("accounts:otp_remove"))
    assert off.status_code == 302 and off["Location"].startswith(reverse("accounts:recheck"))
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    client.post(
        reverse("accounts:recheck"),
        {"token": _code(device), "next": reverse("accounts:otp_setup")},
    )
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    gone = client.post(reverse("accounts:otp_remove"))
    assert gone.status_code == 302 and gone["Location"] == reverse("accounts:me")
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_an_administrator_cannot_turn_it_off(client, home_affairs):
    _signed_in_with_device(client, home_affairs)
    response = client.post(reverse("accounts:otp_remove"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    assert TOTPDevice.objects.filter(user=home_affairs, confirmed=True).exists()


def test_an_account_without_a_device_confirms_with_its_password(client, cast, settings):
    boss = User.objects.create_user("quantri_x", password=GOOD, kind=User.Kind.STAFF)
    Membership.objects.create(user=boss, agency=cast.agency_a, role="AGENCY_ADMIN")
    client.force_login(boss)
    _an_hour_ago(client)
    target = reverse("accounts:staff_new")
    response = client.get(target)
    assert response["Location"].startswith(reverse("accounts:recheck"))
    page = client.get(response["Location"])
    assert 'name="password"' in page.content.decode()
    assert (
        client.post(reverse("accounts:recheck"), {"password": "sai", "next": target}).status_code
        == 400
    )
    ok = client.post(reverse("accounts:recheck"), {"password": GOOD, "next": target})
    assert ok.status_code == 302 and ok["Location"] == target
    # the password change form asks the password itself: no second question
    _an_hour_ago(client)
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_five_wrong_answers_sign_the_session_out(client):
    staff = User.objects.create_user("minh", password=GOOD, kind=User.Kind.STAFF)
    client.force_login(staff)
    for _ in range(second_factor.RECHECK_MAX_ATTEMPTS):
        response = client.post(reverse("accounts:recheck"), {"password": "sai-roi"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_next_address_stays_on_this_site(client):
    staff = User.objects.create_user("tuan", password=GOOD, kind=User.Kind.STAFF)
    client.force_login(staff)
    response = client.post(
        reverse("accounts:recheck"), {"password": GOOD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:me")


def test_a_change_in_the_admin_in_an_old_session_asks_for_the_code(admin_client, admin_user):
    from django.contrib.auth import SESSION_KEY

    target = User.objects.create_user("hoa", password=GOOD, kind=User.Kind.STAFF)
    page = reverse("admin:auth_user_password_change", args=[target.pk])
    new = {"password1": "mot-mat-khau-moi-2026", "password2": "mot-mat-khau-moi-2026"}
    assert admin_client.get(page).status_code == 200  # reading stays open
    _an_hour_ago(admin_client)
    response = admin_client.post(page, new)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:recheck"))
    target.refresh_from_db()
    assert target.check_password(GOOD)
    # signing out of the admin is never held
    assert admin_client.post(reverse("admin:logout")).status_code in (200, 302)
    assert SESSION_KEY not in admin_client.session
