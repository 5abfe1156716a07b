"""Where a sign-in lands: the page its `next` asked for when the account may open it (a staff
link forwarded to a citizen is not one: the citizen's own dossiers, with a word on why), never
a page of another site."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _sign_in(client, user, next_url: str):
    return client.post(f"{LOGIN}?next={next_url}", {"username": user.username, "password": "pw"})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_citizen_sent_to_a_staff_page_lands_on_their_dossiers_with_why(client, cast):
    staff_page = reverse("dossiers:queue")
    signed_in = _sign_in(client, cast.citizen, staff_page)
    assert signed_in.status_code == 302
    landed = client.get(signed_in["Location"])
    assert landed.status_code == 302 and landed["Location"] == reverse("portal:my_dossiers")
    page = client.get(landed["Location"])
    assert page.status_code == 200
    assert "dành cho cán bộ" in page.content.decode()
    # only the sign-in's own hop is turned round: the page asked for again is refused as ever
    assert client.get(staff_page).status_code == 403


def test_a_staff_link_written_with_escaped_letters_is_turned_round_too(client, cast):
    # "/staff/" as a mail client may write it: "%73taff"; Django decodes it to the same page
    staff_page = reverse("dossiers:queue").replace("/s", "/%73", 1)
    signed_in = _sign_in(client, cast.citizen, staff_page.replace("%", "%25"))
    landed = client.get(signed_in["Location"])
    assert landed.status_code == 302 and landed["Location"] == reverse("portal:my_dossiers")


def test_a_citizen_sent_to_a_public_page_lands_there(client, cast):
    signed_in = _sign_in(client, cast.citizen, reverse("portal:procedures"))
    assert signed_in["Location"] == reverse("portal:procedures")
    assert client.get(signed_in["Location"]).status_code == 200


def test_staff_sent_to_a_staff_page_land_there(client, cast):
    staff_page = reverse("dossiers:queue")
    signed_in = _sign_in(client, cast.clerk_a, staff_page)
    assert signed_in["Location"] == staff_page
    landed = client.get(staff_page)
    assert landed.status_code == 200 and not _messages(landed)


def test_staff_sent_to_a_page_their_role_does_not_open_land_on_their_work_page(client, cast):
    # the province's staff accounts are kept by Home Affairs, not by a counter clerk
    signed_in = _sign_in(client, cast.clerk_a, reverse("accounts:staff"))
    landed = client.get(signed_in["Location"])
    assert landed.status_code == 302 and landed["Location"] == reverse("home")
    page = client.get(landed["Location"])
    assert "trang công việc" in page.content.decode()


def test_staff_with_a_code_sent_to_a_page_they_may_not_open_land_on_their_work_page(
    client, cast, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=cast.clerk_a, name="t", confirmed=True)
    _sign_in(client, cast.clerk_a, reverse("accounts:staff"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    coded = client.post(reverse("accounts:otp_verify"), {"token": f"{totp.token():06d}"})
    assert coded["Location"] == reverse("accounts:staff")
    landed = client.get(coded["Location"])
    assert landed.status_code == 302 and landed["Location"] == reverse("home")


@pytest.mark.parametrize(
    "foreign", ["https://evil.example/staff/", "//evil.example/staff/", "http:/\\evil.example/"]
)
def test_a_next_on_another_site_is_not_followed(client, cast, foreign):
    signed_in = _sign_in(client, cast.citizen, foreign)
    assert signed_in["Location"] == reverse("portal:my_dossiers")
    signed_in = _sign_in(client, cast.clerk_a, foreign)
    assert signed_in["Location"] == reverse("home")
