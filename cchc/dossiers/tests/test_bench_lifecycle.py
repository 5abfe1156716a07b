"""The API benchmarks' lifecycle is a real one: bench/common.py's requests are accepted by the
API as it is now. When finishing began to ask for the result, every bench lifecycle stopped at
its finish with a 400 and compare_api.py had nothing to measure until someone ran it."""

from __future__ import annotations

import sys

import pytest
from django.conf import settings
from django.test import Client

from cchc.accounts.models import ApiToken, Membership
from cchc.dossiers.models import Dossier, Status

pytestmark = pytest.mark.django_db


def test_the_benchmarks_api_lifecycle_runs_to_the_returned_result(cast):
    sys.path.insert(0, str(settings.BASE_DIR / "bench"))
    try:
        from common import client_api_lifecycle  # bench/common.py
    finally:
        sys.path.remove(str(settings.BASE_DIR / "bench"))
    user = cast.clerk_a  # the bench's API user is a clerk and a specialist of one ward
    Membership.objects.get_or_create(user=user, agency=cast.agency_a, role="SPECIALIST")
    _token, raw = ApiToken.issue(user, "bench")
    before = Dossier.objects.count()
    client_api_lifecycle(
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), cast.procedure.code, cast.agency_a.code
    )
    assert Dossier.objects.count() == before + 1
    assert Dossier.objects.latest("id").status == Status.RETURNED
