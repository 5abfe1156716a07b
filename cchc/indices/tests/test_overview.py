"""The scorecard: every unit's place in the service index, SIPAS and the PAR INDEX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.errors import NotFound
from cchc.indices import overview
from cchc.indices.overview import Standing
from cchc.indices.periods import Period

pytestmark = pytest.mark.django_db
AUGUST = dt.date(2026, 8, 20)
TEN = [f"U{i:02}" for i in range(1, 11)]


def _rows(ranks: dict[str, int], total_of=lambda r: 100.0 - r) -> list[dict]:
    return [
        {"code": c, "name": f"Đơn vị {c}", "group": "Phường", "total": total_of(r), "rank": r}
        for c, r in ranks.items()
    ]


def sipas_document(period, *, province_code, viewer=None):
    """A published SIPAS 2025 where U10 is last of ten and U09 ninth."""
    if period != "2025":
        raise NotFound("no responses")
    return {
        "frozen": True,
        "agencies": _rows({c: i + 1 for i, c in enumerate(TEN)}),
        "province": {"total": 84.5},
    }


def par_document(period, *, province_code, viewer=None):
    """PAR INDEX: 2026 still being appraised (live), 2025 published with U10 ninth, U01 last."""
    if period == "2026":
        return {"frozen": False, "agencies": _rows({c: 1 for c in TEN})}
    if period == "2025":
        ranks = {c: i + 1 for i, c in enumerate(TEN)}
        ranks["U10"], ranks["U01"] = 9, 10
        ranks["U09"] = 1
        return {"frozen": True, "agencies": _rows(ranks)}
    return {"frozen": False, "agencies": []}


@pytest.fixture
def schemes(settings):
    here = "cchc.indices.tests.test_overview"
    settings.INDEX_SCHEMES = {"sipas": f"{here}.sipas_document", "par": f"{here}.par_document"}


def test_a_rank_in_the_last_fifth_of_a_group_of_five_or_more_is_low():
    assert Standing(50.0, 9, 10).low and Standing(50.0, 10, 10).low
    assert not Standing(50.0, 8, 10).low
    assert Standing(50.0, 5, 5).low and not Standing(50.0, 4, 5).low
    assert not Standing(50.0, 2, 2).low  # the second of two is not "low"
    assert not Standing(50.0, None, 10).low


def test_scorecard_takes_the_latest_published_year_and_puts_units_low_twice_first(
    scenario, schemes
):
    province = scenario.cast.agency_a.province_code
    card = overview.scorecard(province, today=AUGUST)
    columns = card["columns"]
    assert [(c.scheme, c.period, c.frozen) for c in columns] == [
        ("qd766", "2026-Q3", False),
        ("sipas", "2025", True),
        ("par", "2025", True),  # 2026 is live (being appraised): not held against a unit
    ]
    assert columns[1].province_total == 84.5
    rows = card["rows"]
    # U10: last in SIPAS, ninth in PAR: low in two indices, so first
    assert rows[0].code == "U10" and rows[0].low_count == 2
    by_code = {r.code: r for r in rows}
    assert by_code["U01"].low_count == 1  # first in SIPAS, last in PAR
    assert by_code["U05"].low_count == 0
    # the platform's own agencies are there with their service index standing
    a = by_code[scenario.cast.agency_a.code]
    assert a.standings[0] is not None and a.standings[1] is None


def test_search_ignores_accents_and_the_filters_narrow(scenario, schemes):
    rows = overview.scorecard(scenario.cast.agency_a.province_code, today=AUGUST)["rows"]
    assert [r.code for r in overview.matching(rows, q="don vi u10")] == ["U10"]
    low = overview.matching(rows, low_only=True)
    assert {r.code for r in low} >= {"U10", "U01"} and "U05" not in {r.code for r in low}
    assert all(r.group == "Phường" for r in overview.matching(rows, group="Phường"))


def test_page_export_and_who_may_see_it(client, scenario, schemes):
    cast = scenario.cast
    client.force_login(cast.province_admin)
    r = client.get(reverse("indices:scorecard"))
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-code="U10"' in body and "SIPAS" in body
    r = client.get(reverse("indices:scorecard"), {"low": "1", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(r.content)).active
    codes = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "U10" in codes and "U05" not in codes
    # a unit's leader sees every unit, and their own unit apart
    client.force_login(cast.leader_a)
    body = client.get(reverse("indices:scorecard")).content.decode()
    assert 'id="own-units"' in body and cast.agency_a.name in body
    client.force_login(cast.citizen)
    assert client.get(reverse("indices:scorecard")).status_code == 403


def test_without_published_surveys_or_appraisals_the_page_says_so(client, scenario):
    """The real SIPAS and PAR modules, with nothing published: only the service index."""
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:scorecard")).content.decode()
    assert body.count("No published year yet") + body.count("Chưa có năm nào được công bố") == 2


def test_the_service_index_column_follows_the_chosen_period(client, scenario, schemes):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:scorecard"), {"period": "2026-08"}).content.decode()
    assert 'value="2026-08"' in body  # the filters and downloads keep it
    assert "period=2026-08&amp;" in body
    card = overview.scorecard(
        scenario.cast.agency_a.province_code, period=Period(2026, "month", 8), today=AUGUST
    )
    assert card["columns"][0].period == "2026-08"
