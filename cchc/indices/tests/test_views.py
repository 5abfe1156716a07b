"""Dashboards, evidence, exports, permissions, closing periods."""

from __future__ import annotations

import html
import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.indices.export import FONT_PATH
from cchc.indices.models import PeriodReport, ProvinceIndexSetting, Restatement
from cchc.indices.periods import Period, current
from cchc.indices.reports import close_period, period_document, restate_period
from cchc.indices.scoring import rank

pytestmark = pytest.mark.django_db
AUG = "2026-08"
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "dvcqg-766-phu-tho"


def login(client, user):
    client.force_login(user)
    return client


def test_pages_render_for_the_province_admin(client, scenario):
    c = login(client, scenario.cast.province_admin)
    for name in (
        "indices:dashboard",
        "indices:ranking",
        "indices:losses",
        "indices:periods",
        "indices:reconcile",
    ):
        r = c.get(reverse(name), {"period": AUG})
        assert r.status_code == 200, name
    r = c.get(reverse("indices:agency", args=["H26.100"]), {"period": AUG})
    assert r.status_code == 200
    assert "DOSSIER_ON_TIME" in r.content.decode()
    assert "8,89" in r.content.decode() or "8.89" in r.content.decode()


def test_evidence_lists_the_late_dossiers_and_their_cost(client, scenario):
    c = login(client, scenario.cast.leader_a)
    url = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    body = c.get(url, {"period": AUG}).content.decode()
    for d in (
        scenario.late,
        scenario.two_supplements,
        scenario.open_overdue,
        scenario.waiting_after_due,
        scenario.apologized_late,
    ):
        assert d.code in body
    assert scenario.on_time.code not in body
    assert "11,11" in body or "11.11" in body  # 5 late dossiers cost 20 − 8.89 points
    body = c.get(url, {"period": AUG, "which": "numerator"}).content.decode()
    assert scenario.on_time.code in body and scenario.late.code not in body


def test_staff_see_only_their_agencies_evidence_and_citizens_nothing(client, scenario):
    c = login(client, scenario.cast.outsider)
    assert (
        c.get(
            reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"]), {"period": AUG}
        ).status_code
        == 403
    )
    assert c.get(reverse("indices:dashboard"), {"period": AUG}).status_code == 200
    c = login(client, scenario.cast.citizen)
    assert c.get(reverse("indices:dashboard")).status_code == 403
    c.logout()
    assert c.get(reverse("indices:dashboard")).status_code == 302


def test_public_page_needs_no_login_and_shows_no_personal_data(client, scenario):
    r = client.get(reverse("indices:public"), {"period": AUG})
    body = r.content.decode()
    assert r.status_code == 200
    assert "UBND phường Hoàn Kiếm" in body
    assert "44,44%" in body or "44.44%" in body  # 4 of 9 on time
    assert "Nguyễn Văn An" not in body and scenario.late.code not in body


