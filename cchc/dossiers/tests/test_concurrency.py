"""Dossier codes stay unique when many counters receive at the same instant (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import run_together

CLIENTS = 8
PER_CLIENT = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_intake_issues_unique_sequential_codes(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")
    when = dt.datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)

    def client(_i: int) -> None:
        for _ in range(PER_CLIENT):
            counter_dossier(cast, "Song song", at=when)

    run_together(CLIENTS, client)
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == CLIENTS * PER_CLIENT
    seqs = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert seqs == list(range(1, CLIENTS * PER_CLIENT + 1))
