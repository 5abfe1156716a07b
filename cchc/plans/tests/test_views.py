import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.plans import inspections as isvc
from cchc.plans.forms import CompleteForm
from cchc.plans.models import Task
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


def test_pages_render_in_vietnamese_and_flow_through_forms(cast, assign):
    admin, unit = client_for(cast.province_admin), client_for(cast.leader_a)
    r = admin.post(
        "/plans/nhiem-vu/moi/",
        {
            "title": "Báo cáo kết quả CCHC",
            "source_kind": "CONCLUSION",
            "source_document": "TB 45/TB-VP",
            "lead_agency": cast.agency_a.pk,
            "output_type": "REPORT",
            "evidence_required": "on",
            "assigned_on": "2026-02-01",
            "deadline": "2027-03-31",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    task = Task.objects.get()
    page = unit.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    assert "Tiếp nhận" in page or "Acknowledge" in page
    assert unit.post(f"/plans/nhiem-vu/{task.code}/acknowledge/").status_code == 302
    unit.post(
        f"/plans/nhiem-vu/{task.code}/progress/",
        {"text": "Đã xong 60%", "percent": "60", "files": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    task.refresh_from_db()
    assert task.progress == 60 and task.files.count() == 1
    unit.post(f"/plans/nhiem-vu/{task.code}/complete/", {"result": "Đã gửi báo cáo"})
    task.refresh_from_db()
    assert task.completed_on is None  # refused: evidence required
    unit.post(
        f"/plans/nhiem-vu/{task.code}/complete/",
        {"result": "Đã gửi", "evidence_link": "https://vb.example.vn/45"},
    )
    task.refresh_from_db()
    assert task.completed_on is not None
    admin.post(f"/plans/nhiem-vu/{task.code}/verify/")
    task.refresh_from_db()
    assert task.status == "VERIFIED"
    for url in (
        "/plans/",
        "/plans/?tab=overdue&q=bao+cao",
        "/plans/van-ban/",
        "/plans/thi-dua/",
        f"/plans/don-vi/{cast.agency_a.code}/",
        "/plans/kiem-tra/",
    ):
        assert admin.get(url).status_code == 200, url
    xlsx = admin.get("/plans/thi-dua.xlsx?year=2026")
    assert xlsx.content[:2] == b"PK"
    pdf = admin.get(f"/plans/don-vi/{cast.agency_a.code}/bao-cao.pdf?year=2026")
    assert pdf.content[:4] == b"%PDF"


def test_role_matrix(cast, assign):
    task = assign(co_agencies=[cast.agency_b])
    code = task.code
    allowed = {
        # (user, url) -> status
        (cast.outsider, f"/plans/nhiem-vu/{code}/"): 404,
        (cast.clerk_b, f"/plans/nhiem-vu/{code}/"): 200,  # co-operating unit sees it
        (cast.inspector, f"/plans/nhiem-vu/{code}/"): 200,
        (cast.leader_a, "/plans/nhiem-vu/moi/"): 403,
        (cast.inspector, "/plans/nhiem-vu/moi/"): 403,
        (cast.province_admin, "/plans/nhiem-vu/moi/"): 200,
        (cast.citizen, "/plans/"): 403,
        (cast.leader_a, "/plans/kiem-tra/moi/"): 403,
        (cast.inspector, "/plans/kiem-tra/moi/"): 200,
        (cast.outsider, f"/plans/don-vi/{cast.agency_a.code}/"): 403,
        (cast.leader_a, f"/plans/don-vi/{cast.agency_a.code}/"): 200,
    }
    for (user, url), want in allowed.items():
        assert client_for(user).get(url).status_code == want, (user.username, url)
    # writes refused with a message, nothing changed
    client_for(cast.clerk_b).post(f"/plans/nhiem-vu/{code}/acknowledge/")
    client_for(cast.inspector).post(f"/plans/nhiem-vu/{code}/acknowledge/")
    task.refresh_from_db()
    assert task.status == "ASSIGNED"
    client_for(cast.clerk_a).post(f"/plans/nhiem-vu/{code}/acknowledge/")
    task.refresh_from_db()
    assert task.status == "ACKNOWLEDGED"


def test_inspection_pages(cast):
    insp = isvc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=D(2026, 5, 10),
        checklist=["Niêm yết TTHC", "Sổ theo dõi"],
    )
    c = client_for(cast.inspector)
    c.post(
        f"/plans/kiem-tra/{insp.code}/record/",
        {"result_C01": "FAIL", "note_C01": "Thiếu", "result_C02": "PASS"},
    )
    insp.refresh_from_db()
    assert insp.status == "RECORDED"
    c.post(
        f"/plans/kiem-tra/{insp.code}/finding/",
        {"severity": "MEDIUM", "description": "Chưa niêm yết"},
    )
    c.post(f"/plans/kiem-tra/{insp.code}/conclude/", {"conclusion": "Khắc phục"})
    insp.refresh_from_db()
    assert insp.status == "CONCLUDED" and insp.findings.get().corrective_task is not None
    assert c.get(f"/plans/kiem-tra/{insp.code}/ket-luan.pdf").content[:4] == b"%PDF"
    assert c.get(f"/plans/kiem-tra/{insp.code}/").status_code == 200
    # the unit cannot record findings
    client_for(cast.leader_a).post(
        f"/plans/kiem-tra/{insp.code}/finding/", {"severity": "LOW", "description": "x"}
    )
    assert insp.findings.count() == 1


def test_plan_with_targets_by_form(cast):
    from cchc.plans.models import Plan

    admin = client_for(cast.province_admin)
    r = admin.post(
        "/plans/ke-hoach/moi/",
        {
            "code": "KH-CCHC-2026",
            "year": "2026",
            "title": "Kế hoạch CCHC năm 2026",
            "issuing_document": "KH 12/KH-UBND",
            "targets": "SIPAS ≥ 86 % | sipas | 86\nHồ sơ đúng hạn ≥ 95 % | dossiers_on_time | 95",
        },
    )
    assert r.status_code == 302
    plan = Plan.objects.get()
    assert plan.targets[1] == {
        "label": "Hồ sơ đúng hạn ≥ 95 %",
        "measure": "dossiers_on_time",
        "target": 95.0,
    }
    # who entered the plan is kept with it and shown
    assert plan.created_by == cast.province_admin
    assert plan.created_by_label == cast.province_admin.display_name
    page = admin.get("/plans/ke-hoach/").content.decode()
    assert "SIPAS ≥ 86 %" in page
    assert f"Nhập bởi {cast.province_admin.display_name}" in page
    assert client_for(cast.leader_a).get("/plans/ke-hoach/moi/").status_code == 403


def test_an_evidence_link_typed_without_its_scheme_is_read_as_https():
    form = CompleteForm(data={"result": "Đã niêm yết", "evidence_link": "example.vn/bien-ban"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["evidence_link"] == "https://example.vn/bien-ban"


def test_a_task_form_sent_again_assigns_one_task(cast):
    """Back after assigning, then send the same page again: one task, and the second
    sending is taken to the task already assigned."""
    import re

    admin = client_for(cast.province_admin)
    page = admin.get("/plans/nhiem-vu/moi/").content.decode()
    (key,) = re.findall(r'name="form_key" value="([0-9a-f]{32})"', page)
    data = {
        "title": "Rà soát thủ tục",
        "source_kind": "CONCLUSION",
        "source_document": "TB 46/TB-VP",
        "lead_agency": cast.agency_a.pk,
        "output_type": "REPORT",
        "assigned_on": "2026-02-01",
        "deadline": "2027-03-31",
        "form_key": key,
    }
    first = admin.post("/plans/nhiem-vu/moi/", data)
    assert first.status_code == 302, first.content.decode()[:2000]
    again = admin.post("/plans/nhiem-vu/moi/", data)
    assert again["Location"] == first["Location"] and Task.objects.count() == 1


def test_task_page_after_a_send_back_shows_the_refused_progress_and_no_empty_actions(cast, assign):
    task = assign()
    from cchc.plans import services

    services.report_progress(task, actor=cast.leader_a, text="Đã làm 40%", percent=40)
    services.complete(task, actor=cast.leader_a, result="Xong")
    services.send_back(task, actor=cast.province_admin, reason="Thiếu minh chứng")
    admin_page = client_for(cast.province_admin).get(f"/plans/nhiem-vu/{task.code}/")
    html = admin_page.content.decode()
    assert '<span id="progress-value">40%</span>' in html
    assert '<progress value="40"' in html
    # the assigner has nothing to do on a task sent back: no "Actions" heading over nothing
    assert "<h2>Thao tác</h2>" not in html
    # the lead unit has steps again, under the heading
    lead_html = client_for(cast.leader_a).get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    assert "<h2>Thao tác</h2>" in lead_html and 'id="complete"' in lead_html


def test_task_list_marks_its_tab_keeps_the_search_and_says_overdue_in_words(cast, assign):
    from django.utils import timezone

    today = timezone.localdate()
    late = assign(title="Rà soát thủ tục", deadline=today - dt.timedelta(days=5))
    ahead = assign(title="Rà soát quy chế", deadline=today + dt.timedelta(days=30))
    admin = client_for(cast.province_admin)
    html = admin.get("/plans/", {"tab": "open", "q": "rà soát", "agency": ""}).content.decode()
    # the tab shown is marked for screen readers and for the eye
    assert '<a href="?tab=open&amp;q=r%C3%A0+so%C3%A1t&amp;agency=" aria-current="page"' in html
    assert 'aria-current="page" class="current-tab"' in html
    assert "a.current-tab{font-weight:700" in html
    # the other tabs keep the search text and the filters
    assert '<a href="?tab=overdue&amp;q=r%C3%A0+so%C3%A1t&amp;agency=">' in html
    # overdue and in time are said in words, not only by the badge's colour
    row_late = html.split(late.code + "</a>")[1].split("</tr>")[0]
    row_ahead = html.split(ahead.code + "</a>")[1].split("</tr>")[0]
    assert '<span class="badge late">Quá hạn 5 ngày</span>' in row_late
    assert '<span class="badge ontime">Còn trong hạn</span>' in row_ahead


def test_emulation_counts_a_recurring_task_once_and_writes_rates_alike(cast, assign):
    from cchc.plans import reports, services

    # a quarterly task is its four reports (domain.md §10: parent and children roll up)
    parent = assign(assigned_on=D(2026, 1, 5), deadline=D(2026, 12, 31), recurrence="QUARTERLY")
    assert parent.children.count() == 4
    done = assign(assigned_on=D(2026, 1, 5), deadline=D(2026, 2, 1))
    services.complete(done, actor=cast.leader_a, result="xong", completed_on=D(2026, 1, 20))
    b_tasks = [
        assign(assigned_on=D(2026, 1, 5), deadline=D(2026, 2, 1), lead_agency=cast.agency_b)
        for _ in range(3)
    ]
    for t in b_tasks[:2]:
        services.complete(t, actor=cast.leader_b, result="xong", completed_on=D(2026, 1, 20))
    rows = {r["code"]: r for r in reports.emulation(2026, as_of=D(2026, 12, 31))}
    assert rows[cast.agency_a.code]["total"] == 5  # 4 quarterly reports + 1, not the parent too
    assert rows[cast.agency_b.code]["total"] == 3
    html = client_for(cast.province_admin).get("/plans/thi-dua/?year=2026").content.decode()
    # one format for every rate: two decimals with the decimal comma
    # (unit A: 1 of 5 done, 1 of 4 due on time; unit B: 2 of 3 done, on time)
    assert (
        '<td data-label="Tỷ lệ hoàn thành">20,00%</td><td data-label="Tỷ lệ đúng hạn">25,00%</td>'
        '<td class="score" data-label="Điểm">23,50</td>'
    ) in html
    assert (
        '<td data-label="Tỷ lệ hoàn thành">66,67%</td><td data-label="Tỷ lệ đúng hạn">66,67%</td>'
        '<td class="score" data-label="Điểm">66,67</td>'
    ) in html


def test_unit_page_and_on_time_measure_count_a_recurring_task_as_the_ranking_does(cast, assign):
    """A leader reads the same rates on the unit page, in the emulation ranking and in the
    `tasks_on_time` measure: a task with sub-tasks counts through its sub-tasks (rule data)."""
    from cchc.plans import reports, services

    # a task of two pieces, both due by the end of March: one done on time, one not done
    parent = assign(assigned_on=D(2025, 1, 5), deadline=D(2025, 6, 30), title="Cha")
    done = assign(assigned_on=D(2025, 1, 5), deadline=D(2025, 3, 31), parent=parent)
    assign(assigned_on=D(2025, 1, 5), deadline=D(2025, 3, 31), parent=parent, title="Con 2")
    services.complete(done, actor=cast.leader_a, result="xong", completed_on=D(2025, 3, 20))
    as_of = D(2025, 12, 31)
    ranked = {r["code"]: r for r in reports.emulation(2025, as_of=as_of)}[cast.agency_a.code]
    unit = reports.unit_report(cast.agency_a, year=2025, as_of=as_of)
    assert unit["counts"]["total"] == ranked["total"] == 2
    assert unit["rates"]["on_time_rate"] == ranked["on_time_rate"]
    assert unit["rolled_up"] == 1
    measure = reports.tasks_on_time(agency_code=cast.agency_a.code, period="2025")
    # 1 of the 2 pieces on time; the overdue parent is not a third
    assert (measure.numerator, measure.denominator) == (1.0, 2.0)
    html = client_for(cast.leader_a).get(f"/plans/don-vi/{cast.agency_a.code}/?year=2025")
    assert (
        '<p id="rolled-up"><small>1 nhiệm vụ có nhiệm vụ con được tính qua các nhiệm vụ con, '
        "như trong xếp hạng thi đua.</small></p>"
    ) in html.content.decode()
