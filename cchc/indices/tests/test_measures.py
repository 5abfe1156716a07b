"""Named platform measures, read from the 766 counters by other modules."""

from __future__ import annotations

import pytest
from django.test import override_settings

from cchc.core.errors import NotFound, ValidationFailed
from cchc.indices import measures

pytestmark = pytest.mark.django_db


def test_on_time_rate_of_a_unit_and_its_evidence_link(scenario):
    code = scenario.cast.agency_a.code
    m = measures.measure("dossiers_on_time", agency_code=code, period="2026-08")
    # test_facts: 9 received in August, 4 on time
    assert (m.numerator, m.denominator) == (4, 9)
    assert m.value == pytest.approx(400 / 9)
    assert m.source == "qd766:DOSSIER_ON_TIME"
    assert code in m.evidence_url and "period=2026-08" in m.evidence_url


def test_unknown_measure_and_unit_are_refused(cast):
    with pytest.raises(ValidationFailed):
        measures.measure("nope", agency_code=cast.agency_a.code, period="2026")
    with pytest.raises(NotFound):
        measures.measure("online_share", agency_code="NO.SUCH", period="2026")


def external(*, agency_code, period):
    return measures.Measure(
        name="x",
        label="X",
        agency_code=agency_code,
        period=period,
        numerator=1,
        denominator=2,
        value=50.0,
    )


external.label = "External measure"


@override_settings(PLATFORM_MEASURES={"x": "cchc.indices.tests.test_measures.external"})
def test_measures_of_other_modules_are_found_by_name(cast):
    assert measures.measure("x", agency_code="A", period="2026").value == 50.0
    assert measures.available()["x"] == "External measure"
    assert "dossiers_on_time" in measures.available()
