"""Issue 17 point 7: Home Affairs edits the province's calendar and rules in the UI.

A day off added on the screen moves the due date of a dossier received after it (the
calendar cache is forgotten at commit); a swap adds both days or neither; a new rule version
closes the previous one and never edits it; overlapping versions, a past date for a version
in use, a past or duplicate exception and a day off with dossiers due (without confirming
their count) are refused with Vietnamese messages and nothing saved; every change is in the
audit list, chained by the event core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.models import CalendarException, RuleVersion
from cchc.dossiers import services as dossier_services
from cchc.dossiers.services import Applicant
from cchc.rulebook import services
from cchc.rulebook.models import RulebookEvent

pytestmark = pytest.mark.django_db
DAY_OFF, WORKING_DAY = CalendarException.Kind.DAY_OFF, CalendarException.Kind.WORKING_DAY


def working_week() -> dt.date:
    """A Monday at least a week ahead whose Monday-Friday are all working days."""
    cal = WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE)
    day = services.today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    while not all(cal.is_working_day(day + dt.timedelta(days=i)) for i in range(5)):
        day += dt.timedelta(days=7)
    return day


def receive(cast, at: dt.datetime):
    return dossier_services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An", account=cast.citizen),
        actor=cast.clerk_a,
        at=at,
    )


def admin_client(cast) -> Client:
    c = Client()
    c.force_login(cast.province_admin)
    return c


def exception_form(day: dt.date, **extra) -> dict:
    return {
        "kind": DAY_OFF,
        "date": day.isoformat(),
        "reason": "Nghỉ lễ hội đền Hùng của tỉnh",
        "document_number": "1234/QĐ-UBND",
        "document_date": services.today().isoformat(),
        **extra,
    }


# ------------------------------------------------------------------ calendar exceptions
def test_day_off_added_on_the_screen_moves_a_new_dossiers_due_date(
    cast, django_capture_on_commit_callbacks
):
    monday = working_week()
    received = dt.datetime.combine(monday, dt.time(9), LOCAL_TZ)
    before = receive(cast, received)  # 3 working days: due Thursday 09:00
    assert before.due_at.astimezone(LOCAL_TZ).date() == monday + dt.timedelta(days=3)
    dossier_services.calendar_for(cast.agency_a.province_code, before.rule_version)  # cached

    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # as when committed
        response = admin_client(cast).post("/rules/", exception_form(monday + dt.timedelta(days=2)))
    assert response.status_code == 302 and callbacks

    after = receive(cast, received)
    assert after.due_at.astimezone(LOCAL_TZ).date() == monday + dt.timedelta(days=4)
    derivation = dossier_services.due_derivation(after)
    assert derivation is not None
    assert any("Nghỉ lễ hội đền Hùng của tỉnh" in line for line in derivation.lines)
    before.refresh_from_db()  # a dossier already received keeps its due date
    assert before.due_at.astimezone(LOCAL_TZ).date() == monday + dt.timedelta(days=3)
    row = CalendarException.objects.get()
    assert (row.document_number, row.document_date) == ("1234/QĐ-UBND", services.today())
    event = RulebookEvent.objects.get()
    assert event.action == "add_calendar_exception" and event.actor == cast.province_admin
    assert event.data["days"] == [{"date": row.date.isoformat(), "kind": DAY_OFF}]
    page = admin_client(cast).get("/rules/audit/").content.decode()
    assert "1234/QĐ-UBND" in page and "Đã thêm ngày ngoại lệ" in page


def test_a_swap_adds_the_weekday_off_and_the_working_saturday_together(cast):
    monday = working_week()
    saturday = monday + dt.timedelta(days=5)
    response = admin_client(cast).post(
        "/rules/",
        exception_form(monday, kind="SWAP", swap_with=saturday.isoformat()),
    )
    assert response.status_code == 302
    assert dict(CalendarException.objects.values_list("date", "kind")) == {
        monday: DAY_OFF,
        saturday: WORKING_DAY,
    }
    cal = WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE)
    assert not cal.is_working_day(monday) and cal.is_working_day(saturday)


def test_a_swap_whose_make_up_day_is_already_working_saves_neither_day(cast):
    monday = working_week()
    response = admin_client(cast).post(
        "/rules/",
        exception_form(monday, kind="SWAP", swap_with=(monday + dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "đã là ngày làm việc" in response.content.decode()
    assert not CalendarException.objects.exists() and not RulebookEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: exception_form(m - dt.timedelta(days=30)), "đã qua"),
        (lambda m: exception_form(m + dt.timedelta(days=5)), "đã là ngày nghỉ"),
        (lambda m: exception_form(m, document_number=""), "This field is required"),
        (lambda m: exception_form(m, kind="SWAP"), "ngày làm bù"),
        (lambda m: exception_form(m, document_date="2099-01-01"), "ngày trong tương lai"),
    ],
    ids=["past", "already-off", "no-document", "swap-without-day", "document-in-future"],
)
def test_bad_calendar_exceptions_are_refused_with_a_message(cast, change, message):
    response = admin_client(cast).post("/rules/", change(working_week()))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body or (message == "This field is required" and "Trường này" in body)
    assert not CalendarException.objects.exists() and not RulebookEvent.objects.exists()


def test_a_second_exception_on_the_same_day_is_refused(cast):
    day = working_week()
    c = admin_client(cast)
    assert c.post("/rules/", exception_form(day)).status_code == 302
    body = c.post("/rules/", exception_form(day, kind=WORKING_DAY)).content.decode()
    assert "đã có ngày ngoại lệ" in body
    assert CalendarException.objects.count() == 1 and RulebookEvent.objects.count() == 1


def test_a_day_off_with_dossiers_due_needs_their_count_confirmed(cast):
    monday = working_week()
    due = receive(cast, dt.datetime.combine(monday, dt.time(9), LOCAL_TZ))
    thursday = due.due_at.astimezone(LOCAL_TZ).date()
    c = admin_client(cast)

    first = c.post("/rules/", exception_form(thursday)).content.decode()
    assert "1 hồ sơ đang xử lý có hạn vào" in first  # the count, and nothing saved yet
    assert f"/rules/due/{thursday.isoformat()}/" in first
    assert 'name="seen_dossiers_due" value="1"' in first
    assert not CalendarException.objects.exists()
    listing = c.get(f"/rules/due/{thursday.isoformat()}/").content.decode()
    assert due.code in listing

    # a confirmation of another count (another dossier came due meanwhile) asks again
    stale = exception_form(thursday, confirm_dossiers_due="on", seen_dossiers_due="0")
    assert c.post("/rules/", stale).status_code == 200
    assert not CalendarException.objects.exists()

    confirmed = exception_form(thursday, confirm_dossiers_due="on", seen_dossiers_due="1")
    assert c.post("/rules/", confirmed).status_code == 302
    assert CalendarException.objects.get().date == thursday
    assert RulebookEvent.objects.get().data["dossiers_due"] == 1
    due.refresh_from_db()
    assert due.due_at.astimezone(LOCAL_TZ).date() == thursday  # not moved behind its back


# ------------------------------------------------------------------------ rule versions
def version_form(effective_from: dt.date, **extra) -> dict:
    return {
        "version": "2027",
        "effective_from": effective_from.isoformat(),
        "legal_source": "Quyết định 99/QĐ-UBND ngày 01/12/2026",
        "working_hours": "07:30-11:30, 13:00-17:00",
        "cutoff": "16:00",
        "hours_per_day": "8",
        "max_supplement_requests": "1",
        "early_step_working_seconds": "3600",
        **extra,
    }


def test_a_new_version_closes_the_one_in_force_and_new_dossiers_follow_it(
    cast, django_capture_on_commit_callbacks
):
    c = admin_client(cast)
    page = c.get("/rules/versions/new/one_stop/").content.decode()
    assert 'value="08:00-12:00, 13:00-17:00"' in page and 'value="15:00"' in page
    old = RuleVersion.objects.get(key="one_stop", effective_to=None)
    old_params = dict(old.params)
    monday = working_week()

    with django_capture_on_commit_callbacks(execute=True):
        assert c.post("/rules/versions/new/one_stop/", version_form(monday)).status_code == 302

    new = RuleVersion.objects.get(key="one_stop", version="2027")
    old.refresh_from_db()
    assert old.params == old_params  # never edited in place
    assert old.effective_to == monday - dt.timedelta(days=1)
    assert new.effective_to is None and new.effective_from == monday
    assert new.params["working_hours"] == [["07:30", "11:30"], ["13:00", "17:00"]]
    assert new.params["cutoff"] == "16:00"
    assert new.params["form_set"] == old_params["form_set"]  # carried over
    # received at 15:30 on the Monday: after the old cut-off, before the new one
    dossier = receive(cast, dt.datetime.combine(monday, dt.time(15, 30), LOCAL_TZ))
    assert dossier.rule_version == new
    assert dossier.due_at == dt.datetime.combine(
        monday + dt.timedelta(days=3), dt.time(15, 30), LOCAL_TZ
    )
    event = RulebookEvent.objects.get()
    assert event.data["superseded"] == {
        "version": old.version,
        "effective_to": old.effective_to.isoformat(),
    }
    versions = c.get("/rules/versions/").content.decode()
    assert "Quyết định 99/QĐ-UBND" in versions and "Đã lên lịch" in versions


def test_overlapping_versions_are_refused(cast):
    c = admin_client(cast)
    monday = working_week()
    assert c.post("/rules/versions/new/one_stop/", version_form(monday)).status_code == 302
    body = c.post(
        "/rules/versions/new/one_stop/",
        version_form(monday - dt.timedelta(days=1), version="2027b"),
    ).content.decode()
    assert "trùng thời gian với phiên bản 2027" in body
    assert RuleVersion.objects.filter(key="one_stop").count() == 3
    assert RulebookEvent.objects.count() == 1


def test_a_past_date_for_a_version_in_use_is_refused(cast):
    receive(cast, dt.datetime.now(LOCAL_TZ) - dt.timedelta(days=3))
    old = RuleVersion.objects.get(key="one_stop", effective_to=None)
    for day in (services.today() - dt.timedelta(days=10), services.today()):
        body = (
            admin_client(cast)
            .post("/rules/versions/new/one_stop/", version_form(day))
            .content.decode()
        )
        assert "đã được dùng cho 1 hồ sơ" in body
    old.refresh_from_db()
    assert old.effective_to is None
    assert not RuleVersion.objects.filter(version="2027").exists()
    assert not RulebookEvent.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"hours_per_day": "7"}, "hours_per_day", "cộng lại là 8 giờ"),
        ({"working_hours": "13:00-12:00"}, "working_hours", "không được chồng lên nhau"),
        ({"cutoff": "25:00"}, "cutoff", "HH:MM"),
        ({"cutoff": "18:00"}, "cutoff", "trong ngày làm việc"),
        ({"version": "2025"}, "version", "đã có phiên bản"),
    ],
)
def test_bad_rule_versions_are_refused_with_a_message(cast, extra, field, message):
    response = admin_client(cast).post(
        "/rules/versions/new/one_stop/", version_form(working_week(), **extra)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not RuleVersion.objects.filter(version="2027").exists()
    assert not RulebookEvent.objects.exists()


def test_petition_deadlines_are_typed_fields_of_their_rule(cast):
    c = admin_client(cast)
    page = c.get("/rules/versions/new/petition/").content.decode()
    assert 'name="handle_days"' in page
    data = {
        "version": "2027",
        "effective_from": working_week().isoformat(),
        "legal_source": "Nghị định mới",
        "reject_days": "2",
        "request_info_days": "5",
        "handle_days": "10",
        "publish_days": "2",
        "working_hours": "08:00-12:00, 13:00-17:00",
        "cutoff": "15:00",
        "hours_per_day": "8",
    }
    assert c.post("/rules/versions/new/petition/", data).status_code == 302
    assert RuleVersion.objects.get(key="petition", version="2027").params["handle_days"] == 10


# ------------------------------------------------------------------------- permissions
def test_only_home_affairs_may_change_the_rules(cast):
    """Staff and inspectors read the rules (test_walk_readable), Home Affairs alone change them;
    the change log is for Home Affairs and inspectors."""
    for user in (cast.clerk_a, cast.leader_a, cast.inspector):
        c = Client()
        c.force_login(user)
        assert c.post("/rules/", exception_form(working_week())).status_code == 403
        assert c.get("/rules/audit/").status_code == (200 if user == cast.inspector else 403)
    c = Client()
    c.force_login(cast.citizen)
    for path in ("/rules/", "/rules/versions/", "/rules/audit/"):
        assert c.get(path).status_code == 403, path
    with pytest.raises(NotPermitted):
        services.add_calendar_exceptions(
            actor=cast.leader_a,
            changes=[services.DayChange(working_week(), DAY_OFF)],
            reason="x",
            document_number="1",
            document_date=services.today(),
        )
    assert not CalendarException.objects.exists()


def test_the_audit_log_is_append_only_and_chained(cast):
    monday = working_week()

    def storm_day_off():
        return services.add_calendar_exceptions(
            actor=cast.province_admin,
            changes=[services.DayChange(monday, DAY_OFF)],
            reason="Bão",
            document_number="5/CĐ-UBND",
            document_date=services.today(),
        )

    storm_day_off()
    event = RulebookEvent.objects.get()
    assert len(event.hash) == 64
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(ValidationFailed):
        storm_day_off()
