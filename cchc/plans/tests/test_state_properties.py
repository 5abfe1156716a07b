"""The models say what their state allows (templates show their buttons by these properties,
services refuse by the same ones; cchc/core/tests/test_rendering.py forbids raw status
comparisons in templates)."""

import datetime as dt

import pytest
from django.test import Client

from cchc.core.errors import TransitionNotAllowed
from cchc.plans import inspections as isvc
from cchc.plans import services
from cchc.plans.tests.stories import complete_corrective_task

D = dt.date
pytestmark = pytest.mark.django_db


def _page(user, url):
    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_task_buttons_follow_its_state(cast, assign):
    task = assign(deadline=D(2099, 12, 31))
    url = f"/plans/nhiem-vu/{task.code}/"
    assert task.can_be_acknowledged and task.can_be_completed and not task.can_be_verified
    assert 'id="acknowledge"' in _page(cast.leader_a, url)
    assert 'id="verify"' not in _page(cast.province_admin, url)

    services.complete(task, actor=cast.leader_a, result="Đã ban hành quy trình")
    task.refresh_from_db()
    assert not task.can_be_acknowledged and not task.can_be_completed and task.can_be_verified
    assert 'id="acknowledge"' not in _page(cast.leader_a, url)
    assert 'id="verify"' in _page(cast.province_admin, url)
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge(task, actor=cast.leader_a)

    services.verify(task, actor=cast.province_admin)
    task.refresh_from_db()
    assert not (task.can_be_acknowledged or task.can_be_completed or task.can_be_verified)
    assert 'id="verify"' not in _page(cast.province_admin, url)


def test_late_badge_is_asked_of_the_task(cast, assign):
    overdue = assign(deadline=D(2026, 1, 31))  # long past, not done
    on_time = assign(deadline=D(2099, 12, 31))
    assert overdue.is_late and overdue.status_today == "overdue"
    assert not on_time.is_late and on_time.status_today == "within_deadline"
    assert 'class="badge late" data-status="overdue"' in _page(
        cast.province_admin, f"/plans/nhiem-vu/{overdue.code}/"
    )
    assert 'class="badge ontime" data-status="within_deadline"' in _page(
        cast.province_admin, f"/plans/nhiem-vu/{on_time.code}/"
    )


def test_inspection_and_finding_states(cast):
    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["A"]
    )
    url = f"/plans/kiem-tra/{insp.code}/"
    assert insp.is_before_visit and not insp.accepts_findings
    assert "self_report" in _page(cast.leader_a, url)
    assert "/finding/" not in _page(cast.inspector, url)

    isvc.record_inspection(insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}})
    insp.refresh_from_db()
    assert not insp.is_before_visit and insp.accepts_findings
    assert "self_report" not in _page(cast.leader_a, url)
    assert "/finding/" in _page(cast.inspector, url)
    finding = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="LOW", description="Thiếu niêm yết"
    )
    assert not finding.can_be_reinspected  # no corrective task before the conclusion
    assert "reinspect-close" not in _page(cast.inspector, url)

    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục")
    insp.refresh_from_db()
    finding.refresh_from_db()
    assert not insp.accepts_findings and finding.can_be_reinspected
    # nothing to close it on before the unit reports its remediation: no buttons, but why
    assert finding.awaits_remediation_report
    page = _page(cast.inspector, url)
    assert "reinspect-close" not in page and "Đang chờ đơn vị báo cáo khắc phục" in page

    complete_corrective_task(
        finding,
        actor=cast.leader_a,
        result="Đã niêm yết",
        evidence_link="https://example.vn/anh-niem-yet",
    )
    finding.refresh_from_db()
    assert not finding.awaits_remediation_report
    page = _page(cast.inspector, url)
    assert "reinspect-close" in page and "Đang chờ đơn vị báo cáo khắc phục" not in page
    isvc.reinspect_finding(finding, actor=cast.inspector, closed=True)
    finding.refresh_from_db()
    assert finding.is_closed and not finding.can_be_reinspected
    assert "reinspect-close" not in _page(cast.inspector, url)


def test_a_surprise_inspection_not_yet_visited_is_not_called_planned(cast):
    """A scheduled inspection's status is not worded like the kind "planned" (by the annual
    plan): a surprise inspection read "Theo kế hoạch · Đột xuất" on its page."""
    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["A"]
    )
    assert insp.surprise
    page = _page(cast.inspector, f"/plans/kiem-tra/{insp.code}/")
    status = page.split('id="inspection-status">', 1)[1].split("<", 1)[0]
    assert status == "Đã lên lịch, chưa kiểm tra"
    assert "Theo kế hoạch" not in page
    listed = _page(cast.inspector, "/plans/kiem-tra/")
    assert "Theo kế hoạch" not in listed and "Đã lên lịch, chưa kiểm tra" in listed


def test_a_corrective_task_leads_the_unit_to_its_inspection(cast):
    """The unit's leader, on the corrective task, reads where it comes from once (not "Kết
    luận kiểm tra: Kết luận kiểm tra KT-…") and reaches the inspection page from its finding."""
    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["A"]
    )
    isvc.record_inspection(insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}})
    finding = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="LOW", description="Thiếu niêm yết"
    )
    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục")
    finding.refresh_from_db()
    assert finding.corrective_task is not None
    page = _page(cast.leader_a, f"/plans/nhiem-vu/{finding.corrective_task.code}/")
    assert f"Kết luận kiểm tra {insp.code}" in page
    assert "Kết luận kiểm tra: Kết luận kiểm tra" not in page
    assert f'href="/plans/kiem-tra/{insp.code}/"' in page
    assert _page(cast.leader_a, f"/plans/kiem-tra/{insp.code}/")


def test_the_conclusion_form_says_what_an_empty_remediation_period_means(cast):
    """Left empty, the remediation period is the rule data's: the form says how many days."""
    from django.utils import timezone

    from cchc.plans.rules import plan_rules

    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["A"]
    )
    isvc.record_inspection(insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}})
    page = _page(cast.inspector, f"/plans/kiem-tra/{insp.code}/")
    days = plan_rules(timezone.localdate())["remediation_days"]
    assert f"Để trống để áp dụng thời hạn thông thường {days} ngày." in page
