"""The portal menu's "My dossiers" (the applicant's own dossiers) is for citizens: staff get
their work queue, not an empty citizen page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_my_dossiers_is_in_the_menu_of_citizens_only(client, cast):
    my = f'href="{reverse("portal:my_dossiers")}"'
    for page in (reverse("portal:procedures"), reverse("portal:lookup")):
        client.force_login(cast.citizen)
        assert my in client.get(page).content.decode()
        for staff in (cast.clerk_a, cast.leader_b, cast.province_admin, cast.inspector):
            client.force_login(staff)
            assert my not in client.get(page).content.decode(), (page, staff.username)
