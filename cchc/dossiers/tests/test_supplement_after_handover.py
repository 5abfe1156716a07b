"""Who asks the applicant for a supplement once the dossier is handed over (domain.md §3: the
counter asks for the one complete supplement at reception; after the hand-over the agency
processing the dossier asks, its specialists and leaders). The counter of the receiving agency,
the counter of the new agency and the receiving agency's specialists could all still ask, with
a bare "not allowed" for nobody."""

from __future__ import annotations

import pytest

from cchc.core.errors import NotPermitted
from cchc.dossiers import policies, queries, services
from cchc.dossiers.models import Status
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_views import post_action

pytestmark = pytest.mark.django_db

STAFF = ("clerk_a", "specialist_a", "leader_a", "clerk_b", "specialist_b", "leader_b")


def handed_to_b(cast):
    d = counter_dossier(cast, competent_agency=cast.agency_b)
    return services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_b, assignee=cast.specialist_b
    )


def test_at_reception_the_counter_and_the_agency_holding_it_ask(cast):
    d = counter_dossier(cast, competent_agency=cast.agency_b)
    allowed = {n for n in STAFF if policies.can(getattr(cast, n), "request_supplement", d)}
    assert allowed == {"clerk_a", "specialist_a", "leader_a"}


def test_after_the_hand_over_only_the_processing_agency_asks(cast):
    d = handed_to_b(cast)
    allowed = {n for n in STAFF if policies.can(getattr(cast, n), "request_supplement", d)}
    assert allowed == {"specialist_b", "leader_b"}
    for name in ("clerk_a", "specialist_a", "leader_a", "clerk_b"):
        with pytest.raises(NotPermitted) as refused:
            services.request_supplement(d, actor=getattr(cast, name), reason="Thiếu tờ khai")
        assert cast.agency_b.name in refused.value.message, name
        assert "chuyên viên và lãnh đạo" in refused.value.message, name
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and not d.supplement_count
    d = services.request_supplement(d, actor=cast.specialist_b, reason="Thiếu tờ khai")
    assert d.status == Status.SUPPLEMENT
    # the supplement comes back through the counter, as before
    assert policies.can(cast.clerk_a, "receive_supplement", d)


def test_the_page_says_who_asks_now(client, cast):
    d = handed_to_b(cast)
    client.force_login(cast.clerk_b)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="withheld-request_supplement"' in page
    assert "request_supplement" not in queries.available_actions(cast.clerk_b, d)
    client.force_login(cast.specialist_b)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert 'id="withheld-request_supplement"' not in page
    assert "/actions/request_supplement/" in page


def test_a_form_sent_after_the_hand_over_comes_back_with_the_reason(client, cast):
    d = handed_to_b(cast)
    client.force_login(cast.clerk_a)
    r = post_action(client, d, "request_supplement", {"reason": "Thiếu tờ khai"})
    assert r.status_code == 302 and r["Location"] == f"/staff/dossiers/{d.code}/"
    page = client.get(r["Location"]).content.decode()
    assert cast.agency_b.name in page and "chuyên viên và lãnh đạo" in page
    d.refresh_from_db()
    assert d.status == Status.PROCESSING
