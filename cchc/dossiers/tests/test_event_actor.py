"""The history (Diễn biến) names the citizen without an agency: an online submission read
"Trực Tuyến Một, UBND Phường …", as if the applicant belonged to the ward. The applicant's own
steps show "(applicant) → agency" (where it went); staff keep "name, their agency"."""

from __future__ import annotations

import re

import pytest

from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import online_dossier

pytestmark = pytest.mark.django_db


def _timeline(page: str) -> str:
    return re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', page, re.S).group(1)


def test_the_citizen_is_shown_as_the_applicant_not_inside_the_agency(client, cast):
    d = online_dossier(cast, Applicant(name="Trực Tuyến Một", account=cast.citizen))
    assert d.applicant_id == cast.citizen.pk
    d = services.receive(d, actor=cast.clerk_a)
    client.force_login(cast.clerk_a)
    timeline = _timeline(client.get(f"/staff/dossiers/{d.code}/").content.decode())
    citizen = cast.citizen.display_name
    agency = cast.agency_a.name
    assert f"{citizen}, {agency}" not in timeline
    assert f"{citizen} (người nộp hồ sơ)</span> → {agency}" in timeline
    # the clerk who received it is still named with the agency they act for
    assert f"{cast.clerk_a.display_name}, {agency}" in timeline
