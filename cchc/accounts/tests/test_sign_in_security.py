"""Issue 12.1: throttled sign-in (per account and address, no office-wide lock-out), password
policy, TOTP second factor (required for administrators), session rotation, audit trail,
sign-up without account enumeration, the demo's second factor."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.lockout import DEVICE_COOKIE
from cchc.accounts.models import User, users_by_contact
from cchc.core.jobs import run_jobs
from cchc.portal.models import PortalActivity
from cchc.portal.tests.test_accounts import SIGNUP

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
GOOD = "đúng-mật-khẩu-2026"


def _user(username: str, **extra) -> User:
    user = User.objects.create(username=username, kind=User.Kind.STAFF, **extra)
    user.set_password(GOOD)
    user.save()
    return user


def _post_login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


# -- password policy ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "password", ["ngắn-quá-11", "123456789012", "password1234", "1qaz2wsx3edc"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("sông-hồng-chảy-2026")


# -- throttle -----------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_pair_not_the_office(client, settings):
    alice = _user("alice")
    _user("bob")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _post_login(client, "alice", "sai-mật-khẩu-1")
        assert response.status_code == 200 and not _signed_in(client)
    assert _post_login(client, "alice", "sai-mật-khẩu-1").status_code == 429
    # the right password no longer opens the account from this address...
    response = _post_login(client, "alice", GOOD)
    assert response.status_code == 429 and not _signed_in(client)
    assert "15" in response.content.decode()
    # ...but a colleague behind the same office address signs in,
    assert _post_login(client, "bob", GOOD).status_code == 302 and _signed_in(client)
    client.logout()
    # and alice from her other address too.
    assert _post_login(client, "alice", GOOD, ip="10.0.0.2").status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    actions = list(PortalActivity.objects.values_list("action", flat=True))
    assert actions.count("login_failed") >= settings.AXES_FAILURE_LIMIT
    assert "login_locked_out" in actions
    failed = PortalActivity.objects.filter(action="login_failed").first()
    assert failed.actor_label == "alice" and failed.data["ip"] == "10.0.0.1"
    assert GOOD not in str(failed.data) and "sai-mật-khẩu" not in str(failed.data)


def test_an_account_guessed_from_many_addresses_is_locked_except_on_its_known_device(
    client, settings
):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    _user("carol")
    # carol signed in once from this browser: it holds her device cookie
    assert _post_login(client, "carol", GOOD, ip="10.9.9.9").status_code == 302
    cookie = client.cookies[DEVICE_COOKIE].value
    client.logout()
    for i in range(8):  # four addresses, two guesses each: no pair reaches 5
        _post_login(client, "carol", f"đoán-sai-{i}-xxxx", ip=f"172.16.0.{i % 4}")
    assert _post_login(client, "carol", GOOD, ip="172.16.0.200").status_code == 429
    client.cookies[DEVICE_COOKIE] = cookie
    assert _post_login(client, "carol", GOOD, ip="172.16.0.200").status_code == 302


def test_password_spraying_from_one_address_is_stopped(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    _user("dave")
    for i in range(6):
        _post_login(client, f"nobody{i}", "mật-khẩu-phổ-biến", ip="203.0.113.5")
    assert _post_login(client, "dave", GOOD, ip="203.0.113.5").status_code == 429
    assert _post_login(client, "dave", GOOD, ip="203.0.113.6").status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    _user("mallory")
    _user("victim")
    for i in range(6):
        _post_login(client, f"someone{i}", "đoán-bừa-mật-khẩu", ip="198.51.100.7")
        if i < 5:
            assert _post_login(client, "mallory", GOOD, ip="198.51.100.7").status_code == 302
            client.logout()
    assert _post_login(client, "victim", GOOD, ip="198.51.100.7").status_code == 429


def test_admin_login_form_checks_no_password(client):
    root = User.objects.create_superuser("root", password=GOOD)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": GOOD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _signed_in(client)
    assert not PortalActivity.objects.exists()
    # signed in without the second factor, the admin site stays closed
    client.force_login(root)
    assert client.get("/admin/").status_code == 302


def test_sign_in_rotates_the_session_key(client):
    _user("erin")
    client.get(LOGIN)
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert _post_login(client, "erin", GOOD).status_code == 302
    assert client.session.session_key != before


# -- second factor ------------------------------------------------------------------------
def test_staff_with_a_device_needs_the_code_after_the_password(client, settings):
    # django-otp makes a device wait 1, 2, 4... s after each wrong code; not in this test
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    frank = _user("frank")
    device = TOTPDevice.objects.create(user=frank, name="t", confirmed=True)
    response = _post_login(client, "frank", GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    assert not _signed_in(client)
    bad = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert bad.status_code == 400 and not _signed_in(client)
    assert PortalActivity.objects.filter(action="otp_failed").exists()
    ok = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert ok.status_code == 302 and _signed_in(client)
    assert client.session["otp_device_id"] == device.persistent_id


def test_too_many_wrong_codes_send_back_to_the_password(client):
    gina = _user("gina")
    TOTPDevice.objects.create(user=gina, name="t", confirmed=True)
    _post_login(client, "gina", GOOD)
    for _ in range(5):
        response = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get(reverse("accounts:otp_verify")).status_code == 302


def test_an_administrator_must_enrol_before_anything_else(client):
    root = _user("root2", is_superuser=True, is_staff=True)
    assert _post_login(client, "root2", GOOD).status_code == 302
    page = client.get("/staff/")
    assert page.status_code == 302 and page["Location"] == reverse("accounts:otp_setup")
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/v1/dossiers")
    assert api.status_code == 403
    setup = client.get(reverse("accounts:otp_setup"))
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    done = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["province", "agency"])
def test_province_and_agency_administrators_sign_in_in_two_steps(client, cast, who, settings):
    """Home Affairs and an agency's administrator open accounts and grant roles: after the
    password they enrol (no device yet) before reaching anything, or give the code."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    from cchc.accounts.models import Membership

    if who == "province":
        boss = _user("sonoivu_t", province_code="01")
        User.objects.filter(pk=boss.pk).update(kind=User.Kind.PROVINCE_ADMIN)
    else:
        boss = _user("quantri_t")
        Membership.objects.create(user=boss, agency=cast.agency_b, role="AGENCY_ADMIN")
    first = _post_login(client, boss.username, GOOD)
    assert first.status_code == 302 and first["Location"] == reverse("accounts:otp_setup")
    for page in (reverse("accounts:staff"), reverse("accounts:staff_new"), "/staff/", "/"):
        held = client.get(page)
        assert held.status_code == 302 and held["Location"] == reverse("accounts:otp_setup"), page
    assert client.get("/api/v1/dossiers").status_code == 403
    setup = client.get(reverse("accounts:otp_setup"))
    assert "Tài khoản quản trị bắt buộc dùng đăng nhập hai bước" in setup.content.decode()
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    assert client.post(reverse("accounts:otp_setup"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("accounts:staff")).status_code == 200
    # next time: the password, then the code
    client.logout()
    again = _post_login(client, boss.username, GOOD)
    assert again["Location"] == reverse("accounts:otp_verify") and not _signed_in(client)
    ok = client.post(reverse("accounts:otp_verify"), {"token": _code(device, 1)})
    assert ok.status_code == 302 and client.get(reverse("accounts:staff")).status_code == 200


def test_ordinary_staff_may_work_without_a_device_and_citizens_are_not_offered_one(client, cast):
    _user("hanh")
    assert _post_login(client, "hanh", GOOD)["Location"] != reverse("accounts:otp_setup")
    assert client.get(reverse("accounts:me")).status_code == 200
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    client.force_login(cast.citizen)
    assert client.get(reverse("accounts:otp_setup")).status_code == 404


def test_demo_otp_code_prints_the_demo_admins_current_code():
    from cchc.demo.management.commands.seed_demo import DEMO_TOTP_KEY

    admin = _user("admin", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    out = io.StringIO()
    call_command("demo_otp_code", stdout=out)
    assert out.getvalue().strip() in {_code(device), _code(device, 1)}
    assert device.verify_token(out.getvalue().strip())


def test_the_demo_gives_its_province_and_agency_administrators_a_known_key(cast):
    """They sign in in two steps too (second_factor.required_at_sign_in): `demo_otp_code
    sonoivu` prints the code of the demo's Home Affairs account."""
    from cchc.demo.management.commands import seed_demo

    command = seed_demo.Command(stdout=io.StringIO())
    command._users()
    for username in ("sonoivu", "quantri.tuphap"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        out = io.StringIO()
        call_command("demo_otp_code", username, stdout=out)
        assert device.verify_token(out.getvalue().strip()), username
    assert not TOTPDevice.objects.filter(user__username="motcua.badinh").exists()


# -- sign-up does not reveal accounts -----------------------------------------------------


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)


def test_sign_up_answers_the_same_for_an_existing_account(transactional_db, client):
    new = client.post(reverse("portal:signup"), SIGNUP)
    new_page = client.get(new["Location"]).content.decode()
    client.session.flush()
    taken = _user("taken", email="taken@example.vn", is_active=True)
    other = client.__class__()
    again = other.post(reverse("portal:signup"), {**SIGNUP, "email": "taken@example.vn"})
    assert again.status_code == new.status_code == 302
    assert again["Location"] == new["Location"]
    page = other.get(again["Location"]).content.decode()
    assert "ta***@example.vn" in page and "already" not in page and "đã có" not in page
    assert _without_tokens(page.replace("ta***", "bi***")) == _without_tokens(new_page)
    assert users_by_contact("taken@example.vn").count() == 1
    # the owner is told by their own address, by the job runner after the answer (sent in
    # the request, it made the answer slower exactly when the address was taken)
    assert not [m for m in mail.outbox if m.to == [taken.email]]
    run_jobs()
    # the stranger only sees "wrong code"
    assert (
        mail.outbox[-1].to == [taken.email]
        and "sign in" in mail.outbox[-1].body.lower()
        or ("đăng nhập" in mail.outbox[-1].body.lower())
    )
    wrong = other.post(reverse("portal:verify"), {"code": "123456"})
    assert wrong.status_code == 200 and not _signed_in(other)


def test_sign_up_with_a_registered_citizen_id_creates_nothing(client):
    owner = _user("owner", email="owner@example.vn", is_active=True)
    owner.set_national_id(SIGNUP["national_id"])
    owner.save()
    response = client.post(reverse("portal:signup"), {**SIGNUP, "email": "new@example.vn"})
    assert response.status_code == 302
    assert not users_by_contact("new@example.vn").exists()


# -- SMS log ------------------------------------------------------------------------------
def test_the_default_sms_backend_logs_no_phone_number_or_code(caplog):
    from cchc.core.sms import LogSmsBackend

    with caplog.at_level(logging.INFO, logger="cchc.sms"):
        LogSmsBackend().send("0912345678", "Mã xác thực CCHC của bạn là 482913.")
    text = caplog.text
    assert "0912345678" not in text and "482913" not in text
    assert "***678" in text and "******" in text
