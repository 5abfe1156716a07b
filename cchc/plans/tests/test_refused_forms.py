"""What a person typed survives a refusal, and the refusal says what is wrong and where.

The task page's and the inspection page's forms, refused by the form or by the service, bring
the page back with that form bound (the text kept, the error on its field, aria-invalid);
accepted, they redirect. A plan's targets are checked line by line; an inspection of a unit
on a day it did not exist yet, or with a period upside down, is refused with a message that
says so; counts of tasks are headed as counts; histories name actions in Vietnamese."""

import datetime as dt
import typing

import pytest

from cchc.agencies.models import Agency
from cchc.core.a11y import assert_aria_references
from cchc.core.errors import ValidationFailed
from cchc.plans import inspections as isvc
from cchc.plans import services
from cchc.plans.inspection_models import Inspection, InspectionStatus
from cchc.plans.models import Plan
from cchc.testing import AgencyFactory, client_for

D = dt.date
pytestmark = pytest.mark.django_db


def refused_page(response, field: str, prefix: str = "id_") -> str:
    """The page sent back for a refused form: 200, ids sound, `field` marked invalid with
    its error written; the page's html. `prefix` is the form's id prefix (the send-back
    form's ids are its own, "send_back_")."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert f'id="{prefix}{field}_error"' in html, html
    assert f"{prefix}{field}" in assert_aria_references(html).invalid
    return html


def field_error(html: str, field: str, prefix: str = "id_") -> str:
    """The error written under `field` (Django's own wording may be overridden by a
    catalogue of ours, so tests read what stands there)."""
    return html.split(f'id="{prefix}{field}_error">')[1].split("</small>")[0]


@pytest.fixture
def task(assign):
    # a deadline still ahead, so an extension may be asked
    return assign(deadline=D(2027, 6, 30))


def test_refused_progress_keeps_the_text_and_marks_the_percent(cast, task):
    url = f"/plans/nhiem-vu/{task.code}/progress/"
    r = client_for(cast.leader_a).post(url, {"text": "Đã rà soát 12/20 thủ tục", "percent": "150"})
    html = refused_page(r, "percent")
    assert "Đã rà soát 12/20 thủ tục" in html
    assert "100" in field_error(html, "percent")
    task.refresh_from_db()
    assert list(task.events.values_list("action", flat=True)) == ["assign"]
    assert task.progress == 0


def test_refused_extension_keeps_the_reason_and_marks_the_date(cast, task):
    """The service's refusal (a new deadline before the current one) on its field."""
    url = f"/plans/nhiem-vu/{task.code}/extension/"
    r = client_for(cast.leader_a).post(
        url, {"new_deadline": "2026-01-05", "reason": "Chờ ý kiến của Sở Tư pháp"}
    )
    html = refused_page(r, "new_deadline")
    assert "Chờ ý kiến của Sở Tư pháp" in html
    assert (
        field_error(html, "new_deadline")
        == "Thời hạn mới phải sau thời hạn hiện hành (30/06/2027)."
    )
    assert "<details open><summary>Đề nghị gia hạn" in html
    assert not task.extensions.exists()


def test_refused_completion_keeps_the_result_and_marks_the_link(cast, task):
    url = f"/plans/nhiem-vu/{task.code}/complete/"
    c = client_for(cast.leader_a)
    r = c.post(url, {"result": "Đã trình phương án đơn giản hóa", "evidence_link": "không có"})
    html = refused_page(r, "evidence_link")
    assert "Đã trình phương án đơn giản hóa" in html and "URL" in field_error(html, "evidence_link")
    task.refresh_from_db()
    assert task.completed_on is None
    # accepted: post/redirect/get, as before
    r = c.post(url, {"result": "Đã trình", "evidence_link": "https://vb.example.vn/45"})
    assert r.status_code == 302 and r["Location"] == f"/plans/nhiem-vu/{task.code}/"
    task.refresh_from_db()
    assert task.completed_on is not None


def test_refused_send_back_keeps_nothing_it_was_not_given_and_says_where(cast, task):
    services.complete(task, actor=cast.leader_a, result="Xong")
    url = f"/plans/nhiem-vu/{task.code}/send_back/"
    refused = client_for(cast.province_admin).post(url, {"reason": "  "})
    html = refused_page(refused, "reason", prefix="send_back_")
    assert field_error(html, "reason", prefix="send_back_").strip()
    task.refresh_from_db()
    assert task.completed_on is not None


