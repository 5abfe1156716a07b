"""An amendment of a procedure's time limit that takes effect on a later day (the Chairman's
decision sets it) does not reach dossiers received before that day: reception, and the
index facts of a dossier without an appointment, use the terms in force when received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.catalogue import services as catalogue
from cchc.core.rowsql import query_rows
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant
from cchc.indices.summaries import BUILD_FIELDS, FactBuilder

pytestmark = pytest.mark.django_db


def _received(cast, at):
    return services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An"),
        actor=cast.clerk_a,
        at=at,
    )


def _due(cast, at, days):
    cal = services.calendar_for(cast.agency_a.province_code, None)
    return cal.due(at, Decimal(days), "working_day").due_at


@pytest.fixture
def amended(cast):
    """3 working days today; 5 from a day ten days on (decision 55/QĐ-UBND)."""
    proc = cast.procedure
    assert (proc.processing_time, proc.time_unit) == (3, "working_day")
    day = timezone.localdate() + dt.timedelta(days=10)
    catalogue.update_procedure(
        proc,
        actor=cast.province_admin,
        data={"processing_time": 5},
        decision="55/QĐ-UBND",
        decided_on=timezone.localdate() - dt.timedelta(days=1),
        effective_from=day,
    )
    proc.refresh_from_db()
    assert proc.processing_time == 5 and proc.terms_pending_until is not None
    return day


def test_a_dossier_received_before_the_amendment_takes_effect_keeps_the_old_terms(cast, amended):
    at = timezone.now()
    dossier = _received(cast, at)
    assert dossier.appointment_at == _due(cast, at, 3)
    later = dt.datetime.combine(amended, dt.time(9), tzinfo=timezone.get_default_timezone())
    assert cast.procedure.terms_at(later) == (5, "working_day")


def test_index_facts_of_a_dossier_without_appointment_use_the_terms_of_its_reception(cast, amended):
    at = timezone.now()
    dossier = _received(cast, at)
    row = query_rows(Dossier.objects.filter(pk=dossier.pk), BUILD_FIELDS)[0]
    row = {**row, "initial_appointment_at": None, "appointment_at": None, "due_at": None}
    (fact,) = FactBuilder().build([row], set())
    assert fact.due_at == _due(cast, dossier.received_at, 3)


def test_without_a_pending_amendment_reception_reads_no_log(cast, django_assert_num_queries):
    proc = cast.procedure
    proc.refresh_from_db()
    with django_assert_num_queries(0):
        assert proc.terms_at(timezone.now()) == (3, "working_day")
