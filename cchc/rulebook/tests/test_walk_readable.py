"""Walk H4 (rules as versioned data), what Home Affairs must be able to read and undo:
the year's holidays and days off as the working calendar counts them (Tết and the other
lunar holidays, decreed swaps, the province's own days), a province day cancelled again, a
rule version read with its parameters and its changes against the version before it, and
an audit list in words (no DAY_OFF, no ISO dates, no rule codes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.models import CalendarException
from cchc.dossiers.models import Dossier
from cchc.rulebook import services
from cchc.rulebook.models import RulebookEvent
from cchc.rulebook.tests.test_rules import (
    exception_form,
    receive,
    version_form,
    working_week,
)

pytestmark = pytest.mark.django_db
DAY_OFF, WORKING_DAY = CalendarException.Kind.DAY_OFF, CalendarException.Kind.WORKING_DAY


def admin_client(cast) -> Client:
    c = Client()
    c.force_login(cast.province_admin)
    return c


def calendar() -> WorkingCalendar:
    return WorkingCalendar.for_province(settings.CCHC_PROVINCE_CODE)


def test_the_calendar_page_lists_this_and_next_years_holidays_with_the_provinces_days(cast):
    year = services.today().year
    monday = working_week()
    c = admin_client(cast)
    assert c.post("/rules/", exception_form(monday + dt.timedelta(days=1))).status_code == 302
    page = c.get("/rules/").content.decode()
    for y in (year, year + 1):
        assert f"Ngày lễ, ngày nghỉ năm {y}" in page
        tet = [d for d in services.year_overview(y) if d.national == "Tết Nguyên đán"]
        assert len(tet) == 1 and not tet[0].working  # the lunar new year's day
        assert tet[0].day.strftime("%d/%m/%Y") in page
    assert "Tết Nguyên đán" in page and "Quốc khánh" in page
    # the province's day off is in its year's list, as a day off decided by the province
    added = [d for d in services.year_overview(monday.year) if d.exception is not None]
    assert [(d.day, d.working) for d in added] == [(monday + dt.timedelta(days=1), False)]
    assert "Ngày nghỉ bổ sung: Nghỉ lễ hội đền Hùng của tỉnh (1234/QĐ-UBND)" in page


def test_a_make_up_working_day_on_a_holiday_shows_the_holiday_it_cancels(cast):
    year = services.today().year + 1
    tet = next(d for d in services.year_overview(year) if d.national == "Tết Nguyên đán")
    CalendarException.objects.create(
        province_code=settings.CCHC_PROVINCE_CODE,
        date=tet.day,
        kind=WORKING_DAY,
        reason="Làm bù",
    )
    row = next(d for d in services.year_overview(year) if d.day == tet.day)
    assert row.national == "Tết Nguyên đán" and row.working is True
    assert row.exception is not None and row.exception.reason == "Làm bù"


def test_a_province_day_off_can_be_cancelled_and_the_day_works_again(
    cast, django_capture_on_commit_callbacks
):
    monday = working_week()
    wednesday = monday + dt.timedelta(days=2)
    c = admin_client(cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post("/rules/", exception_form(wednesday)).status_code == 302
    assert calendar().is_working_day(wednesday) is False
    row = CalendarException.objects.get(date=wednesday)
    assert f"/rules/exceptions/{row.pk}/cancel/" in c.get("/rules/").content.decode()
    page = c.get(f"/rules/exceptions/{row.pk}/cancel/").content.decode()
    assert "ngày nghỉ thành ngày làm việc" in page  # what the cancellation changes back

    body = c.post(f"/rules/exceptions/{row.pk}/cancel/", {"reason": " "}).content.decode()
    assert "Trường này là bắt buộc" in body
    assert CalendarException.objects.filter(pk=row.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            f"/rules/exceptions/{row.pk}/cancel/", {"reason": "Nhập nhầm ngày"}, follow=True
        )
    assert "Đã hủy ngày ngoại lệ" in response.content.decode()
    assert not CalendarException.objects.filter(pk=row.pk).exists()
    assert calendar().is_working_day(wednesday) is True
    # a dossier received on the Monday counts the Wednesday again: due Thursday
    dossier = receive(cast, dt.datetime.combine(monday, dt.time(9), LOCAL_TZ))
    assert dossier.due_at.astimezone(LOCAL_TZ).date() == monday + dt.timedelta(days=3)
    event = RulebookEvent.objects.order_by("-seq")[0]
    assert event.action == "cancel_calendar_exception" and event.note == "Nhập nhầm ngày"
    assert event.data["days"] == [{"date": wednesday.isoformat(), "kind": DAY_OFF}]
    audit = c.get("/rules/audit/").content.decode()
    assert "Đã hủy ngày ngoại lệ" in audit and "Nhập nhầm ngày" in audit


def test_a_past_exception_cannot_be_cancelled_nor_by_someone_else(cast):
    past = CalendarException.objects.create(
        province_code=settings.CCHC_PROVINCE_CODE,
        date=services.today() - dt.timedelta(days=3),
        kind=DAY_OFF,
        reason="Bão",
    )
    body = (
        admin_client(cast)
        .post(f"/rules/exceptions/{past.pk}/cancel/", {"reason": "Nhầm"})
        .content.decode()
    )
    assert "đã qua: không thể hủy ngày ngoại lệ này nữa" in body
    assert CalendarException.objects.filter(pk=past.pk).exists()
    for user in (cast.clerk_a, cast.leader_a, cast.inspector):
        c = Client()
        c.force_login(user)
        assert c.post(f"/rules/exceptions/{past.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert RulebookEvent.objects.count() == 0


def test_cancelling_a_make_up_working_day_with_dossiers_due_needs_their_count(cast):
    saturday = working_week() + dt.timedelta(days=5)
    row = CalendarException.objects.create(
        province_code=settings.CCHC_PROVINCE_CODE, date=saturday, kind=WORKING_DAY, reason="Làm bù"
    )
    friday = saturday - dt.timedelta(days=1)
    dossier = receive(
        cast, dt.datetime.combine(friday - dt.timedelta(days=2), dt.time(10), LOCAL_TZ)
    )
    # due on the Saturday, as a dossier received before the make-up day was added may be
    Dossier.objects.filter(pk=dossier.pk).update(
        due_at=dt.datetime.combine(saturday, dt.time(10), LOCAL_TZ)
    )
    c = admin_client(cast)
    first = c.post(f"/rules/exceptions/{row.pk}/cancel/", {"reason": "Bỏ làm bù"}).content.decode()
    assert (
        "1 hồ sơ đang xử lý có hạn vào" in first
        and CalendarException.objects.filter(pk=row.pk).exists()
    )
    confirmed = {"reason": "Bỏ làm bù", "confirm_dossiers_due": "on", "seen_dossiers_due": "1"}
    assert c.post(f"/rules/exceptions/{row.pk}/cancel/", confirmed).status_code == 302
    assert not CalendarException.objects.filter(pk=row.pk).exists()


def test_a_rule_version_can_be_read_with_its_changes_and_earlier_versions(cast):
    c = admin_client(cast)
    monday = working_week()
    assert c.post("/rules/versions/new/one_stop/", version_form(monday)).status_code == 302
    versions = c.get("/rules/versions/").content.decode()
    assert "Quy định giải quyết hồ sơ một cửa" in versions
    assert ">one_stop<" not in versions  # the rule by its name, not its code
    assert "/rules/versions/one_stop/2027/" in versions
    page = c.get("/rules/versions/one_stop/2027/").content.decode()
    assert "Thay đổi so với phiên bản 2025" in page
    # the changed parameters, old against new, by their labels
    assert "Giờ chốt nhận" in page and "15:00" in page and "16:00" in page
    assert "08:00-12:00, 13:00-17:00" in page and "07:30-11:30, 13:00-17:00" in page
    assert "ngày hẹn trả lần đầu" in page  # on_time_against, not initial_appointment
    earlier = c.get("/rules/versions/one_stop/2018/")
    assert earlier.status_code == 200 and "TT01-2018" in earlier.content.decode()
    assert c.get("/rules/versions/one_stop/1999/").status_code == 404
    reader = Client()
    reader.force_login(cast.clerk_a)  # staff read a version, without the link to change it
    shown = reader.get("/rules/versions/one_stop/2027/")
    assert shown.status_code == 200 and "/rules/versions/new/" not in shown.content.decode()
    reader.force_login(cast.citizen)
    assert reader.get("/rules/versions/one_stop/2027/").status_code == 403


def test_the_audit_list_says_what_changed_in_words(cast):
    c = admin_client(cast)
    monday = working_week()
    saturday = monday + dt.timedelta(days=5)
    swap = exception_form(
        monday + dt.timedelta(days=4), kind="SWAP", swap_with=saturday.isoformat()
    )
    assert c.post("/rules/", swap).status_code == 302
    assert c.post("/rules/versions/new/one_stop/", version_form(monday)).status_code == 302
    audit = c.get("/rules/audit/").content.decode()
    assert "DAY_OFF" not in audit and "WORKING_DAY" not in audit
    assert monday.isoformat() not in audit  # dates as d/m/Y
    friday = (monday + dt.timedelta(days=4)).strftime("%d/%m/%Y")
    assert f"{friday}: ngày làm việc thành ngày nghỉ" in audit
    assert f"{saturday.strftime('%d/%m/%Y')}: ngày nghỉ thành ngày làm việc" in audit
    assert "Quy định giải quyết hồ sơ một cửa, phiên bản 2027" in audit
    assert "15:00 → 16:00" in audit
    # two columns (when and who; what), so the change stays readable on a 390 px phone
    head = audit.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<th>") == 2


def test_parameters_carried_over_are_shown_in_words(cast):
    page = admin_client(cast).get("/rules/versions/new/plans/").content.decode()
    assert "Thi đua tính cả nhiệm vụ cha: không" in page  # not False
    assert "Cách chấm điểm thi đua: (bảng điểm, giữ nguyên ở đây)" in page
    assert "&#x27;code&#x27;" not in page and "False" not in page  # no Python dict or bool
    one_stop = admin_client(cast).get("/rules/versions/new/one_stop/").content.decode()
    assert "Các mẫu đang dùng: 01, 02, 03, 04, 05, 06, 07" in one_stop  # not ['01', ...]


def test_a_swap_says_what_it_changes_when_added(cast):
    monday = working_week()
    friday, saturday = monday + dt.timedelta(days=4), monday + dt.timedelta(days=5)
    swap = exception_form(friday, kind="SWAP", swap_with=saturday.isoformat())
    page = admin_client(cast).post("/rules/", swap, follow=True).content.decode()
    assert (
        f"Đã thêm ngày ngoại lệ. Thứ 6 {friday.strftime('%d/%m/%Y')}: ngày làm việc thành "
        f"ngày nghỉ; Thứ 7 {saturday.strftime('%d/%m/%Y')}: ngày nghỉ thành ngày làm việc."
    ) in page


def test_cancelling_one_half_of_a_swap_cancels_the_other_half_with_it(cast):
    monday = working_week()
    friday, saturday = monday + dt.timedelta(days=4), monday + dt.timedelta(days=5)
    c = admin_client(cast)
    other = exception_form(
        monday + dt.timedelta(days=1), reason="Ngày khác", document_number="9/QĐ"
    )
    assert c.post("/rules/", other).status_code == 302
    swap = exception_form(friday, kind="SWAP", swap_with=saturday.isoformat())
    assert c.post("/rules/", swap).status_code == 302
    made_up = CalendarException.objects.get(date=saturday)
    page = c.get(f"/rules/exceptions/{made_up.pk}/cancel/").content.decode()
    assert f"{friday.strftime('%d/%m/%Y')}: ngày nghỉ thành ngày làm việc" in page
    assert f"{saturday.strftime('%d/%m/%Y')}: ngày làm việc thành ngày nghỉ" in page
    assert (
        c.post(f"/rules/exceptions/{made_up.pk}/cancel/", {"reason": "Bỏ hoán đổi"}).status_code
        == 302
    )
    assert list(CalendarException.objects.values_list("date", flat=True)) == [
        monday + dt.timedelta(days=1)  # the day added on its own stays
    ]
    assert calendar().is_working_day(friday) and not calendar().is_working_day(saturday)
    event = RulebookEvent.objects.order_by("-seq")[0]
    assert [d["date"] for d in event.data["days"]] == [saturday.isoformat(), friday.isoformat()]


def test_staff_read_the_rules_and_only_home_affairs_change_them(cast, client):
    """A clerk, a leader and the inspector got 403 on every rules page, the read-only ones
    too: a clerk could not see which days are off, the inspector not the change log."""
    for reader in (cast.clerk_a, cast.leader_a, cast.inspector):
        client.force_login(reader)
        page = client.get("/rules/")
        assert page.status_code == 200, reader
        html = page.content.decode()
        assert '<form method="post"' not in html.split("</header>", 1)[-1].split("<footer")[0]
        assert "/cancel/" not in html
        assert client.get("/rules/versions/").status_code == 200
        assert "/rules/versions/new/" not in client.get("/rules/versions/").content.decode()
        # and no change by a hand-made POST
        denied = client.post("/rules/", {"kind": "DAY_OFF", "date": "2030-01-02", "reason": "x"})
        assert denied.status_code == 403
        assert client.get("/rules/versions/new/one_stop/").status_code == 403
    client.force_login(cast.inspector)
    assert client.get("/rules/audit/").status_code == 200
    client.force_login(cast.clerk_a)
    assert client.get("/rules/audit/").status_code == 403
    client.force_login(cast.citizen)
    assert client.get("/rules/").status_code == 403