@pytest.fixture
def recorded(cast):
    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["X"]
    )
    return isvc.record_inspection(insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}})


def test_conclusion_with_too_long_a_remediation_says_so_and_keeps_the_text(cast, recorded):
    url = f"/plans/kiem-tra/{recorded.code}/conclude/"
    c = client_for(cast.inspector)
    typed = {"conclusion": "Yêu cầu niêm yết đủ thủ tục", "remediation_days": "400"}
    html = refused_page(c.post(url, typed), "remediation_days")
    assert field_error(html, "remediation_days") == "Thời hạn khắc phục tối đa là 365 ngày."
    assert "Hãy nhập kết luận." not in html
    assert "Yêu cầu niêm yết đủ thủ tục" in html
    recorded.refresh_from_db()
    assert recorded.status == InspectionStatus.RECORDED and not recorded.conclusion
    # the service keeps the bound whoever calls it (the rule data's limit)
    with pytest.raises(ValidationFailed) as refused:
        isvc.conclude(recorded, actor=cast.inspector, conclusion="X", remediation_days=366)
    assert refused.value.field == "remediation_days"
    assert c.post(url, {**typed, "remediation_days": "365"}).status_code == 302
    recorded.refresh_from_db()
    assert recorded.remediation_due == recorded.concluded_on + dt.timedelta(days=365)


def test_refused_finding_keeps_the_description(cast, recorded):
    url = f"/plans/kiem-tra/{recorded.code}/finding/"
    r = client_for(cast.inspector).post(url, {"description": "Chưa niêm yết đủ TTHC"})
    html = refused_page(r, "severity")
    assert "Chưa niêm yết đủ TTHC" in html
    assert not recorded.findings.exists()


def test_plan_targets_are_checked_line_by_line(cast):
    c = client_for(cast.province_admin)
    typed = {
        "code": "KH-2026",
        "year": "2026",
        "title": "Kế hoạch CCHC năm 2026",
        "issuing_document": "KH 12/KH-UBND",
        "targets": "Hồ sơ đúng hạn ≥ 95 % | dossiers_on_time | 95\n"
        "Chỉ tiêu lạ | khong_co_chi_so | 95\n"
        "sai dinh dang\n"
        "SIPAS | sipas | 186",
    }
    html = refused_page(c.post("/plans/ke-hoach/moi/", typed), "targets")
    assert "Dòng 2 (Chỉ tiêu lạ | khong_co_chi_so | 95): không có chỉ số đo khong_co_chi_so" in html
    assert "Dòng 3 (sai dinh dang): hãy ghi theo mẫu" in html
    assert "Dòng 4 (SIPAS | sipas | 186): chỉ tiêu theo chỉ số đo sipas" in html
    assert "Dòng 1" not in html
    assert "Chỉ tiêu lạ | khong_co_chi_so | 95" in html.split('id="id_targets"')[1]  # kept
    assert not Plan.objects.exists()

    typed["targets"] = (
        "Hồ sơ đúng hạn ≥ 95 % | dossiers_on_time | 95\n\nPAR INDEX trong nhóm 10 | | 10"
    )
    assert c.post("/plans/ke-hoach/moi/", typed).status_code == 302
    assert Plan.objects.get().targets == [
        {"label": "Hồ sơ đúng hạn ≥ 95 %", "measure": "dossiers_on_time", "target": 95.0},
        {"label": "PAR INDEX trong nhóm 10", "measure": "", "target": 10.0},
    ]
    # the service refuses an unknown measure from any caller
    with pytest.raises(ValidationFailed) as refused:
        services.create_plan(
            actor=cast.province_admin,
            code="KH-2027",
            year=2027,
            title="X",
            issuing_document="KH 1",
            targets=[{"label": "X", "measure": "khong_co_chi_so", "target": 95}],
        )
    assert refused.value.field == "targets" and "khong_co_chi_so" in refused.value.message


