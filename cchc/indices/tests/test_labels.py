"""Metric, group and counter labels are Vietnamese on every page (issue 17, point 8)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cchc.indices import counters
from cchc.indices.engine import load_spec

pytestmark = pytest.mark.django_db
AUG = "2026-08"


def _seeded():
    return load_spec("qd766", dt.date(2026, 8, 31))


def _labels_in(language: str) -> dict[str, str]:
    spec = _seeded()
    with translation.override(language):
        out = {f"group:{g.code}": g.label for g in spec.groups}
        out |= {f"metric:{m.code}": m.label for g in spec.groups for m in g.metrics}
        out |= {
            f"counter:{c}": counters.describe(c)
            for g in spec.groups
            for m in g.metrics
            for c in (m.numerator, m.denominator)
        }
    return out


def test_every_label_of_the_seeded_scheme_is_translated():
    english, vietnamese = _labels_in("en"), _labels_in("vi")
    assert len(vietnamese) > 40  # 23 metrics, 6 groups and their counters
    untranslated = [
        key for key, text in vietnamese.items() if not text.strip() or text == english[key]
    ]
    assert untranslated == []
    # the labels are the catalogue's, not the version rows' names read back
    assert vietnamese["metric:DOSSIER_ON_TIME"] == "Tỷ lệ hồ sơ giải quyết đúng hạn"
    assert english["metric:DOSSIER_ON_TIME"] == "Share of dossiers resolved on time"


def test_a_metric_code_the_catalogue_does_not_know_shows_its_version_name():
    from cchc.indices.labels import metric_label

    assert metric_label("NEW_IN_A_LATER_VERSION", "Tỷ lệ mới") == "Tỷ lệ mới"
    assert counters.describe("some_new_counter") == "some_new_counter"


def test_the_evidence_page_of_each_metric_shows_its_vietnamese_name(client, scenario):
    client.force_login(scenario.cast.province_admin)
    spec = _seeded()
    with translation.override("en"):
        english = {m.code: m.label for g in spec.groups for m in g.metrics}
        english_counters = {
            c: counters.describe(c)
            for g in spec.groups
            for m in g.metrics
            for c in (m.numerator, m.denominator)
        }
    with translation.override("vi"):
        vietnamese = {m.code: m.label for g in spec.groups for m in g.metrics}
    for code, label in vietnamese.items():
        url = reverse("indices:evidence", args=["H26.100", code])
        r = client.get(url, {"period": AUG}, HTTP_ACCEPT_LANGUAGE="vi")
        assert r.status_code == 200, code
        body = r.content.decode()
        assert f"<h1>{html.escape(label)}</h1>" in body, code
        assert html.escape(english[code]) not in body, code
        for text in english_counters.values():
            assert f"“{html.escape(text)}”" not in body, code
            assert f": {html.escape(text)} ·" not in body, code


def test_agency_page_and_its_export_show_vietnamese_metric_names(client, scenario):
    client.force_login(scenario.cast.province_admin)
    url = reverse("indices:agency", args=["H26.100"])
    body = client.get(url, {"period": AUG}).content.decode()
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in body
    assert "Share of dossiers resolved on time" not in body
    # the sparklines' scale is read by JavaScript's Number(): "2,00" would be NaN
    maxima = re.findall(r'class="spark"[^>]*data-max="([^"]*)"', body)
    assert maxima and all(re.fullmatch(r"\d+(\.\d+)?", m) for m in maxima), maxima
    r = client.get(url, {"period": AUG, "export": "xlsx"})
    cells = {
        c.value
        for row in load_workbook(io.BytesIO(r.content)).active.iter_rows()
        for c in row
        if c.value
    }
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in cells and "Tiến độ giải quyết" in cells
