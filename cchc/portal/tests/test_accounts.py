"""Citizen sign-up verified by a one-time code; citizen ID validated and stored protected."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from cchc.accounts.models import User, hash_national_id, users_by_contact
from cchc.core.errors import ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.core.sms import MemorySmsBackend
from cchc.portal import services
from cchc.portal.models import VerificationCode
from cchc.portal.validators import clean_citizen_id

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Trần Thị Bình",
    "email": "binh@example.vn",
    "phone": "",
    "national_id": "079185001234",
    "password": "mật-khẩu-dài-2026",
    "password2": "mật-khẩu-dài-2026",
}


@pytest.mark.parametrize(
    "raw", ["07918500123", "0791850012345", "abc185001234", "000185001234", "097185001234"]
)
def test_citizen_id_structure_is_checked(raw):
    with pytest.raises(ValidationFailed):
        clean_citizen_id(raw)


def test_citizen_id_accepts_spaces_and_valid_province():
    assert clean_citizen_id("079 185 001 234") == "079185001234"
    assert clean_citizen_id("096300000001") == "096300000001"


def _code_from_mail() -> str:
    run_jobs()  # the code is sent by the job runner, after the request
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_signup_by_email_then_code_activates_and_signs_in(transactional_db, client):
    response = client.post(reverse("portal:signup"), SIGNUP)
    assert response.status_code == 302 and response.url == reverse("portal:verify")
    user = users_by_contact("binh@example.vn").get()
    assert not user.is_active and user.kind == User.Kind.CITIZEN
    assert (
        user.national_id_hash == hash_national_id("079185001234")
        and user.national_id_last4 == "1234"
    )
    assert "079185001234" not in str(
        User.objects.filter(pk=user.pk).values().get()
    )  # never stored in clear
    code = _code_from_mail()
    assert code not in VerificationCode.objects.get(user=user).code_hash
    response = client.post(reverse("portal:verify"), {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_verified
    page = client.get(reverse("portal:my_dossiers")).content.decode()
    assert "********1234" in page


def test_signup_by_phone_sends_sms(transactional_db, client, settings):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.post(reverse("portal:signup"), {**SIGNUP, "email": "", "phone": "+84 912 000 111"})
    user = users_by_contact("0912000111").get()
    run_jobs()
    phone, text = MemorySmsBackend.outbox[-1]
    assert phone == "0912000111"
    code = re.search(r"\b(\d{6})\b", text).group(1)
    services.verify_code(user=user, code=code)
    user.refresh_from_db()
    assert user.is_active and user.phone_verified


def test_bad_id_gives_vietnamese_message_and_keeps_entries(client):
    response = client.post(reverse("portal:signup"), {**SIGNUP, "national_id": "12345"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "12 chữ số" in page  # Vietnamese message
    assert 'value="Trần Thị Bình"' in page and 'value="binh@example.vn"' in page


def test_password_rules_are_stated_and_every_mistake_shows_at_once(client):
    with translation.override("vi"):
        page = client.get(reverse("portal:signup")).content.decode()
        # the rules of AUTH_PASSWORD_VALIDATORS, before the citizen meets them
        assert "ít nhất 12 ký tự" in page and "không chỉ gồm chữ số" in page
        response = client.post(
            reverse("portal:signup"),
            {
                **SIGNUP,
                "national_id": "12345",
                "phone": "12",
                "password": "123456789",
                "password2": "123456789",
            },
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"national_id", "phone", "password"}
    assert "12 chữ số" in " ".join(errors["national_id"])
    password_errors = " ".join(errors["password"])
    assert "12 ký tự" in password_errors and "hoàn toàn là số" in password_errors
    assert not User.objects.exists()


def test_wrong_codes_are_limited_and_codes_expire(transactional_db, client):
    client.post(reverse("portal:signup"), SIGNUP)
    user = users_by_contact("binh@example.vn").get()
    good = _code_from_mail()
    wrong = "000000" if good != "000000" else "111111"
    for _i in range(services.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.verify_code(user=user, code=wrong)
    with pytest.raises(ValidationFailed, match="Too many|quá nhiều"):
        services.verify_code(user=user, code=good)
    services.send_code(user=user)
    fresh = _code_from_mail()
    VerificationCode.objects.filter(user=user, used_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationFailed):
        services.verify_code(user=user, code=fresh)
    user.refresh_from_db()
    assert not user.is_active


def test_an_active_account_cannot_be_taken_over(client, cast):
    client.post(reverse("portal:signup"), {**SIGNUP, "email": "citizen@example.vn"})
    assert users_by_contact("citizen@example.vn").count() == 1
    assert User.objects.get(username="citizen").is_active


def test_citizen_id_with_spaces_and_dots_is_normalised_and_never_cut():
    # Issue 16, point 6: the same normalisation as the counter (cchc.core.identifiers).
    from cchc.portal.forms import SignupForm
    from cchc.portal.validators import clean_citizen_id

    assert clean_citizen_id("001 099.012-345") == "001099012345"
    assert clean_citizen_id("001\u00a0099\u00a0012\u00a0345") == "001099012345"
    assert SignupForm.base_fields["national_id"].max_length >= len("0 0 1 0 9 9 0 1 2 3 4 5")
