"""Every download of the plans app is named for what it holds (task 4.1): the emulation
ranking was "nhiem-vu-<year>.xlsx", a name the task list's download had too, the unit's PDF
had no year, and the task list named its tab in English ("to_verify"). Names are Vietnamese
without diacritics, with the unit, plan, year or day that tell two downloads apart."""

import datetime as dt
import re

import pytest

from cchc.plans import inspections as isvc
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


def _name(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    found = re.search(r'filename="([^"]+)"', response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return found.group(1)


def test_the_emulation_ranking_and_the_task_list_have_names_of_their_own(cast, assign, freezer):
    freezer.move_to("2026-05-12")
    assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1))
    admin = client_for(cast.province_admin)
    ranking = _name(admin.get("/plans/thi-dua.xlsx?year=2026"))
    assert ranking == "thi-dua-2026.xlsx"
    tasks = _name(admin.get("/plans/nhiem-vu.xlsx"))
    assert tasks == "nhiem-vu-chua-hoan-thanh-20260512.xlsx"
    assert ranking != tasks
    # the tab and the unit filtered on are in the name, the tab in Vietnamese
    code = cast.agency_a.code
    overdue = _name(admin.get(f"/plans/nhiem-vu.xlsx?tab=overdue&agency={code}"))
    assert overdue == f"nhiem-vu-qua-han-{code}-20260512.xlsx"
    assert _name(admin.get("/plans/nhiem-vu.xlsx?tab=to_verify")).startswith(
        "nhiem-vu-cho-xac-nhan-"
    )


def test_a_unit_leader_s_emulation_download_names_the_unit(cast, assign, freezer):
    freezer.move_to("2026-05-12")
    assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1))
    assign(title="Báo cáo năm", lead_agency=cast.agency_b, deadline=D(2026, 12, 31))
    leader = client_for(cast.leader_a)
    assert _name(leader.get("/plans/thi-dua.xlsx?year=2026")) == (
        f"thi-dua-{cast.agency_a.code}-2026.xlsx"
    )


def test_the_unit_report_names_its_unit_and_year_in_pdf_and_excel(cast, assign, freezer):
    freezer.move_to("2026-05-12")
    assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1))
    leader = client_for(cast.leader_a)
    code = cast.agency_a.code
    pdf = leader.get(f"/plans/don-vi/{code}/bao-cao.pdf?year=2026")
    assert pdf["Content-Disposition"].startswith("inline;")
    assert _name(pdf) == f"bao-cao-nhiem-vu-{code}-2026.pdf"
    xlsx = leader.get(f"/plans/don-vi/{code}/nhiem-vu.xlsx?year=2025")
    assert _name(xlsx) == f"bao-cao-nhiem-vu-{code}-2025.xlsx"


def test_the_inspection_list_and_conclusion_are_named_for_inspections(cast, insp, freezer):
    freezer.move_to("2026-05-12")
    results = {item["code"]: {"result": "PASS"} for item in insp.checklist}
    isvc.record_inspection(insp, actor=cast.inspector, results=results, inspected_on=D(2026, 5, 10))
    isvc.conclude(insp, actor=cast.inspector, conclusion="Đạt", concluded_on=D(2026, 5, 11))
    inspector = client_for(cast.inspector)
    code = cast.agency_a.code
    listed = _name(inspector.get(f"/plans/kiem-tra.xlsx?year=2026&agency={code}"))
    assert listed == f"kiem-tra-2026-{code}-20260512.xlsx"
    conclusion = inspector.get(f"/plans/kiem-tra/{insp.code}/ket-luan.pdf")
    assert _name(conclusion) == f"ket-luan-kiem-tra-{insp.code}.pdf"
