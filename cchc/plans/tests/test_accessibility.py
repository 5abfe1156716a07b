"""Accessibility of the plans, tasks and inspections pages: in Chromium, axe-core finds no
serious or critical violation on the task pages (lists, a task with its action forms, the
assignment form also sent back with errors, plans, reports) nor on the inspection pages (list,
forms, an inspection before the visit with its checklist form, after the record with the
finding and conclusion forms, after the conclusion with its re-inspection forms). Without a
browser, the same pages are checked for dangling or duplicate id references."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from cchc.plans import inspections as isvc
from cchc.plans import services
from cchc.testing import assert_accessible, assert_aria_references, sign_in

D = dt.date


@pytest.fixture
def data(cast, assign):
    """A task awaiting acknowledgement and one awaiting verification; an inspection before
    the visit, one recorded with a finding, and one concluded (its finding to re-inspect)."""
    open_task = assign(co_agencies=[cast.agency_b], deadline=D(2099, 12, 31))
    submitted = assign(title="Báo cáo CCHC quý IV", deadline=D(2099, 12, 31))
    services.complete(submitted, actor=cast.leader_a, result="Đã gửi báo cáo")

    def inspection(day):
        return isvc.schedule_inspection(
            actor=cast.inspector,
            agency=cast.agency_a,
            scheduled_on=day,
            checklist=["Niêm yết công khai TTHC", "Sổ theo dõi hồ sơ"],
        )

    planned = inspection(D(2026, 12, 20))
    recorded = inspection(D(2026, 5, 10))
    isvc.record_inspection(
        recorded,
        actor=cast.inspector,
        results={"C01": {"result": "FAIL", "note": "Thiếu 3 TTHC"}, "C02": {"result": "PASS"}},
    )
    isvc.raise_finding(
        actor=cast.inspector, inspection=recorded, severity="MEDIUM", description="Chưa niêm yết"
    )
    concluded = inspection(D(2026, 4, 10))
    isvc.record_inspection(
        concluded,
        actor=cast.inspector,
        results={"C01": {"result": "FAIL"}, "C02": {"result": "NA"}},
    )
    isvc.raise_finding(
        actor=cast.inspector, inspection=concluded, severity="LOW", description="Sổ ghi thiếu"
    )
    isvc.conclude(concluded, actor=cast.inspector, conclusion="Khắc phục trong 15 ngày")
    return {
        "tasks": (open_task.code, submitted.code),
        "inspections": (planned.code, recorded.code, concluded.code),
    }


def task_pages(cast, data):
    open_code, submitted_code = data["tasks"]
    return [
        (cast.province_admin, "/plans/"),
        (cast.province_admin, "/plans/?tab=overdue&q=bao+cao"),
        (cast.province_admin, "/plans/nhiem-vu/moi/"),
        (cast.province_admin, f"/plans/nhiem-vu/{submitted_code}/"),  # verify, send back
        (cast.leader_a, f"/plans/nhiem-vu/{open_code}/"),  # acknowledge, progress, complete
        (cast.clerk_b, f"/plans/nhiem-vu/{open_code}/"),  # co-operating unit: progress
        (cast.province_admin, "/plans/ke-hoach/"),
        (cast.province_admin, "/plans/ke-hoach/moi/"),
        (cast.province_admin, "/plans/van-ban/"),
        (cast.province_admin, "/plans/thi-dua/"),
        (cast.province_admin, f"/plans/don-vi/{cast.agency_a.code}/"),
        (cast.inspector, f"/plans/don-vi/{cast.agency_a.code}/hanh-trinh/?year=2026"),
    ]


def inspection_pages(cast, data):
    planned, recorded, concluded = data["inspections"]
    return [
        (cast.inspector, "/plans/kiem-tra/"),
        (cast.inspector, "/plans/kiem-tra/moi/"),
        (cast.inspector, "/plans/kiem-tra/ke-hoach/moi/"),
        (cast.inspector, "/plans/kiem-tra/phat-hien/moi/"),
        (cast.inspector, f"/plans/kiem-tra/{planned}/"),  # the checklist form
        (cast.leader_a, f"/plans/kiem-tra/{planned}/"),  # the self-inspection upload
        (cast.inspector, f"/plans/kiem-tra/{recorded}/"),  # finding and conclusion forms
        (cast.inspector, f"/plans/kiem-tra/{concluded}/"),  # re-inspection forms
    ]


def assert_pages_accessible(page, pages) -> None:
    """In Chromium, each (user, path) of `pages` opened by that user passes axe-core."""
    for user, path in pages:
        sign_in(page, user)
        page.goto(page.base_url + path)
        assert_accessible(page)


@pytest.mark.django_db
def test_pages_refer_only_to_ids_that_exist(cast, data):
    for user, path in task_pages(cast, data) + inspection_pages(cast, data):
        c = Client()
        c.force_login(user)
        response = c.get(path)
        assert response.status_code == 200, path
        assert_aria_references(response.content.decode())
    # forms sent back with their errors
    c = Client()
    c.force_login(cast.province_admin)
    assert_aria_references(c.post("/plans/nhiem-vu/moi/", {}).content.decode())
    c.force_login(cast.inspector)
    planned = data["inspections"][0]
    html = c.post(f"/plans/kiem-tra/{planned}/record/", {"result_C01": "PASS"}).content.decode()
    assert_aria_references(html)
    assert 'aria-invalid="true"' in html and 'id="id_result_C02_error"' in html


@pytest.mark.browser
def test_task_pages(transactional_db, cast, data, browser_page):
    page = browser_page
    assert_pages_accessible(page, task_pages(cast, data))
    # the unit's journey once its last step, the index since, has been loaded into it
    sign_in(page, cast.leader_a)
    page.goto(page.base_url + f"/plans/don-vi/{cast.agency_a.code}/hanh-trinh/?year=2026")
    page.wait_for_selector("#journey-index")
    assert_accessible(page)
    # the assignment form sent back with errors
    sign_in(page, cast.province_admin)
    page.goto(page.base_url + "/plans/nhiem-vu/moi/")
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("#id_title[aria-invalid=true]")
    assert_accessible(page)


@pytest.mark.browser
def test_inspection_pages(transactional_db, cast, data, browser_page):
    page = browser_page
    assert_pages_accessible(page, inspection_pages(cast, data))
    # the checklist sent back with a result missing
    sign_in(page, cast.inspector)
    page.goto(page.base_url + f"/plans/kiem-tra/{data['inspections'][0]}/")
    page.select_option("#id_result_C01", "PASS")
    page.click("#record")
    page.wait_for_selector("#id_result_C02[aria-invalid=true]")
    assert_accessible(page)


def test_the_task_page_forms_never_share_an_id():
    """Every form the task page may hold, rendered together, refers only to ids of its own
    (the send-back and extension forms both have a reason)."""
    from cchc.plans.views import TASK_FORMS

    html = "".join(str(form_class()) for _name, form_class, _act in TASK_FORMS.values())
    assert_aria_references(html)
