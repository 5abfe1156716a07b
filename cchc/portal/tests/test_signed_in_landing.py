"""Where a citizen lands after signing in: their dossiers ("Hồ sơ của tôi"), or the page they
were going to; staff still land on the home page with their work cards."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2026"


def _sign_in(client, user, next_url: str = ""):  # type: ignore[no-untyped-def]
    user.set_password(PASSWORD)
    user.save()
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data, follow=True)


def test_a_citizen_signing_in_lands_on_their_dossiers(client, cast):
    response = _sign_in(client, cast.citizen)
    assert response.redirect_chain[-1][0] == reverse("portal:my_dossiers")
    assert response.status_code == 200
    # once: the home page is theirs to open afterwards
    assert client.get(reverse("home")).status_code == 200


def test_a_citizen_going_somewhere_lands_there(client, cast):
    target = reverse("portal:procedure", args=[cast.procedure.code])
    response = _sign_in(client, cast.citizen, target)
    assert response.redirect_chain[-1][0] == target
    # and no mark left behind to take them away from the home page later
    assert client.get(reverse("home")).status_code == 200


def test_staff_still_land_on_the_home_page(client, cast):
    response = _sign_in(client, cast.clerk_a)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.status_code == 200
