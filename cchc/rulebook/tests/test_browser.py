"""In Chromium: Home Affairs adds a day off on the rules screen and the next dossier a clerk
receives at the counter gets a due date one working day later (issue 17 point 7); the rules
pages pass axe-core."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant
from cchc.testing import (
    assert_accessible,
    assert_aria_references,
    fill_counter_intake,
    make_cast,
    sign_in,
)

RULES_PAGES = (
    "/rules/",
    "/rules/versions/",
    "/rules/versions/new/one_stop/",
    "/rules/versions/one_stop/2025/",
    "/rules/audit/",
    "/rules/agencies/",
    "/rules/agencies/H26.100/",
)


def _due(procedure, received_at):
    cal = WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE)
    return cal.due(received_at, procedure.processing_time, procedure.time_unit).due_at


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_day_off_added_in_the_ui_moves_a_new_dossiers_due_date(transactional_db, browser_page):
    cast = make_cast()
    page = browser_page
    # a dossier received before the change: the calendar is now cached in this process
    before = dossier_services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Trần Văn Bình"),
        actor=cast.clerk_a,
    )
    assert before.due_at is not None
    old_due = before.due_at.astimezone(LOCAL_TZ)
    cal = WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE)
    day_off = cal.next_working_day(timezone.now().astimezone(LOCAL_TZ).date())

    sign_in(page, cast.province_admin)
    page.goto(page.base_url + "/rules/")
    page.select_option("#id_kind", "DAY_OFF")
    page.fill("#id_date", day_off.isoformat())
    page.fill("#id_reason", "Nghỉ phòng chống bão")
    page.fill("#id_document_number", "15/CĐ-UBND")
    page.fill("#id_document_date", timezone.localdate().isoformat())
    page.shot("day-off-form")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    table = page.inner_text("main table")
    assert day_off.strftime("%d/%m/%Y") in table and "15/CĐ-UBND" in table
    page.shot("day-off-added")
    page.goto(page.base_url + "/rules/audit/")
    assert "15/CĐ-UBND" in page.inner_text("main table")

    # the clerk receives a new dossier at the counter
    sign_in(page, cast.clerk_a)
    page.goto(page.base_url + "/staff/intake/")
    fill_counter_intake(page, cast)
    page.click("#intake-form button[type=submit]")
    page.wait_for_url("**/receipt/")
    page.shot("receipt")
    after = Dossier.objects.exclude(pk=before.pk).get()
    assert after.received_at is not None
    expected = _due(cast.procedure, after.received_at)  # the calendar with the day off
    assert after.due_at == expected
    shown = page.inner_text("#appointment")
    assert shown == expected.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
    # one working day later than the same receipt without the day off
    without = WorkingCalendar(params=None).due(
        after.received_at, cast.procedure.processing_time, cast.procedure.time_unit
    )
    assert (
        WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE).is_working_day(day_off) is False
    )
    assert expected.astimezone(LOCAL_TZ).date() > without.due_at.astimezone(LOCAL_TZ).date()
    before.refresh_from_db()
    assert before.due_at is not None
    assert before.due_at.astimezone(LOCAL_TZ) == old_due  # received before: unchanged


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rules_pages_are_accessible(transactional_db, browser_page):
    cast = make_cast()
    page = browser_page
    sign_in(page, cast.province_admin)
    for path in RULES_PAGES:
        page.goto(page.base_url + path)
        assert_accessible(page)
    page.goto(page.base_url + "/rules/")
    page.click("main form[method=post] button[type=submit]")  # sent back with errors
    page.wait_for_load_state()
    assert_accessible(page)


@pytest.mark.django_db
def test_rules_pages_refer_only_to_ids_that_exist(cast):
    c = Client()
    c.force_login(cast.province_admin)
    for path in RULES_PAGES:
        response = c.get(path)
        assert response.status_code == 200, path
        assert_aria_references(response.content.decode())
    html = c.post("/rules/", {}).content.decode()
    assert_aria_references(html)
    assert 'aria-invalid="true"' in html and 'id="id_date_error"' in html
