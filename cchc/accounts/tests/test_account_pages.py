"""What a person finds on the sign-in and two-step pages (walk of the accounts pages)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_leads_a_newcomer_to_both_sign_ups(client):
    with translation.override("vi"):
        page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("portal:signup")}"' in page
    assert f'href="{reverse("portal:signup")}?as=organisation"' in page


def test_the_two_step_page_of_an_account_with_a_device_offers_to_replace_or_turn_off(client):
    staff = User.objects.create_user("lan", password="x-2026-dai-hon", kind=User.Kind.STAFF)
    device = TOTPDevice.objects.create(user=staff, name="t", confirmed=True)
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    with translation.override("vi"):
        page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "Thay thiết bị" in page and ">Bật<" not in page
    assert reverse("accounts:otp_remove") in page


def test_a_staff_members_account_page_says_who_keeps_the_contacts_and_the_two_step_state(
    client, cast
):
    client.force_login(cast.clerk_a)
    with translation.override("vi"):
        page = client.get(reverse("accounts:me")).content.decode()
    assert 'id="contacts-kept-by"' in page
    assert 'id="two-step-state">tắt<' in page
    TOTPDevice.objects.create(user=cast.clerk_a, name="t", confirmed=True)
    with translation.override("vi"):
        page = client.get(reverse("accounts:me")).content.decode()
    assert 'id="two-step-state">bật<' in page
    client.force_login(cast.citizen)
    assert 'id="contacts-kept-by"' not in client.get(reverse("accounts:me")).content.decode()
