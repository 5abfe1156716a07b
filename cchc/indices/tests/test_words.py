"""People read words and the decimal comma: the methodology by its name and version (not
"qd766 2022.1"), periods as "Tháng 7/2026" (not "2026-07"), metrics by name (not
DOSSIER_ON_TIME), and the score's derivation with commas ("44,44%", not "44.44%")."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from cchc.indices.models import PeriodReport
from cchc.indices.tests.test_portal_compare import FIXTURE

pytestmark = pytest.mark.django_db
AUG = "2026-08"
SCHEME_NAME = "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg), phiên bản 2022.1"


def test_methodology_in_words_on_the_dashboard_and_its_exports(client, scenario):
    from openpyxl import load_workbook

    client.force_login(scenario.cast.province_admin)
    r = client.get(reverse("indices:dashboard"), {"period": AUG})
    body = r.content.decode()
    assert SCHEME_NAME in body and "qd766 2022.1" not in body
    labels = json.loads(r.context["chart"])["labels"]
    assert labels[-2:] == ["Tháng 7/2026", "Tháng 8/2026"]
    for name in ("indices:dashboard", "indices:ranking"):
        r = client.get(reverse(name), {"period": AUG, "export": "xlsx"})
        cells = [
            c
            for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert SCHEME_NAME in cells and "qd766 2022.1" not in cells, name


def test_periods_in_words_on_ranking_and_closed_periods(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    assert "Thay đổi so với kỳ Tháng 7/2026" in body
    labels = json.loads(
        client.get(reverse("indices:agency", args=["H26.100"]), {"period": AUG}).context["labels"]
    )
    assert labels[-1] == "Tháng 8/2026"
    r = client.post(reverse("indices:periods"), {"period": AUG}, follow=True)
    body = r.content.decode()
    assert PeriodReport.objects.exists()
    assert "Đã chốt kỳ Tháng 8/2026" in body
    table = body[body.index("<tbody>") :]
    assert "Tháng 8/2026" in table and "2026-08" not in table
    assert "phiên bản 2022.1" in table and "qd766 2022.1" not in table


def test_derivation_uses_the_decimal_comma(client, scenario):
    client.force_login(scenario.cast.leader_a)
    url = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    body = client.get(url, {"period": AUG}).content.decode()
    box = body[body.index('class="derivation"') :]
    box = box[: box.index("</ul>")]
    assert "44,44%" in box and "8,89 / 20" in box
    assert "44.44" not in box and "8.89" not in box


def test_reconciliation_names_the_metric(scenario):
    c = Client()
    c.force_login(scenario.cast.province_admin)
    with FIXTURE.open("rb") as fh:
        page = c.post("/indices/doi-soat/cong/", {"period": AUG, "files": fh}).content.decode()
    table = page[page.index('id="portal-gaps"') :]
    assert "<td>Tỷ lệ hồ sơ giải quyết đúng hạn</td>" in table
    assert "<td>DOSSIER_ON_TIME</td>" not in table


def test_sparklines_are_images_with_their_values_in_words(client, scenario):
    import re

    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    client.force_login(scenario.cast.province_admin)
    for url in (
        reverse("indices:ranking"),
        reverse("indices:agency", args=["H26.100"]),
    ):
        body = client.get(url, {"period": AUG}).content.decode()
        sparks = re.findall(r'<canvas class="spark"[^>]*>', body)
        assert sparks, url
        labels = []
        for tag in sparks:
            assert 'role="img"' in tag, url
            label = re.search(r'aria-label="([^"]*)"', tag).group(1)
            assert label.count("Tháng ") == 6 and "Tháng 7/2026: không có dữ liệu" in label
            labels.append(label)
        assert any(re.search(r"Tháng 8/2026: \d+,\d\d", label) for label in labels), url


def test_excel_sheets_have_readable_names_real_dates_and_number_formats(client, scenario):
    import datetime as dt

    from openpyxl import load_workbook

    from cchc.core.spreadsheets import sheet_name

    # the period is what tells two downloads apart: kept, the title shortened instead
    assert sheet_name("Mất nhiều điểm nhất ở đâu — Quý 4/2026") == "Mất nhiều điểm nh… — Quý 4-2026"
    assert sheet_name("a[b]c:d*e?f\\g/h") == "abcdef g-h".replace(" ", "")
    client.force_login(scenario.cast.province_admin)
    r = client.get(reverse("indices:losses"), {"period": "2026-Q3", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.title == "Mất nhiều điểm nh… — Quý 3-2026"  # the quarter kept in 31 characters
    assert not set("[]:*?/\\") & set(ws.title)
    scores = [c for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert scores and all(c.number_format == "#,##0.00" for c in scores)
    r = client.get(
        reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"]),
        {"period": AUG, "export": "xlsx"},
    )
    ws = load_workbook(io.BytesIO(r.content)).active
    row = next(row for row in ws.iter_rows() if row[0].value == scenario.late.code)
    received = row[2]
    assert isinstance(received.value, dt.datetime) and received.number_format == "dd/mm/yyyy hh:mm"
    assert received.value == dt.datetime(2026, 8, 3, 9, 0)  # local time, as pages show it


def test_closed_periods_page_offers_only_open_periods(client, scenario):
    import re

    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:periods")).content.decode()
    assert 'value="2026-08"' in body
    client.post(reverse("indices:periods"), {"period": AUG})
    body = client.get(reverse("indices:periods")).content.decode()
    picker = re.search(r"<select[^>]*>.*?</select>", body, re.S).group(0)
    assert 'value="2026-08"' not in picker and 'value="2026-07"' in picker


def test_published_figures_page_speaks_to_people_and_defaults_like_the_dashboard(client, scenario):
    import re

    from cchc.indices.periods import current

    client.force_login(scenario.cast.province_admin)
    r = client.get(reverse("indices:figures"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "manage.py" not in body and "import_published_figures" not in body
    assert "Sở Nội vụ" in body  # who enters the figures, in words
    dashboard = client.get(reverse("indices:dashboard")).context["period"]
    assert dashboard == current("quarter")
    period_select = re.search(r'<select name="period".*?</select>', body, re.S).group(0)
    selected = re.search(r'<option value="([^"]+)"[^>]*selected', period_select).group(1)
    assert selected == str(dashboard)
