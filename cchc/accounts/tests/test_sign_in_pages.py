"""The sign-in pages as a person meets them: a refused password puts the cursor back on the
password (the name typed stays), a refused code is said next to its field and marks it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def test_a_refused_password_keeps_the_name_and_focuses_the_password(client, cast):
    response = client.post(LOGIN, {"username": cast.citizen.username, "password": "sai"})
    html = response.content.decode()
    username, password = _input(html, "username"), _input(html, "password")
    assert f'value="{cast.citizen.username}"' in username
    assert "autofocus" in password and "autofocus" not in username


def test_the_empty_sign_in_form_focuses_the_name(client):
    html = client.get(LOGIN).content.decode()
    assert "autofocus" in _input(html, "username")
    assert "autofocus" not in _input(html, "password")


def test_a_refused_code_is_tied_to_its_field(client, cast, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=cast.clerk_a, name="t", confirmed=True)
    client.post(LOGIN, {"username": cast.clerk_a.username, "password": "pw"})
    response = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert response.status_code == 400
    html = response.content.decode()
    token = _input(html, "token")
    assert 'aria-invalid="true"' in token and "id_token_error" in token
    assert 'id="id_token_error"' in html
    assert 'autocomplete="one-time-code"' in token and 'inputmode="numeric"' in token


def test_the_enrolment_code_field_is_labelled_and_tied_to_its_error(client, cast):
    client.force_login(cast.clerk_a)
    first = client.get(reverse("accounts:otp_setup")).content.decode()
    # the steps above come first: nothing jumps past them
    assert "autofocus" not in _input(first, "token")
    response = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    html = response.content.decode()
    token = _input(html, "token")
    assert 'aria-invalid="true"' in token and 'id="id_token_error"' in html
    assert '<label for="id_token">' in html


def test_the_locked_out_page_shows_the_ways_back(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": cast.citizen.username, "password": "sai"})
    assert response.status_code == 429
    html = response.content.decode()
    # a citizen cannot ask an agency administrator: the reset link, and the way back
    assert reverse("portal:password_reset") in html
    assert f'href="{LOGIN}"' in html


def test_a_refused_password_change_puts_the_cursor_on_the_first_marked_field(client, cast):
    client.force_login(cast.citizen)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw", "new_password1": "ngắn", "new_password2": "khác"},
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "data-focus-first-error" in html and "portal/first_error" in html


def test_signing_out_says_so(client, cast):
    client.force_login(cast.citizen)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "Đã đăng xuất" in response.content.decode()
