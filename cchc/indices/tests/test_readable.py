"""Readable for leaders (issue 17, point 6): periods picked from a list of reportable ones,
PDF numbers in Vietnamese notation, Vietnamese download names, leaders land on their unit."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from cchc.indices import scoring
from cchc.indices.export import FONT_PATH, content_disposition, vi_number
from cchc.indices.periods import Period, current

pytestmark = pytest.mark.django_db
AUG = "2026-08"
TODAY = dt.date(2026, 12, 3)


def test_reportable_periods_run_from_the_methodology_to_the_last_finished_period():
    found = scoring.reportable_periods("qd766", today=TODAY)
    quarters, months = found["quarter"], found["month"]
    # the seeded methodology took effect on 23/6/2022
    assert quarters[0] == Period.parse("2026-Q3") and quarters[-1] == Period.parse("2022-Q2")
    assert months[0] == Period.parse("2026-11") and months[-1] == Period.parse("2022-06")
    assert len(quarters) == 18 and len(months) == 54
    assert Period.parse("2026-Q4") not in quarters and Period.parse("2026-12") not in months
    # finished years too (the annual result), the year still running not
    years = found["year"]
    assert years == [Period.parse(y) for y in ("2025", "2024", "2023", "2022")]
    for p in quarters + months + years:
        assert p.end < TODAY
        assert scoring.reportable(p, "qd766", today=TODAY) == p


def test_no_methodology_means_nothing_to_pick():
    assert scoring.reportable_periods("no-such-scheme", today=TODAY) == {
        "quarter": [],
        "month": [],
        "year": [],
    }


def _select(body: str) -> str:
    match = re.search(r'<select name="period"[^>]*>.*?</select>', body, re.S)
    assert match, "no period <select>"
    return match.group(0)


def test_index_pages_offer_a_period_select_not_a_text_box(client, scenario):
    client.force_login(scenario.cast.province_admin)
    agency = scenario.cast.agency_a.code
    for url in (
        reverse("indices:dashboard"),
        reverse("indices:ranking"),
        reverse("indices:losses"),
        reverse("indices:public"),
        reverse("indices:agency", args=[agency]),
        reverse("indices:evidence", args=[agency, "DOSSIER_ON_TIME"]),
    ):
        body = client.get(url, {"period": AUG}).content.decode()
        assert '<input name="period"' not in body and 'input type="text" name="period"' not in body
        select = _select(body)
        assert 'id="period-picker-period"' in select
        assert '<label for="period-picker-period">' in body  # keyboard and screen readers
        assert f'<option value="{AUG}" selected>' in select, url
        assert '<option value="2026-Q3">' in select and 'label="' in select  # optgroups
        form = body[body.rindex("<form", 0, body.index(select)) : body.index(select)]
        assert 'method="get"' in form
        assert "onchange" not in select
    # the default period (the quarter still running) is offered as the one shown
    body = client.get(reverse("indices:ranking")).content.decode()
    assert f'<option value="{current("quarter")}" selected>' in _select(body)


def test_picked_period_is_what_the_page_shows(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:ranking"), {"period": "2026-Q3"}).content.decode()
    assert "Quý 3/2026" in body
    assert '<option value="2026-Q3" selected>' in _select(body)


def test_closing_form_picks_among_finished_periods(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:periods")).content.decode()
    select = _select(body)
    assert f'<option value="{AUG}">' in select
    assert f'value="{current("month")}"' not in select  # not finished: not offered
    client.post(reverse("indices:periods"), {"period": AUG})
    from cchc.indices.models import PeriodReport

    assert PeriodReport.objects.get().period == AUG


def test_vietnamese_number_notation():
    assert vi_number(18.5) == "18,50"
    assert vi_number(8.888) == "8,89"
    assert vi_number(1234) == "1.234"
    assert vi_number(1234567.891) == "1.234.567,89"
    assert vi_number(100) == "100"


def test_download_names_keep_vietnamese_letters():
    header = content_disposition("Xếp hạng Quý 3/2026", "pdf")
    ascii_part, utf8_part = header.split("; filename*=")
    # the ASCII fallback keeps the period readable (it read "quy-32026") and folds đ to d
    assert ascii_part == 'attachment; filename="xep-hang-quy-3-2026.pdf"'
    ascii_losses = content_disposition("Mất nhiều điểm nhất ở đâu — Quý 3/2026", "xlsx")
    assert 'filename="mat-nhieu-diem-nhat-o-dau-quy-3-2026.xlsx"' in ascii_losses
    assert 'filename="h26.100-ubnd-phuong-ba-dinh' in content_disposition(
        "H26.100 UBND Phường Ba Đình", "pdf"
    )
    assert utf8_part.startswith("UTF-8''")
    assert unquote(utf8_part.removeprefix("UTF-8''")) == "Xếp-hạng-Quý-3-2026.pdf"
    assert all(ord(ch) < 128 for ch in header)  # header values are ASCII; the name is encoded


@pytest.mark.skipif(
    not FONT_PATH.exists() and not os.environ.get("CI"),
    reason=f"PDF export needs {FONT_PATH} (apt-get install fonts-dejavu-core)",
)
def test_pdf_export_writes_comma_decimals_and_a_vietnamese_file_name(client, scenario):
    from pypdf import PdfReader

    client.force_login(scenario.cast.province_admin)
    agency = scenario.cast.agency_a
    r = client.get(reverse("indices:agency", args=[agency.code]), {"period": AUG, "export": "pdf"})
    assert r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    # DOSSIER_ON_TIME: 4 of 9 dossiers on time → 8.89 points of 20
    assert "8,89" in text and "8.89" not in text
    assert "20,00" in text
    name = unquote(r["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert name.endswith(".pdf") and "Tháng-8-2026" in name


def test_a_units_leader_lands_on_the_units_page(client, scenario):
    cast = scenario.cast
    client.force_login(cast.leader_a)
    r = client.get(reverse("indices:dashboard"))
    assert r.status_code == 302
    assert r["Location"] == reverse("indices:agency", args=[cast.agency_a.code])
    assert client.get(r["Location"]).status_code == 200
    # the province overview stays reachable from the menu (its links carry the period)
    assert client.get(reverse("indices:dashboard"), {"period": AUG}).status_code == 200


def test_others_open_the_province_overview(client, scenario):
    cast = scenario.cast
    for user in (cast.province_admin, cast.specialist_a, cast.clerk_a):
        client.force_login(user)
        assert client.get(reverse("indices:dashboard")).status_code == 200, user
