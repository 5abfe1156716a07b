"""The "Người xử lý" (assignee) of a hand-over or an assignment is someone who processes
dossiers: a specialist or a leader of the agency (policies.HANDLING_ROLES). The transfer
form offered the agency administrator and the counter clerks too."""

from __future__ import annotations

import pytest

from cchc.accounts.models import Membership
from cchc.core.errors import ValidationFailed
from cchc.dossiers import services
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_api import Api
from cchc.dossiers.tests.test_views import post_action
from cchc.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(cast):
    user = UserFactory(username="admin_a", full_name="Quản trị cơ quan A")
    Membership.objects.create(user=user, agency=cast.agency_a, role=Membership.Role.AGENCY_ADMIN)
    return user


def select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_the_lists_offer_only_specialists_and_leaders(client, cast, admin_a):
    d = counter_dossier(cast, competent_agency=cast.agency_a)
    client.force_login(cast.leader_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    for name in ("transfer-assignee", "assign-assignee"):
        options = select(page, name)
        assert "Specialist A" in options and "Leader A" in options
        assert "Clerk A" not in options and "Quản trị cơ quan A" not in options
    part = client.get(
        f"/staff/dossiers/{d.code}/",
        {"part": "assignees", "transfer-to_agency": cast.agency_a.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Specialist A" in part and "Clerk A" not in part and "Quản trị cơ quan A" not in part


def test_a_clerk_or_the_agency_administrator_cannot_be_made_the_handler(client, cast, admin_a):
    d = counter_dossier(cast, competent_agency=cast.agency_a)
    client.force_login(cast.clerk_a)
    for who in (cast.clerk_a, admin_a):
        r = post_action(client, d, "transfer", {"to_agency": cast.agency_a.pk, "assignee": who.pk})
        assert r.status_code == 400 and "chuyên viên hoặc lãnh đạo" in r.content.decode()
        with pytest.raises(ValidationFailed):
            services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a, assignee=who)
        with pytest.raises(ValidationFailed):
            services.assign(d, actor=cast.leader_a, assignee=who)
    r = Api(client, cast.clerk_a).post(
        f"/dossiers/{d.code}/actions/transfer",
        {"to_agency": cast.agency_a.code, "assignee": "clerk_a"},
    )
    assert r.status_code == 400 and r.json()["error"]["field"] == "assignee"
    d.refresh_from_db()
    assert d.assignee_id is None and not d.events.filter(action__in=("transfer", "assign")).exists()
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, assignee=cast.specialist_a
    )
    assert d.assignee == cast.specialist_a
