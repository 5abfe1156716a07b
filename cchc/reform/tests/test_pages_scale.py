"""The ranking and unit result pages at scale: their query count does not grow with the
number of units (no query per unit or per row), and their year-on-year charts draw every
published year with labelled axes and a legend."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.core.actors import SYSTEM
from cchc.reform import charts, demo, publishing, results


def import_year_pair(codes: list[str]) -> None:
    """Two years (2025, 2026) of the demo template for these units, through the bundle
    importer (the benchmark's path)."""
    from cchc.agencies.models import Agency, RankingGroup
    from cchc.interchange.services import import_bundle

    groups = [RankingGroup.objects.get_or_create(name=n)[0] for n in ("Sở", "Xã", "Ngành dọc")]
    Agency.objects.bulk_create(
        [
            Agency(
                code=c,
                name=f"Đơn vị thử {c}",
                level="PROVINCE_AGENCY",
                province_code="01",
                group=groups[int(c[-3:]) % 3],
            )
            for c in codes
        ]
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        n25, n26 = demo.template_rows("B-2025"), demo.template_rows("B-2026")
        demo.write_bundle(
            d,
            [["B-2025", 2025, "Bộ chỉ số 2025", 1], ["B-2026", 2026, "Bộ chỉ số 2026", 1]],
            n25 + n26,
            demo.score_rows("B-2025", n25, codes, 1) + demo.score_rows("B-2026", n26, codes, 2),
        )
        for r in import_bundle(d):
            assert "0 rejected" in r.summary(), r.summary()


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    results.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_ranking_and_unit_pages_query_count_does_not_grow_with_units(
    client, cast, django_assert_num_queries
):
    import_year_pair([f"B26.{i:03d}" for i in range(3)])
    client.force_login(cast.province_admin)
    urls = [
        "/par/results/2026/",
        "/par/results/2026/B26.001/",
        "/par/results/2026/B26.001/?whatif=1&v_1.1.1=0.5",
    ]
    small = {u: _count(client, u) for u in urls}
    import_year_pair([f"B26.{i:03d}" for i in range(3, 15)])  # five times as many units
    for url in urls:
        results.clear_cache()
        with django_assert_num_queries(small[url]):
            r = client.get(url)
        assert r.status_code == 200
    assert "Đơn vị thử B26.014" in client.get(urls[0]).content.decode()


@pytest.mark.django_db
def test_year_on_year_charts_on_the_ranking_and_unit_pages(client, cast):
    import_year_pair([f"B26.{i:03d}" for i in range(6)])
    publishing.publish_results(2025, actor=SYSTEM, confirm_incomplete=True)
    client.force_login(cast.province_admin)
    page = client.get("/par/results/2026/").content.decode()
    assert 'id="trend-groups"' in page
    chart = page[page.index('id="trend-groups"') :]
    chart = chart[: chart.index("</figure>")]
    # both years on the x axis, the axes labelled, one legend entry per ranking group
    assert ">2025</text>" in chart and ">2026</text>" in chart
    assert "Năm" in chart and "Chỉ số (%)" in chart
    for group in ("Sở", "Xã", "Ngành dọc"):
        assert f"{group} (trung bình)" in chart
    assert chart.count("<polyline") == 3
    unit = client.get("/par/results/2026/B26.001/").content.decode()
    chart = unit[unit.index('id="trend-unit"') :]
    chart = chart[: chart.index("</figure>")]
    for label in ("Đơn vị này", "Cao nhất nhóm", "Trung bình nhóm"):
        assert label in chart
    assert chart.count("<polyline") == 3
    # without a published earlier year there is only this year's point per line
    assert "<script" not in chart and "cdn" not in chart.lower()


def test_line_chart_geometry_gaps_colours_and_scale():
    chart = charts.line_chart(
        [2024, 2025, 2026],
        [("A", [80.0, None, 90.0]), ("B", [70.0, 75.0, 78.0])],
        x_label="Năm",
        y_label="%",
    )
    assert chart is not None
    a, b = chart["lines"]
    assert len(a["paths"]) == 2 and len(b["paths"]) == 1  # a missing year is a gap
    assert a["colour"] != b["colour"]
    # higher values are drawn higher (smaller y); the scale ends at 100 %
    assert chart["y_ticks"][-1]["label"] == "100"
    y80, y90 = (float(p.split(",")[1]) for p in a["paths"])
    assert y90 < y80
    assert [r["values"] for r in chart["table"]] == [[80.0, 70.0], [None, 75.0], [90.0, 78.0]]
    assert charts.line_chart([2026], [("A", [None])], x_label="", y_label="") is None
