"""The home page of someone at work: their modules' "to do" cards above the portal (loaded
by htmx, each from its own module); citizens and visitors see the portal alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.testing import client_for

pytestmark = pytest.mark.django_db

CARDS = ("dossiers:my_work", "feedback:my_work", "plans:my_work")


def cards_on_home(client) -> set[str]:  # type: ignore[no-untyped-def]
    body = client.get(reverse("home")).content.decode()
    return {name for name in CARDS if f'hx-get="{reverse(name)}"' in body}


def test_each_role_gets_the_cards_it_may_open(cast, client):
    assert cards_on_home(client_for(cast.clerk_a)) == set(CARDS)
    assert cards_on_home(client_for(cast.province_admin)) == {"plans:my_work"}
    assert cards_on_home(client_for(cast.inspector)) == {"plans:my_work"}
    assert cards_on_home(client_for(cast.citizen)) == set()
    assert cards_on_home(client) == set()
    assert "Việc cần làm" in client_for(cast.clerk_a).get(reverse("home")).content.decode()
    for user in (cast.clerk_a, cast.province_admin, cast.inspector):
        for name in cards_on_home(client_for(user)):
            assert client_for(user).get(reverse(name)).status_code == 200, (user, name)
