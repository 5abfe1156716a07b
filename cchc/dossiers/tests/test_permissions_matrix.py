"""Who may take which action: users × agencies × actions, allowed and refused."""

from __future__ import annotations

import pytest

from cchc.core.errors import NotPermitted
from cchc.dossiers import policies, services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier, online_dossier

pytestmark = pytest.mark.django_db

# action -> users (cast attribute names) allowed on a dossier received by A and processed in A.
EXPECTED = {
    "receive": {"clerk_a"},
    "refuse": {"clerk_a", "leader_a"},
    "transfer": {"clerk_a", "specialist_a", "leader_a"},
    "assign": {"leader_a"},
    "request_supplement": {"clerk_a", "specialist_a", "leader_a"},
    "receive_supplement": {"clerk_a", "specialist_a"},
    "request_payment": {"specialist_a", "leader_a"},
    "confirm_payment": {"clerk_a", "specialist_a"},
    "withdraw": {"clerk_a"},
    "stop": {"leader_a"},
    "finish": {"specialist_a", "leader_a"},
    "return_result": {"clerk_a"},
    "apologize": {"leader_a"},
}
USERS = [
    "clerk_a",
    "specialist_a",
    "leader_a",
    "clerk_b",
    "specialist_b",
    "leader_b",
    "outsider",
    "province_admin",
    "inspector",
    "citizen",
]
OUTSIDE_A = [name for name in USERS if not name.endswith("_a")]


def at_counter(cast, *, name="A", agency=None, actor=None):
    """A dossier received at the counter of `agency` (A) by `actor` (A's clerk)."""
    return counter_dossier(
        cast, name, receiving_agency=agency or cast.agency_a, actor=actor or cast.clerk_a
    )


def test_policy_matrix(cast):
    d = at_counter(cast)
    for action, allowed in EXPECTED.items():
        for name in USERS:
            user = getattr(cast, name)
            assert policies.can(user, action, d) == (name in allowed), (action, name)


def test_refused_actions_raise_and_change_nothing(cast):
    d = at_counter(cast)
    for name in OUTSIDE_A:
        with pytest.raises(NotPermitted):
            services.finish(d, actor=getattr(cast, name), note="Quyết định số 12/QĐ")
        with pytest.raises(NotPermitted):
            services.transfer(d, actor=getattr(cast, name), to_agency=cast.agency_b)
    d.refresh_from_db()
    assert d.status == 2 and d.events.count() == 1


@pytest.mark.parametrize(
    "name",
    ["clerk_b", "specialist_a", "leader_a", "outsider", "inspector", "citizen", "province_admin"],
)
def test_only_the_agency_clerk_receives_at_its_counter(cast, name):
    with pytest.raises(NotPermitted):
        at_counter(cast, actor=getattr(cast, name))


def test_visibility(cast):
    from cchc.dossiers.models import Dossier

    d = at_counter(cast)

    def seen_by():
        return {
            name
            for name in USERS
            if Dossier.objects.visible_to(getattr(cast, name)).filter(pk=d.pk).exists()
        }

    visible = seen_by()
    assert visible == {"clerk_a", "specialist_a", "leader_a", "province_admin", "inspector"}
    services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_b)
    visible = seen_by()
    assert visible == set(USERS) - {"outsider", "citizen"}  # both agencies' staff now


def test_the_visibility_predicate_equals_the_visibility_query(cast):
    """dossiers.models.visible (used by the API on a loaded row) == visible_to (the query)."""
    from django.contrib.auth.models import AnonymousUser

    from cchc.accounts.models import User
    from cchc.dossiers.models import Dossier, visible

    own = online_dossier(cast, Applicant(name="A", account=cast.citizen))
    at_a = at_counter(cast, name="B")
    moved = services.transfer(
        at_counter(cast, name="C"), actor=cast.clerk_a, to_agency=cast.agency_b
    )
    at_b = at_counter(cast, name="D", agency=cast.agency_b, actor=cast.clerk_b)
    superuser = User.objects.create_superuser("root", password="pw")
    users = [getattr(cast, name) for name in USERS] + [superuser, AnonymousUser(), None]
    seen = 0
    for user in users:
        for d in (own, at_a, moved, at_b):
            fresh = Dossier.objects.select_related("receiving_agency").get(pk=d.pk)
            expected = (
                user is not None and Dossier.objects.visible_to(user).filter(pk=d.pk).exists()
            )
            assert visible(user, fresh) == expected, (user, d.code)
            seen += expected
    assert 0 < seen < len(users) * 4  # both answers occur
