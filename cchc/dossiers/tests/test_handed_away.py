"""Handing a dossier over to an agency whose work the sender cannot see leads to the work
queue, not to a "page not found" (one-stop day walk: the Department of Justice's specialist
sent a dossier back to the ward and landed on a 404, as if the hand-over had failed)."""

from __future__ import annotations

import pytest

from cchc.dossiers import services
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_views import post_action

pytestmark = pytest.mark.django_db


def test_a_dossier_handed_out_of_sight_leads_to_the_queue(client, cast):
    d = counter_dossier(cast, competent_agency=cast.agency_a)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_b, assignee=cast.specialist_b
    )
    client.force_login(cast.specialist_b)
    r = post_action(
        client, d, "transfer", {"to_agency": cast.agency_a.pk, "assignee": cast.specialist_a.pk}
    )
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert page.status_code == 200
    assert f"Chuyển xử lý: đã thực hiện cho hồ sơ {d.code}" in page.content.decode()
    assert client.get(f"/staff/dossiers/{d.code}/").status_code == 404  # out of B's sight
    # still seen (by the clerk who sent it on): the dossier's page, as before
    d.refresh_from_db()
    client.force_login(cast.specialist_a)
    r = post_action(client, d, "transfer", {"to_agency": cast.agency_a.pk})
    assert r["Location"] == f"/staff/dossiers/{d.code}/"
