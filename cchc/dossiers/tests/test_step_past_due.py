"""A hand-over whose step deadline runs past the dossier's appointment is said at once: the
unit could no longer return the result on the appointed date, and nothing warned staff."""

from __future__ import annotations

import pytest

from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_views import post_action

pytestmark = pytest.mark.django_db
WARNING = "sau ngày hẹn trả của hồ sơ"


@pytest.mark.parametrize(("hours", "warned"), [("80", True), ("1", False)])
def test_a_step_due_after_the_appointment_is_warned_about(client, cast, hours, warned):
    d = counter_dossier(cast)  # due 3 working days from now
    client.force_login(cast.clerk_a)
    r = post_action(client, d, "transfer", {"to_agency": cast.agency_a.pk, "hours": hours})
    assert r.status_code == 302, r.content.decode()[-2000:]
    page = client.get(r["Location"]).content.decode()
    assert (WARNING in page) is warned
    d.refresh_from_db()
    assert d.steps.get().due_at > d.due_at if warned else d.steps.get().due_at <= d.due_at