def test_unit_report_heads_the_count_of_tasks(cast, assign):
    assign()
    html = client_for(cast.province_admin).get(f"/plans/don-vi/{cast.agency_a.code}/").content
    page = html.decode()
    assert "<th>Tổng số nhiệm vụ</th>" in page and "Tổng điểm" not in page
    for url in ("/plans/van-ban/", "/plans/thi-dua/"):
        page = client_for(cast.province_admin).get(url).content.decode()
        assert "Tổng số nhiệm vụ" in page and "Tổng điểm" not in page, url


def test_inspection_of_a_unit_before_it_existed_and_an_upside_down_period(cast):
    new_commune = typing.cast(
        Agency, AgencyFactory(code="H26.200", name="UBND phường Mới", valid_from=D(2025, 7, 1))
    )
    c = client_for(cast.inspector)
    typed = {"agency": new_commune.pk, "scheduled_on": "2020-01-01", "checklist": "Niêm yết"}
    html = refused_page(c.post("/plans/kiem-tra/moi/", typed), "agency")
    assert (
        "Đơn vị H26.200 được thành lập từ ngày 01/07/2025: vào ngày 01/01/2020 đơn vị chưa tồn tại."
        in html
    )
    assert "không còn tồn tại" not in html

    typed.update(scheduled_on="2026-11-20", period_from="2026-06-30", period_to="2026-01-01")
    html = refused_page(c.post("/plans/kiem-tra/moi/", typed), "period_to")
    assert "Thời kỳ kiểm tra kết thúc ngày 01/01/2026, trước ngày bắt đầu 30/06/2026" in html

    typed.update(period_from="2026-12-01", period_to="2026-12-31")
    html = refused_page(c.post("/plans/kiem-tra/moi/", typed), "period_from")
    assert "không thể bắt đầu sau ngày kiểm tra (20/11/2026)" in html
    assert not Inspection.objects.exists()
    # an inspection entered after it took place, of a unit that existed then, is accepted
    typed.update(scheduled_on="2025-09-15", period_from="2025-07-01", period_to="2025-08-31")
    assert c.post("/plans/kiem-tra/moi/", typed).status_code == 302


def test_histories_name_actions_in_vietnamese_and_keep_the_codes(cast, task, recorded):
    c = client_for(cast.leader_a)
    services.acknowledge(task, actor=cast.leader_a)
    services.report_progress(task, actor=cast.leader_a, text="Đang làm", percent=10)
    page = c.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    history = page.split("<h2>Lịch sử</h2>")[1]
    for label in ("Giao nhiệm vụ", "Tiếp nhận nhiệm vụ", "Báo cáo tiến độ"):
        assert f"<td>{label}</td>" in history, label
    for code in ("assign", "acknowledge", "progress"):
        assert f"<td>{code}</td>" not in history
    assert list(task.events.values_list("action", flat=True)) == [
        "assign",
        "acknowledge",
        "progress",
    ]

    page = client_for(cast.inspector).get(f"/plans/kiem-tra/{recorded.code}/").content.decode()
    history = page.split("<h2>Lịch sử</h2>")[1]
    assert "<td>Lên lịch kiểm tra</td>" in history and "<td>Lập biên bản kiểm tra</td>" in history
    assert "<td>schedule</td>" not in history and "<td>record</td>" not in history
    assert list(recorded.events.values_list("action", flat=True)) == ["schedule", "record"]


def test_the_new_inspection_form_says_its_checklist_is_required_without_a_plan(cast):
    """The checklist has the required mark and says when it is required; left empty with no
    plan chosen, the form is refused on the checklist with what to do, the rest kept."""
    c = client_for(cast.inspector)
    html = c.get("/plans/kiem-tra/moi/").content.decode()
    label = html.split('<label for="id_checklist">', 1)[1].split("</label>", 1)[0]
    assert label.endswith('<span aria-hidden="true">*</span>'), label
    assert "Bắt buộc khi không chọn kế hoạch kiểm tra (kiểm tra đột xuất)" in html
    typed = {"agency": cast.agency_a.pk, "scheduled_on": "2026-11-20", "checklist": "  "}
    html = refused_page(c.post("/plans/kiem-tra/moi/", typed), "checklist")
    assert "Hãy ghi các nội dung kiểm tra, mỗi dòng một nội dung" in field_error(html, "checklist")
    assert 'value="2026-11-20"' in html
    assert not Inspection.objects.exists()