def test_exports_of_tables(client, scenario):
    from openpyxl import load_workbook

    c = login(client, scenario.cast.province_admin)
    r = c.get(reverse("indices:ranking"), {"period": AUG, "export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [cell for row in ws.iter_rows(values_only=True) for cell in row]
    assert "H26.100" in values
    r = c.get(
        reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"]),
        {"period": AUG, "export": "xlsx"},
    )
    values = [
        cell
        for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert scenario.late.code in values


@pytest.mark.skipif(
    not FONT_PATH.exists() and not os.environ.get("CI"),
    reason=f"PDF export needs {FONT_PATH} (apt-get install fonts-dejavu-core)",
)
def test_pdf_export_has_vietnamese_text(client, scenario):
    from pypdf import PdfReader

    c = login(client, scenario.cast.province_admin)
    r = c.get(reverse("indices:public"), {"period": AUG, "export": "pdf"})
    assert r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Hoàn Kiếm" in " ".join(text.split())  # a narrow column wraps the name


def test_ranking_ties_share_a_rank_and_small_agencies_are_not_ranked():
    ranks = rank(
        [
            (1, "g", 80.0, 50),
            (2, "g", 90.0, 50),
            (3, "g", 80.0, 50),
            (4, "g", 70.0, 50),
            (5, "g", 99.0, 3),
            (6, "h", 10.0, 50),
        ],
        min_dossiers=10,
    )
    assert ranks == {2: 1, 1: 2, 3: 2, 4: 4, 5: None, 6: 1}


def test_rank_change_against_the_previous_period(client, scenario):
    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    c = login(client, scenario.cast.province_admin)
    body = c.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    assert "UBND phường Hoàn Kiếm" in body
    doc = period_document("qd766", Period.parse(AUG), province_code="01")
    ranks = {r["code"]: r["rank"] for r in doc["agencies"]}
    assert ranks["H26.100"] == 1 and ranks["H26.01"] == 1  # each leads its own group
    assert ranks["H26.02"] is None  # no dossiers


def test_a_units_rank_says_out_of_how_many_in_its_group_and_opens_its_row(client, scenario):
    """A rank alone ("Hạng: 30") did not say whether the unit led or trailed: the scorecard
    gives the rank out of the units ranked in the same group, and opens the unit's row in
    the ranking of the same period. A unit of the group too small to be ranked is not counted."""
    from cchc.testing import AgencyFactory

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    agency = scenario.cast.agency_a
    AgencyFactory(code="H26.199", name="UBND xã Không Hồ Sơ", level="COMMUNE", group=agency.group)
    c = login(client, scenario.cast.leader_a)
    body = c.get(reverse("indices:agency", args=[agency.code]), {"period": AUG}).content.decode()
    link = f"{reverse('indices:ranking')}?period={AUG}#rank-{agency.code}"
    assert f'<a id="agency-rank" href="{link}">1 / 1 trong nhóm “Xã, phường”</a>' in body
    ranking = c.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    assert f'<tr id="rank-{agency.code}">' in ranking


def test_closing_a_period_freezes_it_and_restatement_is_recorded(
    scenario, django_capture_on_commit_callbacks
):
    from cchc.core.errors import NotPermitted, ValidationFailed
    from cchc.dossiers import services as dossiers

    cast = scenario.cast
    period = Period.parse(AUG)
    with pytest.raises(NotPermitted):
        close_period(actor=cast.leader_a, scheme_code="qd766", period=period, province_code="01")
    report = close_period(
        actor=cast.province_admin, scheme_code="qd766", period=period, province_code="01"
    )
    assert report.watermark_event_id > 0 and report.version.version == "2022.1"
    frozen = period_document("qd766", period, province_code="01")
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.finish(
            scenario.open_overdue, actor=cast.specialist_a, note="Quyết định số 12/QĐ"
        )  # a late change after closing
    after = period_document("qd766", period, province_code="01")
    assert after["frozen"] is True and after["agencies"] == frozen["agencies"]
    assert after["live_difference"] and not frozen["live_difference"]  # shown apart
    live = period_document("qd766", period, province_code="01", live=True)
    assert live["agencies"] != frozen["agencies"]
    with pytest.raises(ValidationFailed):
        restate_period(actor=cast.province_admin, report=report, reason=" ")
    restate_period(
        actor=cast.province_admin, report=report, reason="Hồ sơ cập nhật muộn từ phần mềm cũ"
    )
    assert period_document("qd766", period, province_code="01")["agencies"] == live["agencies"]
    assert Restatement.objects.get().previous_document["agencies"] == frozen["agencies"]
    assert PeriodReport.objects.get().restated == 1


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference data not found at {REFERENCE}")
def test_province_admin_uploads_portal_files(client, cast):
    c = login(client, cast.province_admin)
    with (
        open(REFERENCE / "dvc-progress-tree" / "month-all.json", "rb") as f1,
        open(REFERENCE / "transparency" / "year-all.json", "rb") as f2,
    ):
        r = c.post(reverse("indices:reconcile"), {"files": [f1, f2]})
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count("164") >= 2 and "H44.01" in body
    r = c.post(reverse("indices:reconcile"), {"files": [io.BytesIO(b"not json")]})
    assert r.status_code == 200
    # a JSON file of the wrong shape: the message names it once ("x.json: x.json ..." before)
    shape = SimpleUploadedFile("x.json", b"[1, 2]", content_type="application/json")
    body = c.post(reverse("indices:reconcile"), {"files": [shape]}).content.decode()
    assert "x.json không có đối tượng" in body and "x.json: x.json" not in body
    assert login(client, cast.leader_a).get(reverse("indices:reconcile")).status_code == 403


def test_public_page_json_free_of_dossier_codes(client, scenario):
    r = client.get(reverse("indices:public"), {"period": "2026-Q3", "export": "xlsx"})
    assert r.status_code == 200
    assert json.dumps(scenario.late.code).strip('"').encode() not in r.content


def test_dashboard_export(client, scenario):
    from openpyxl import load_workbook

    c = login(client, scenario.cast.province_admin)
    r = c.get(reverse("indices:dashboard"), {"period": AUG, "export": "xlsx"})
    values = [
        cell
        for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert "Tiến độ giải quyết" in values and "Tháng 7/2026" in values


def test_periods_page_closes_and_refuses_staff(client, scenario):
    c = login(client, scenario.cast.leader_a)
    r = c.post(reverse("indices:periods"), {"period": AUG}, follow=True)
    assert not PeriodReport.objects.exists()
    assert "quản trị viên" in r.content.decode()
    c = login(client, scenario.cast.province_admin)
    c.post(reverse("indices:periods"), {"period": AUG})
    report = PeriodReport.objects.get()
    assert report.period == AUG and report.closed_by == scenario.cast.province_admin
    r = c.post(reverse("indices:periods"), {"period": "2099-01"}, follow=True)
    assert "chưa bắt đầu" in r.content.decode()
    r = c.post(reverse("indices:periods"), {"period": str(current("month"))}, follow=True)
    assert "chưa kết thúc" in r.content.decode()
    c.post(reverse("indices:periods"), {"report": report.pk, "reason": "Bổ sung hồ sơ nhập muộn"})
    assert Restatement.objects.get().reason == "Bổ sung hồ sơ nhập muộn"


def test_past_periods_are_named_in_the_readers_language_after_another_language_cached_them(
    client, scenario
):
    """The trend of past periods is cached for every viewer: an English reader first must not
    leave "Quarter 2/2026" on a Vietnamese reader's chart and ranking note."""
    from django.core.cache import cache

    cache.clear()
    c = login(client, scenario.cast.province_admin)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the reader chose English in the menu
    english = c.get(reverse("indices:ranking"), {"period": AUG})
    assert "Month 7/2026" in english.content.decode()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    for name in ("indices:ranking", "indices:dashboard"):
        body = c.get(reverse(name), {"period": AUG})
        text = body.content.decode()
        assert "Tháng 7/2026" in text, name
        assert "Month 7/2026" not in text, name


def test_a_finished_year_can_be_picked_and_closed_and_messages_name_periods_readably(
    client, scenario
):
    """The annual result: a year is offered by the period pickers (pages and the closing
    form) and closed from the page; a refusal names the period as a reader says it."""
    c = login(client, scenario.cast.province_admin)
    last_year = str(current("month").year - 1)
    for name in ("indices:periods", "indices:ranking"):
        body = c.get(reverse(name)).content.decode()
        assert f'<option value="{last_year}">Năm {last_year}</option>' in body, name
    r = c.post(reverse("indices:periods"), {"period": last_year}, follow=True)
    assert PeriodReport.objects.get().period == last_year
    assert f"Đã chốt kỳ Năm {last_year}" in r.content.decode()
    r = c.post(reverse("indices:periods"), {"period": AUG}, follow=True)
    r = c.post(reverse("indices:periods"), {"period": AUG}, follow=True)
    text = r.content.decode()
    assert "Kỳ Tháng 8/2026 đã được chốt" in text and f"Kỳ {AUG}" not in text


def _losses_row(body: str, metric: str) -> str:
    start = body.index(f'data-metric="{metric}"')
    return body[start : body.index("</tr>", start)]


def test_losses_page_leads_a_unit_to_the_dossiers_behind_its_lost_points(client, scenario):
    """A unit at the bottom asks "what pulled us down?": the losses page sets its own lost
    points beside the province's, and they (and the worst agencies' names) open the
    dossiers behind them; a unit it may not see opens no evidence."""
    evidence_a = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    c = login(client, scenario.cast.leader_a)
    body = c.get(reverse("indices:losses"), {"period": AUG}).content.decode()
    assert 'id="focus-head"' in body and "UBND phường Hoàn Kiếm" in body
    row = _losses_row(body, "DOSSIER_ON_TIME")
    cell = row[row.index('class="focus-loss"') :]
    cell = cell[: cell.index("</td>")]
    # 20 − 8,89: the unit's own points lost on this metric, opening its late dossiers
    assert f'href="{evidence_a}?period={AUG}"' in cell and "11,11" in cell
    # the agency page links to it
    agency_page = c.get(reverse("indices:agency", args=["H26.100"]), {"period": AUG})
    assert "agency=H26.100" in agency_page.content.decode()
    # another unit asked for: its losses, but no link to its dossiers
    body = c.get(reverse("indices:losses"), {"period": AUG, "agency": "H26.01"}).content.decode()
    assert 'id="focus-head"' in body and "Sở Tư pháp" in body
    assert "/indices/co-quan/H26.01/chi-so/" not in body
    # the province administrator: the worst agencies' names open the metric's evidence
    c = login(client, scenario.cast.province_admin)
    body = c.get(reverse("indices:losses"), {"period": AUG}).content.decode()
    assert 'id="focus-head"' not in body
    assert f'href="{evidence_a}?period={AUG}"' in _losses_row(body, "DOSSIER_ON_TIME")


def test_public_page_of_a_closed_period_names_no_official(client, scenario):
    """The public page promises no personal data: it says when a period was closed, not who
    closed it (the staff pages still do)."""
    admin = scenario.cast.province_admin
    close_period(actor=admin, scheme_code="qd766", period=Period.parse(AUG), province_code="01")
    name = admin.display_name
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    assert 'id="closed-period"' in body and "Số liệu đã chốt của kỳ" in body
    assert name not in body
    # frozen figures are not called "real-time" (the live period's lead says so)
    lead = body[body.index('id="public-lead"') :]
    lead = lead[: lead.index("</p>")]
    assert "thời gian thực" not in lead and "đã chốt" in lead
    live = client.get(reverse("indices:public"), {"period": "2026-07"}).content.decode()
    assert "thời gian thực" in live[live.index('id="public-lead"') :][:400]
    xlsx = client.get(reverse("indices:public"), {"period": AUG, "export": "xlsx"})
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active for c in row]
    assert any("Số liệu đã chốt" in c for c in cells) and not any(name in c for c in cells)
    staff = login(client, admin).get(reverse("indices:dashboard"), {"period": AUG})
    assert name in staff.content.decode()


def test_a_restated_period_says_when_and_why_on_the_public_page_and_its_export(client, scenario):
    """A reader who saw other figures before is told that they were restated, when and why
    (the public page said only "restated 1 times")."""
    admin = scenario.cast.province_admin
    report = close_period(
        actor=admin, scheme_code="qd766", period=Period.parse(AUG), province_code="01"
    )
    restate_period(actor=admin, report=report, reason="Hồ sơ cập nhật muộn từ phần mềm cũ")
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    note = body[body.index('id="restatements"') :][:300]
    assert "Điều chỉnh lúc" in note and "Hồ sơ cập nhật muộn từ phần mềm cũ" in note
    assert admin.display_name not in body
    xlsx = client.get(reverse("indices:public"), {"period": AUG, "export": "xlsx"})
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active for c in row]
    assert any("Hồ sơ cập nhật muộn từ phần mềm cũ" in c for c in cells)


def test_a_criterions_records_name_each_procedure_without_a_query_per_row(client, scenario):
    """Under "Procedure" a leader read only the national code ("1.000894") and had to look it
    up; the list names the procedure, and the names come with the page's one query for the
    records (a deferred name would load each procedure on its own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    c = login(client, scenario.cast.leader_a)
    url = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    procedure = scenario.late.procedure
    with CaptureQueriesContext(connection) as queries:
        body = c.get(url, {"period": AUG}).content.decode()
    assert html.escape(procedure.name) in body
    alone = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "catalogue_procedure"' in q["sql"] and "JOIN" not in q["sql"]
    ]
    assert alone == []
    r = c.get(url, {"period": AUG, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    line = next(row for row in rows if scenario.late.code in row)
    assert procedure.code in line and procedure.name in line


def test_an_unscored_criterion_says_it_costs_its_full_points_and_why(client, scenario):
    """A criterion with nothing in its denominator showed 'không chấm điểm / 6 — 0 / 0' and
    nothing else: it now says the metric costs its whole maximum, as the unit's page counts it,
    and why (nothing counted in its denominator this period)."""
    c = login(client, scenario.cast.leader_a)
    url = reverse("indices:evidence", args=["H26.100", "PUBLISH_ON_TIME"])
    body = html.unescape(c.get(url, {"period": AUG}).content.decode())
    assert "không chấm điểm" in body
    note = body[body.index('id="unscored-cost"') :]
    note = note[: note.index("</p>")]
    assert "mất trọn 6 điểm" in note and "TTHC có quyết định công bố trong kỳ" in note
    scored = reverse("indices:evidence", args=["H26.100", "DOSSIER_ON_TIME"])
    assert 'id="unscored-cost"' not in c.get(scored, {"period": AUG}).content.decode()


def test_the_ranking_is_searched_by_unit_name_or_code_without_accents(client, scenario):
    """The ranking had no search: on a phone, thousands of pixels of cards to find one unit.
    A search by name (accents optional) or code keeps the matching rows and their ranks."""
    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    c = login(client, scenario.cast.province_admin)
    url = reverse("indices:ranking")
    body = c.get(url, {"period": AUG, "q": "hoan kiem"}).content.decode()
    assert 'id="ranking-search"' in body and 'value="hoan kiem"' in body
    row = body[body.index('<tr id="rank-H26.100">') :]
    assert 'data-label="Hạng">1</td>' in row[: row.index("</tr>")]
    assert 'id="rank-H26.01"' not in body
    body = c.get(url, {"period": AUG, "q": "h26.01"}).content.decode()
    assert 'id="rank-H26.01"' in body and 'id="rank-H26.100"' not in body
    body = c.get(url, {"period": AUG, "q": "không có"}).content.decode()
    assert 'id="no-match"' in body and "<tr id=" not in body
