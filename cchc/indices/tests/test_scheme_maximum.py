"""The total is out of the methodology's own maximum (the sum of its groups' maxima, rule
data), never a 100 written in a page: a scheme version whose groups add up to 90 shows
"/ 90" on the dashboard and the unit's page, in their chart titles and in their exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from cchc.indices.models import Group
from cchc.indices.summaries import clear_rule_cache

pytestmark = pytest.mark.django_db
AUG = "2026-08"


@pytest.fixture
def ninety_points(scenario):
    # a methodology version whose satisfaction group counts 8 points instead of 18
    Group.objects.filter(version__scheme__code="qd766", code="satisfaction").update(max_points=8)
    clear_rule_cache()
    from django.core.cache import cache

    cache.clear()
    return scenario


def _cells(response) -> list:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_dashboard_total_is_out_of_the_schemes_maximum(client, ninety_points):
    client.force_login(ninety_points.cast.province_admin)
    body = client.get(reverse("indices:dashboard"), {"period": AUG}).content.decode()
    assert "/ 90</small>" in body and "/ 100" not in body
    assert "Tổng điểm (trên 90)" in body and "Sáu nhóm" not in body
    assert "6 nhóm chỉ số" in body
    # the chart's axes end there too (static/cchc/charts.js reads the canvas's data-y-max)
    assert 'data-y-max="90"' in body
    cells = _cells(client.get(reverse("indices:dashboard"), {"period": AUG, "export": "xlsx"}))
    at = cells.index("Điểm toàn tỉnh")
    assert cells[at + 2] == 90


def test_agency_total_is_out_of_the_schemes_maximum(client, ninety_points):
    client.force_login(ninety_points.cast.province_admin)
    url = reverse("indices:agency", args=["H26.100"])
    body = client.get(url, {"period": AUG}).content.decode()
    assert "</strong> / 90 ·" in body and "/ 100" not in body
    assert "Tổng điểm (trên 90)" in body and 'data-y-max="90"' in body
    cells = _cells(client.get(url, {"period": AUG, "export": "xlsx"}))
    assert any(
        isinstance(c, str) and c.startswith("Tổng điểm:") and c.endswith(" / 90") for c in cells
    )


def test_public_page_says_out_of_the_schemes_maximum(client, ninety_points):
    """The citizens' page said 'points out of 100' in its lead and its chart's legend."""
    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    lead = body[body.index('id="public-lead"') :].split("</p>", 1)[0]
    assert "điểm trên thang 90" in lead and "100" not in lead
    assert 'data-label-total="Tổng điểm (trên 90)"' in body and "(trên 100)" not in body


def test_scorecard_and_losses_say_out_of_the_schemes_maximum(client, ninety_points):
    client.force_login(ninety_points.cast.province_admin)
    body = client.get(reverse("indices:scorecard"), {"period": AUG}).content.decode()
    card = body[body.index('data-scheme="qd766"') :].split("</article>", 1)[0]
    assert '<small class="muted">/ 90</small>' in card and "/ 100" not in body
    body = client.get(reverse("indices:losses"), {"period": AUG}).content.decode()
    assert "tổng điểm vẫn tính trên 90." in body and "trên 100" not in body
