"""Closed means closed: once a period is closed (command or page), every page, export and
`compute_indices` show the frozen figures marked "đã chốt", the live difference apart."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cchc.indices.export import FONT_PATH
from cchc.indices.models import PeriodReport, PeriodReportEvent, Restatement
from cchc.indices.tests.conftest import at, counter

pytestmark = pytest.mark.django_db
AUG = "2026-08"
AGENCY = "H26.100"


def shown(value: float) -> tuple[str, str]:
    text = f"{value:.2f}"
    return text, text.replace(".", ",")


def total_of(doc: dict, code: str = AGENCY) -> float:
    return next(r["total"] for r in doc["agencies"] if r["code"] == code)


def compute(*args: str) -> dict:
    out = io.StringIO()
    call_command("compute_indices", "--period", AUG, *args, stdout=out)
    return json.loads(out.getvalue())


def xlsx_cells(content: bytes) -> list:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(content)).active
    return [cell for row in ws.iter_rows(values_only=True) for cell in row]


@pytest.fixture
def closed_then_back_dated(scenario, django_capture_on_commit_callbacks):
    """August closed by the command, then a back-dated dossier that is still open (late)."""
    cast = scenario.cast
    call_command(
        "close_period", period=AUG, user=cast.province_admin.username, stdout=io.StringIO()
    )
    report = PeriodReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        counter(cast, at(12, 9))
    frozen = total_of(report.document)
    live = total_of(compute("--live"))
    assert live != frozen  # the back-dated dossier changed the live figure
    return scenario, report, frozen, live


def test_the_command_closes_the_province_served_and_prints_frozen_figures(closed_then_back_dated):
    _scenario, report, frozen, live = closed_then_back_dated
    assert report.province_code == settings.CCHC_PROVINCE_CODE
    assert [e.action for e in PeriodReportEvent.objects.filter(report=report)] == ["close"]
    doc = compute()  # no --province: the province served, so periods closed from the UI too
    assert doc["frozen"] is True and doc["closed_at"]
    assert total_of(doc) == frozen
    assert doc["live_difference"][AGENCY] == round(live - frozen, 2)
    # the live figures say they are not frozen (every scheme's document carries the mark)
    assert compute("--live")["frozen"] is False


def test_pages_show_the_frozen_figure_marked_closed_and_the_live_difference_apart(
    client, closed_then_back_dated
):
    scenario, _report, frozen, live = closed_then_back_dated
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:agency", args=[AGENCY]), {"period": AUG}).content.decode()
    assert "đã chốt" in body
    assert any(t in body for t in shown(frozen)) and not any(t in body for t in shown(live))
    assert any(t in body for t in shown(round(live - frozen, 2)))
    for name in ("indices:dashboard", "indices:ranking", "indices:losses"):
        body = client.get(reverse(name), {"period": AUG}).content.decode()
        assert "đã chốt" in body and 'id="live-difference"' in body or name != "indices:dashboard"
        assert "đã chốt" in body, name
    body = client.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    assert any(t in body for t in shown(frozen)) and not any(t in body for t in shown(live))
    body = client.get(
        reverse("indices:evidence", args=[AGENCY, "DOSSIER_ON_TIME"]), {"period": AUG}
    ).content.decode()
    assert "đã chốt" in body
    client.logout()
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    assert "đã chốt" in body
    assert any(t in body for t in shown(frozen)) and not any(t in body for t in shown(live))


def test_excel_exports_carry_the_frozen_figures_and_the_live_difference(
    client, closed_then_back_dated
):
    scenario, _report, frozen, live = closed_then_back_dated
    client.force_login(scenario.cast.province_admin)
    cells = xlsx_cells(
        client.get(reverse("indices:ranking"), {"period": AUG, "export": "xlsx"}).content
    )
    assert frozen in cells and live not in cells
    assert round(live - frozen, 2) in cells
    assert any(isinstance(c, str) and "đã chốt" in c for c in cells)
    cells = xlsx_cells(
        client.get(
            reverse("indices:agency", args=[AGENCY]), {"period": AUG, "export": "xlsx"}
        ).content
    )
    assert any(isinstance(c, str) and "đã chốt" in c for c in cells)
    client.logout()
    cells = xlsx_cells(
        client.get(reverse("indices:public"), {"period": AUG, "export": "xlsx"}).content
    )
    assert frozen in cells and live not in cells


@pytest.mark.skipif(
    not FONT_PATH.exists() and not os.environ.get("CI"),
    reason=f"PDF export needs {FONT_PATH} (apt-get install fonts-dejavu-core)",
)
def test_pdf_export_says_the_figures_are_frozen(client, closed_then_back_dated):
    from pypdf import PdfReader

    _scenario, _report, frozen, _live = closed_then_back_dated
    r = client.get(reverse("indices:public"), {"period": AUG, "export": "pdf"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "đã chốt" in text and any(t in text for t in shown(frozen))


def test_restate_command_records_who_when_why_and_before_after(closed_then_back_dated):
    scenario, report, frozen, live = closed_then_back_dated
    admin = scenario.cast.province_admin
    with pytest.raises(CommandError, match="lý do"):
        call_command("restate_period", period=AUG, user=admin.username, reason=" ")
    with pytest.raises(CommandError, match="quản trị viên"):
        call_command(
            "restate_period", period=AUG, user=scenario.cast.leader_a.username, reason="Sửa"
        )
    call_command(
        "restate_period",
        period=AUG,
        user=admin.username,
        reason="Bổ sung hồ sơ nhập muộn",
        stdout=io.StringIO(),
    )
    restatement = Restatement.objects.get()
    assert restatement.actor == admin and restatement.at and "nhập muộn" in restatement.reason
    assert total_of(restatement.previous_document) == frozen
    assert total_of(restatement.new_document) == live
    assert [e.action for e in PeriodReportEvent.objects.filter(report=report)] == [
        "close",
        "restate",
    ]
    doc = compute()
    assert total_of(doc) == live and AGENCY not in doc["live_difference"]


def test_restating_or_closing_by_command_refuses_what_the_page_refuses(scenario):
    admin = scenario.cast.province_admin
    with pytest.raises(CommandError, match="chưa được chốt"):
        call_command("restate_period", period=AUG, user=admin.username, reason="Lý do")
    with pytest.raises(CommandError, match="quản trị viên"):
        call_command("close_period", period=AUG, user=scenario.cast.leader_a.username)
    assert not PeriodReport.objects.exists()


def test_close_and_restate_commands_run_as_interchange_writes_them(scenario):
    """interchange.md §2 writes `close_period --scheme qd766 --period P --province 01` without
    --user: the province's only administrator is recorded as acting, and the command says
    so; with two administrators it asks which one instead of guessing."""
    admin = scenario.cast.province_admin
    out = io.StringIO()
    call_command(
        "close_period", "--scheme", "qd766", "--period", AUG, "--province", "01", stdout=out
    )
    report = PeriodReport.objects.get()
    assert report.closed_by == admin
    assert "Tháng 8/2026" in out.getvalue() and admin.username in out.getvalue()
    from cchc.accounts.models import User

    User.objects.create_user(
        username="sonoivu2", password="x", kind="PROVINCE_ADMIN", province_code="01"
    )
    with pytest.raises(CommandError, match="--user"):
        call_command("restate_period", "--period", AUG, "--reason", "Nhập muộn")
    assert not Restatement.objects.exists()


def test_the_periods_page_says_as_of_when_not_an_event_number(client, closed_then_back_dated):
    """'Dữ liệu đến' read '#14816 05:35 ...': a raw event number nobody can read. The time is
    shown; the number stays in the cell's title for an auditor."""
    scenario, report, _frozen, _live = closed_then_back_dated
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:periods")).content.decode()
    assert f"#{report.watermark_event_id} " not in body
    assert f"đến sự kiện số {report.watermark_event_id}" in body


@pytest.mark.parametrize("command", ["close_period", "restate_period"])
@pytest.mark.parametrize("scheme", ["sipas", "par"])
def test_the_modules_own_indices_are_not_closed_here_and_the_command_says_where(
    cast, command, scheme
):
    """interchange.md §2's commands freeze the service index; SIPAS and the PAR INDEX are
    frozen by publishing them in their modules. The command said "no methodology for the
    period" although compute_indices computes the same scheme and period."""
    args = ["--scheme", scheme, "--period", "2026", "--user", cast.province_admin.username]
    if command == "restate_period":
        args += ["--reason", "Sửa số liệu"]
    with pytest.raises(CommandError) as refused:
        call_command(command, *args)
    assert "--scheme qd766" in str(refused.value) and "phương pháp" not in str(refused.value)
    assert not PeriodReport.objects.exists()
