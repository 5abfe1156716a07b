"""A portal row is matched to one of our units by its code; by its name only when the row
carries no code. A unit of another province with the same name as one of ours (the
reference files' Phú Thọ communes against the Hà Nội demo) had been compared with ours, and
its figures reported as our gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc.indices import portal_compare
from cchc.indices.periods import Period

FIXTURE = Path(__file__).parent / "fixtures" / "portal_progress_2026-08.json"

pytestmark = pytest.mark.django_db


def _row(code: str, name: str, received: int, on_time: int) -> dict:
    return {
        "departmentId": f"id-{code or name}",
        "departmentName": name,
        "departmentCode": code,
        "level": "COMMUNE",
        "totalReceived": received,
        "totalOnTime": on_time,
        "ratio": 0,
        "score": 0,
        "maxScore": 20,
    }


def test_a_unit_of_another_province_with_our_units_name_is_not_ours(scenario):
    data = json.loads(FIXTURE.read_text())["data"]
    ours = scenario.cast.agency_a
    # the same name as agency A, another province's code and figures
    data["children"] = [_row("H44.100", ours.name, 401, 7)]
    result = portal_compare.compare(
        [("dvc-progress-tree/month-all.json", data)], Period.parse("2026-08")
    )
    assert result.unmatched_units == [f"H44.100 {ours.name}"]
    assert result.compared == 0 and result.gaps == []


def test_a_row_without_a_code_is_matched_by_name(scenario):
    data = json.loads(FIXTURE.read_text())["data"]
    ours = scenario.cast.agency_a
    data["children"] = [_row("", ours.name.upper(), 401, 7)]
    result = portal_compare.compare(
        [("dvc-progress-tree/month-all.json", data)], Period.parse("2026-08")
    )
    assert result.unmatched_units == [] and result.compared == 1
    assert result.gaps[0].agency_code == ours.code
