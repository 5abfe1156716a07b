"""The plan list (pages, search by number or name, year) and the inspection list (year, unit,
status, findings, search, Excel export) as Home Affairs and the inspector use them when a
province has many of each; the task form's unit pickers with many units."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cchc.agencies.models import Agency
from cchc.plans import inspections as isvc
from cchc.plans import services
from cchc.plans.models import Plan, Task
from cchc.testing import AgencyFactory, client_for

D = dt.date
pytestmark = pytest.mark.django_db


def _plans(cast, n_2025: int, n_2026: int) -> None:
    for year, count in ((2025, n_2025), (2026, n_2026)):
        for n in range(1, count + 1):
            services.create_plan(
                actor=cast.province_admin,
                code=f"KH-{year}-{n:02d}",
                year=year,
                title=f"Kế hoạch cải cách hành chính số {n} năm {year}",
                issuing_document=f"KH {n}/KH-UBND",
            )


def test_plan_list_pages_ten_plans_and_keeps_its_filters(cast):
    _plans(cast, 8, 15)
    admin = client_for(cast.province_admin)
    first = admin.get("/plans/ke-hoach/").content.decode()
    assert first.count("<article>") == 10
    assert "Trang 1 / 3" in first
    assert 'rel="next"' in first and "page=2" in first
    last = admin.get("/plans/ke-hoach/?page=3").content.decode()
    assert last.count("<article>") == 3 and "2025 — " in last

    # a year keeps its filter across the pages
    year = admin.get("/plans/ke-hoach/?year=2026").content.decode()
    assert year.count("<article>") == 10 and "2025 — " not in year
    assert "?year=2026&amp;page=2" in year
    second = admin.get("/plans/ke-hoach/?year=2026&page=2").content.decode()
    assert second.count("<article>") == 5

    # by number or by name, without the diacritics
    by_number = admin.get("/plans/ke-hoach/?q=KH+12/KH").content.decode()
    assert by_number.count("<article>") == 1 and "số 12 năm 2026" in by_number
    by_name = admin.get("/plans/ke-hoach/?q=ke+hoach+so+3&year=2025").content.decode()
    assert by_name.count("<article>") == 1 and "số 3 năm 2025" in by_name
    none = admin.get("/plans/ke-hoach/?q=khong+co").content.decode()
    assert none.count("<article>") == 0 and "Không có kế hoạch nào" in none


def _pdf(name="bc.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")


@pytest.fixture
def inspected(cast, freezer):
    """Three inspections: unit A 2026 concluded with one finding still open and one closed
    (remediation overdue by 01/07/2026); unit B 2026 just planned; unit A 2025 concluded with
    its only finding closed."""
    freezer.move_to("2025-03-01")

    def concluded(agency, day, conclusion, close):  # type: ignore[no-untyped-def]
        insp = isvc.schedule_inspection(
            actor=cast.inspector, agency=agency, scheduled_on=day, checklist=["Niêm yết TTHC"]
        )
        results = {item["code"]: {"result": "FAIL"} for item in insp.checklist}
        isvc.record_inspection(insp, actor=cast.inspector, results=results, inspected_on=day)
        findings = [
            isvc.raise_finding(
                actor=cast.inspector,
                inspection=insp,
                severity="MEDIUM",
                description=f"Thiếu sót {n}",
                found_on=day,
            )
            for n in range(len(close))
        ]
        isvc.conclude(insp, actor=cast.inspector, conclusion=conclusion, concluded_on=day)
        for finding, closing in zip(findings, close, strict=True):
            finding.refresh_from_db()
            if closing:
                task = finding.corrective_task
                assert task is not None
                services.complete(task, actor=cast.leader_a, result="Đã khắc phục", files=[_pdf()])
                isvc.reinspect_finding(finding, actor=cast.inspector, closed=True)
        insp.refresh_from_db()
        return insp

    old = concluded(cast.agency_a, D(2025, 3, 1), "Đơn vị thực hiện tốt", [True])
    freezer.move_to("2026-05-10")
    open_one = concluded(
        cast.agency_a, D(2026, 5, 10), "Khắc phục niêm yết trong 15 ngày", [False, True]
    )
    planned = isvc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_b,
        scheduled_on=D(2026, 9, 1),
        checklist=["Sổ theo dõi"],
    )
    freezer.move_to("2026-07-01")
    return {"old": old, "open": open_one, "planned": planned}


def _codes(html: str, inspected: dict) -> set[str]:
    return {name for name, insp in inspected.items() if f">{insp.code}</a>" in html}


def test_inspection_list_filters_by_year_unit_status_findings_and_words(cast, inspected):
    inspector = client_for(cast.inspector)

    def shown(query: str) -> set[str]:
        r = inspector.get(f"/plans/kiem-tra/{query}")
        assert r.status_code == 200
        return _codes(r.content.decode(), inspected)

    assert shown("") == {"old", "open", "planned"}
    assert shown("?year=2026") == {"open", "planned"}
    assert shown(f"?agency={cast.agency_b.code}") == {"planned"}
    assert shown("?status=PLANNED") == {"planned"}
    assert shown("?status=CONCLUDED&year=2026") == {"open"}
    assert shown("?findings=open") == {"open"}
    assert shown("?findings=closed") == {"old"}
    assert shown("?findings=none") == {"planned"}
    # words of the conclusion, without the diacritics; the unit's name
    assert shown("?q=khac+phuc+niem+yet") == {"open"}
    assert shown(f"?q={cast.agency_b.name}") == {"planned"}
    # a status or findings value the list does not know is ignored, not an error
    assert shown("?status=NOPE&findings=maybe") == {"old", "open", "planned"}
    page = inspector.get("/plans/kiem-tra/?year=2026").content.decode()
    assert "2 (1 chưa khắc phục)" in page
    assert "Quá hạn khắc phục" in page
    assert "kiem-tra.xlsx?year=2026" in page


def test_inspection_list_export_has_the_filtered_rows_with_findings_and_remediation(
    cast, inspected
):
    r = client_for(cast.inspector).get("/plans/kiem-tra.xlsx?agency=" + cast.agency_a.code)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Mã" and "Tồn tại, hạn chế" in rows[0]
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {inspected["open"].code, inspected["old"].code}
    header = rows[0]
    open_row = dict(zip(header, body[inspected["open"].code], strict=True))
    old_row = dict(zip(header, body[inspected["old"].code], strict=True))
    found, still_open, state = "Tồn tại, hạn chế", "Tồn tại chưa khắc phục", "Tình hình khắc phục"
    assert (open_row[found], open_row[still_open]) == (2, 1)
    assert open_row[state] == "Quá hạn khắc phục"
    assert open_row["Hạn khắc phục"] == dt.datetime(2026, 5, 25)
    assert (old_row[found], old_row[still_open]) == (1, 0)
    assert old_row[state] == "Đã khắc phục hết tồn tại"
    assert open_row["Ngày dự kiến"] == dt.datetime(2026, 5, 10)


def test_inspection_list_and_export_are_for_staff_only(cast, inspected):
    assert client_for(cast.citizen).get("/plans/kiem-tra/").status_code == 403
    assert client_for(cast.citizen).get("/plans/kiem-tra.xlsx").status_code == 403
    # a unit's leader lists and exports only the inspections of their own unit
    r = client_for(cast.leader_b).get("/plans/kiem-tra.xlsx")
    codes = [
        row[0]
        for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert codes == [inspected["planned"].code]


def test_task_form_unit_pickers_filter_and_keep_ticks(cast):
    units: list[Agency] = [AgencyFactory(name=f"Ủy ban nhân dân xã số {n}") for n in range(55)]  # type: ignore[misc]
    admin = client_for(cast.province_admin)
    page = admin.get("/plans/nhiem-vu/moi/").content.decode()
    # the lead unit: a list with a filter box; the co-operating units and observers: checkboxes
    assert 'name="lead_agency"' in page and 'data-filterable="' in page
    assert page.count('type="checkbox" name="co_agencies"') >= 55
    assert page.count('type="checkbox" name="observer_agencies"') >= 55
    assert 'class="unit-checklist"' in page
    # the parent task among every open task of the province: a filter box too
    parent_tag = page.split('name="parent"')[1].split(">")[0]
    assert 'data-filterable="Gõ vài chữ của mã hoặc tên nhiệm vụ để tìm"' in parent_tag
    data = {
        "title": "Số hóa hồ sơ",
        "source_kind": "PLAN",
        "source_document": "KH 1/KH-UBND",
        "lead_agency": cast.agency_a.pk,
        "co_agencies": [units[3].pk, units[41].pk],
        "observer_agencies": [units[50].pk],
        "output_type": "REPORT",
        "assigned_on": "2026-02-01",
        "deadline": "",  # refused: the ticks must come back
    }
    refused = admin.post("/plans/nhiem-vu/moi/", data).content.decode()
    assert f'value="{units[3].pk}" id="id_co_agencies_' in refused
    for pk in (units[3].pk, units[41].pk):
        assert f'name="co_agencies" value="{pk}"' in refused
        tag = refused.split(f'name="co_agencies" value="{pk}"')[1].split(">")[0]
        assert "checked" in tag
    data["deadline"] = "2026-12-31"
    assert admin.post("/plans/nhiem-vu/moi/", data).status_code == 302
    task = Task.objects.get(title="Số hóa hồ sơ")
    assert set(task.co_agencies.all()) == {units[3], units[41]}
    assert list(task.observer_agencies.all()) == [units[50]]


def test_a_task_is_assigned_under_a_plan_and_the_plan_lists_its_tasks(cast, assign):
    _plans(cast, 0, 2)
    admin = client_for(cast.province_admin)
    plans = admin.get("/plans/ke-hoach/").content.decode()
    assert "/plans/nhiem-vu/moi/?plan=KH-2026-01" in plans
    form = admin.get("/plans/nhiem-vu/moi/?plan=KH-2026-01").content.decode()
    chosen = form.split('name="plan"')[1].split("</select>")[0]
    assert "selected" in chosen.split("KH 1/KH-UBND")[0].rsplit("<option", 1)[1]
    # the plan's number is the task's source document unless the person writes another
    assert 'name="source_document" value="KH 1/KH-UBND"' in form
    data = {
        "title": "Rà soát thủ tục theo kế hoạch",
        "source_kind": "PLAN",
        "source_document": "KH 1/KH-UBND",
        "plan": Plan.objects.get(code="KH-2026-01").pk,
        "lead_agency": cast.agency_a.pk,
        "output_type": "REPORT",
        "assigned_on": "2026-02-01",
        "deadline": "2026-12-31",
    }
    assert admin.post("/plans/nhiem-vu/moi/", data).status_code == 302
    under = Task.objects.get(title="Rà soát thủ tục theo kế hoạch")
    assert under.plan is not None and under.plan.code == "KH-2026-01"
    other = assign(title="Nhiệm vụ ngoài kế hoạch")
    listed = admin.get("/plans/?tab=all&plan=KH-2026-01").content.decode()
    assert under.code in listed and other.code not in listed
    assert "Kế hoạch cải cách hành chính số 1 năm 2026" in listed
    plans = admin.get("/plans/ke-hoach/?q=so+1").content.decode()
    assert "/plans/?tab=all&amp;plan=KH-2026-01" in plans and "Nhiệm vụ: 1" in plans


def test_plan_targets_name_their_measure_not_its_key(cast):
    services.create_plan(
        actor=cast.province_admin,
        code="KH-2026-SIPAS",
        year=2026,
        title="Kế hoạch nâng cao sự hài lòng",
        issuing_document="KH 20/KH-UBND",
        targets=[{"label": "SIPAS ≥ 86 %", "measure": "sipas", "target": 86}],
    )
    page = client_for(cast.province_admin).get("/plans/ke-hoach/").content.decode()
    assert "(Chỉ số hài lòng (SIPAS) ≥ 86)" in page and "(sipas" not in page


def test_inspection_list_shows_one_inspection_plans_inspections(cast, inspected):
    plan = isvc.create_inspection_plan(
        actor=cast.inspector,
        code="KH-KT-2026",
        year=2026,
        title="Kiểm tra công vụ năm 2026",
        checklist=[{"code": "NIEM_YET", "label": "Niêm yết TTHC"}],
    )
    planned = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_b, scheduled_on=D(2026, 10, 1), plan=plan
    )
    inspector = client_for(cast.inspector)
    page = inspector.get("/plans/kiem-tra/").content.decode()
    assert 'href="?plan=KH-KT-2026"' in page
    listed = inspector.get("/plans/kiem-tra/?plan=KH-KT-2026").content.decode()
    assert f">{planned.code}</a>" in listed
    assert _codes(listed, inspected) == set()
    assert 'name="plan" value="KH-KT-2026"' in listed  # the other filters keep the plan


def test_a_units_leader_is_told_how_many_of_a_plans_tasks_concern_their_units(cast, assign):
    """A leader read "Tasks: 2" on the plan and found one task behind the link (the list
    shows only the tasks their units see)."""
    _plans(cast, 0, 1)
    plan = Plan.objects.get(code="KH-2026-01")
    assign(title="Việc của phường", plan=plan)
    assign(title="Việc của sở", plan=plan, lead_agency=cast.agency_b)
    leader = client_for(cast.leader_a).get("/plans/ke-hoach/").content.decode()
    assert (
        "Nhiệm vụ: 2" in leader and "(trong đó 1 nhiệm vụ liên quan đến đơn vị của bạn)" in leader
    )
    province = client_for(cast.province_admin).get("/plans/ke-hoach/").content.decode()
    assert "Nhiệm vụ: 2" in province and "data-visible" not in province


def test_the_frozen_date_is_the_one_the_inspection_list_and_its_export_read(
    cast, inspected, freezer
):
    """The `freezer` fixture moves the date the pages read, not only the services': on
    12/05/2026 the inspection concluded on 10/05/2026 is still within its remediation period,
    and overdue once the clock passes it."""
    inspector = client_for(cast.inspector)
    freezer.move_to("2026-05-12")
    html = inspector.get(f"/plans/kiem-tra/?agency={cast.agency_a.code}&year=2026").content.decode()
    assert "Đang khắc phục, còn trong hạn" in html
    assert "Quá hạn khắc phục" not in html
    r = inspector.get("/plans/kiem-tra.xlsx?year=2026")
    assert r["Content-Disposition"].endswith('kiem-tra-2026-20260512.xlsx"')
    freezer.move_to("2026-07-01")
    html = inspector.get(f"/plans/kiem-tra/?agency={cast.agency_a.code}&year=2026").content.decode()
    assert "Quá hạn khắc phục" in html
