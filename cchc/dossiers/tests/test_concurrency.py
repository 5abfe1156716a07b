"""Dossier codes stay unique when many counters receive at the same instant (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant

CLIENTS = 8
PER_CLIENT = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_intake_issues_unique_sequential_codes(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")
    when = dt.datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)
    barrier = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def client():
        try:
            barrier.wait()
            for _ in range(PER_CLIENT):
                services.intake_at_counter(
                    procedure=cast.procedure,
                    receiving_agency=cast.agency_a,
                    applicant=Applicant(name="Song song"),
                    actor=cast.clerk_a,
                    at=when,
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == CLIENTS * PER_CLIENT
    seqs = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert seqs == list(range(1, CLIENTS * PER_CLIENT + 1))
