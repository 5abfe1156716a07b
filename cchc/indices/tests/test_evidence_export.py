"""An evidence export says which list it holds and how many of how many: the list of the
dossiers outside the numerator (the late ones of the on-time metric) had carried only the
denominator's label, "hồ sơ tiếp nhận trong kỳ", as if it held every dossier received."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from cchc.indices import counters, scoring
from cchc.indices.engine import spec_from_version
from cchc.indices.periods import Period

pytestmark = pytest.mark.django_db
AUG = "2026-08"


def _cells(response) -> list[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


def test_the_exported_list_names_what_it_holds(client, scenario):
    client.force_login(scenario.cast.leader_a)
    url = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    period = Period.parse(AUG)
    spec = spec_from_version(scoring.version_for("qd766", period))
    ev = counters.evidence(spec, "DOSSIER_ON_TIME", scenario.cast.agency_a.pk, period)
    assert ev.missing_count and ev.numerator_count

    late = _cells(client.get(url, {"period": AUG, "export": "xlsx"}))
    said = (
        "Thuộc “hồ sơ tiếp nhận trong kỳ” nhưng không thuộc “hồ sơ giải quyết đúng hạn”: "
        f"{ev.missing_count} trên {ev.denominator_count}."
    )
    assert said in late
    assert scenario.late.code in late and scenario.on_time.code not in late

    counted = _cells(client.get(url, {"period": AUG, "which": "numerator", "export": "xlsx"}))
    said = f"Thuộc “hồ sơ giải quyết đúng hạn”: {ev.numerator_count} trên {ev.denominator_count}."
    assert said in counted
    assert not any(re.fullmatch("hồ sơ tiếp nhận trong kỳ", c) for c in late)
