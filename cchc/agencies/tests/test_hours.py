"""An agency's reception hours (giờ tiếp nhận hồ sơ): Home Affairs, or the agency's own
administrator, set a morning and an afternoon period per weekday and a note; the periods are
checked, the change is in the agency's change log in words, and a citizen reads them on the
agency's public page and on their dossier's page, with "open now" when it can be said."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.models import Membership
from cchc.agencies import hours, services
from cchc.agencies.models import Agency, AgencyEvent
from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.models import CalendarException
from cchc.dossiers.models import Dossier
from cchc.testing import assert_aria_references, client_for, member, sign_in

T = dt.time
WEEKDAY_HOURS = {(d, "am"): (T(7, 30), T(11, 30)) for d in range(5)} | {
    (d, "pm"): (T(13, 30), T(17, 0)) for d in range(5)
}
NOTE = "Nghỉ các ngày lễ, Tết theo quy định"


def form_data(entered, note=NOTE) -> dict[str, str]:
    data = {"note": note}
    for (day, slot), (start, end) in entered.items():
        data[hours.field_name(day, slot, "start")] = f"{start:%H:%M}" if start else ""
        data[hours.field_name(day, slot, "end")] = f"{end:%H:%M}" if end else ""
    return data


@pytest.mark.django_db
def test_home_affairs_sets_hours_and_the_change_log_says_them_in_words(cast):
    entered = WEEKDAY_HOURS | {(5, "am"): (T(7, 30), T(11, 30))}
    c = client_for(cast.province_admin)
    r = c.post("/rules/agencies/H26.100/hours/", form_data(entered))
    assert r.status_code == 302
    agency = Agency.objects.get(pk=cast.agency_a.pk)
    assert agency.reception_note == NOTE
    assert [p.as_data() for p in agency.reception_periods()][:2] == [
        [0, "07:30", "11:30"],
        [0, "13:30", "17:00"],
    ]
    assert len(agency.reception_periods()) == 11
    event = AgencyEvent.objects.get(agency=agency, action="hours")
    assert event.actor == cast.province_admin
    assert event.data["reception_hours"] == [
        "",
        "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00; Thứ Bảy: 07:30–11:30",
    ]
    # the agency's page shows the log line and the hours
    page = c.get("/rules/agencies/H26.100/").content.decode()
    assert "Thay đổi giờ tiếp nhận" in page and "Thứ Bảy: 07:30–11:30" in page
    # the same hours again: nothing changed, nothing logged
    assert c.post("/rules/agencies/H26.100/hours/", form_data(entered)).status_code == 302
    assert AgencyEvent.objects.filter(agency=agency, action="hours").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entered", "field", "message"),
    [
        ({(0, "am"): (T(11, 30), T(7, 30))}, "d0_am_end", "phải sau giờ bắt đầu"),
        ({(2, "am"): (T(7, 30), T(7, 30))}, "d2_am_end", "phải sau giờ bắt đầu"),
        (
            {(1, "am"): (T(7, 30), T(12, 0)), (1, "pm"): (T(11, 0), T(17, 0))},
            "d1_pm_start",
            "trùng với buổi sáng",
        ),
        ({(4, "pm"): (T(13, 30), None)}, "d4_pm_end", "cả giờ bắt đầu và giờ kết thúc"),
    ],
)
def test_wrong_periods_are_refused_in_vietnamese_and_nothing_typed_is_lost(
    cast, entered, field, message
):
    c = client_for(cast.province_admin)
    data = form_data(WEEKDAY_HOURS | entered, note="Ghi chú đã gõ")
    r = c.post("/rules/agencies/H26.100/hours/", data)
    assert r.status_code == 200
    page = r.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page  # on the field to correct
    assert_aria_references(page)
    assert 'value="Ghi chú đã gõ"' in page and 'value="07:30"' in page
    agency = Agency.objects.get(pk=cast.agency_a.pk)
    assert agency.reception_hours == [] and agency.reception_note == ""
    assert not AgencyEvent.objects.filter(agency=agency, action="hours").exists()


@pytest.mark.django_db
def test_a_time_outside_the_day_is_refused(cast):
    c = client_for(cast.province_admin)
    data = form_data(WEEKDAY_HOURS)
    data["d0_am_end"] = "25:00"
    r = c.post("/rules/agencies/H26.100/hours/", data)
    assert r.status_code == 200
    assert 'id="id_d0_am_end_error"' in r.content.decode()
    assert Agency.objects.get(pk=cast.agency_a.pk).reception_hours == []


@pytest.mark.django_db
def test_the_agency_administrator_sets_their_own_agency_hours_only(cast):
    admin_a = member("quantri_a", cast.agency_a, Membership.Role.AGENCY_ADMIN)
    c = client_for(admin_a)
    assert c.get("/rules/agencies/H26.100/hours/").status_code == 200
    assert c.post("/rules/agencies/H26.100/hours/", form_data(WEEKDAY_HOURS)).status_code == 302
    assert AgencyEvent.objects.get(agency=cast.agency_a, action="hours").actor == admin_a
    assert c.get("/rules/agencies/H26.01/hours/").status_code == 403
    assert c.post("/rules/agencies/H26.01/hours/", form_data(WEEKDAY_HOURS)).status_code == 403
    with pytest.raises(NotPermitted):
        services.change_reception_hours(
            cast.agency_b, actor=admin_a, entered=WEEKDAY_HOURS, note=""
        )
    # a leader or clerk of the agency is no administrator of it
    for user in (cast.leader_a, cast.clerk_a, cast.citizen):
        assert client_for(user).get("/rules/agencies/H26.100/hours/").status_code == 403
        with pytest.raises(NotPermitted):
            services.change_reception_hours(
                cast.agency_a, actor=user, entered=WEEKDAY_HOURS, note=""
            )
    assert Agency.objects.get(pk=cast.agency_b.pk).reception_hours == []


@pytest.mark.django_db
def test_the_service_checks_the_periods_itself(cast):
    with pytest.raises(ValidationFailed) as exc:
        services.change_reception_hours(
            cast.agency_a,
            actor=cast.province_admin,
            entered={(6, "pm"): (T(17, 0), T(13, 0))},
            note="",
        )
    assert exc.value.field == "d6_pm_end"


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=LOCAL_TZ)


@pytest.mark.django_db
def test_open_now_follows_the_periods_and_the_working_day_calendar():
    periods = hours.checked(WEEKDAY_HOURS | {(5, "am"): (T(7, 30), T(11, 30))})
    cal = WorkingCalendar()
    monday = dt.date(2026, 11, 23)
    assert hours.open_now(periods, at(monday, 8), cal).is_open
    assert not hours.open_now(periods, at(monday, 12), cal).is_open  # lunch break
    assert not hours.open_now(periods, at(monday, 17), cal).is_open  # closing time
    # 01:30 UTC is 08:30 in Hà Nội: the moment is read in local time
    assert hours.open_now(periods, dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC), cal).is_open
    saturday = dt.date(2026, 11, 28)
    assert hours.open_now(periods, at(saturday, 9), cal).is_open
    assert not hours.open_now(periods, at(saturday, 14), cal).is_open
    national_day = dt.date(2026, 9, 2)  # a Wednesday, Quốc khánh
    closed = hours.open_now(periods, at(national_day, 9), cal)
    assert not closed.is_open and closed.reason
    # a day off the province decided
    CalendarException.objects.create(date=monday, kind="DAY_OFF", reason="Nghỉ bão")
    closed = hours.open_now(periods, at(monday, 8), WorkingCalendar.for_province("26"))
    assert not closed.is_open and closed.reason == "Nghỉ bão"
    # a Saturday decreed a working day: which schedule it keeps is unknown, nothing claimed
    CalendarException.objects.create(date=saturday, kind="WORKING_DAY", reason="Làm bù")
    assert hours.open_now(periods, at(saturday, 9), WorkingCalendar.for_province("26")) is None
    assert hours.open_now([], at(monday, 8), cal) is None


def test_hours_in_words_group_consecutive_days():
    periods = hours.checked(
        WEEKDAY_HOURS | {(5, "am"): (T(7, 30), T(11, 30)), (2, "pm"): (T(14, 0), T(16, 0))}
    )
    assert [days for days, _times in hours.rows(periods)] == [
        "Thứ Hai – Thứ Ba",
        "Thứ Tư",
        "Thứ Năm – Thứ Sáu",
        "Thứ Bảy",
    ]


@pytest.mark.django_db
def test_a_citizen_reads_the_hours_on_the_agency_page_and_the_dossier_page(cast, monkeypatch):
    services.change_reception_hours(
        cast.agency_a, actor=cast.province_admin, entered=WEEKDAY_HOURS, note=NOTE
    )
    anonymous = Client()
    page = anonymous.get("/agencies/H26.100/").content.decode()
    assert "Giờ tiếp nhận hồ sơ" in page and "Thứ Hai – Thứ Sáu" in page
    assert "07:30–11:30, 13:30–17:00" in page and NOTE in page
    assert "/rules/agencies/H26.100/hours/" not in page  # no edit link for a citizen
    # "now" in Hà Nội: a Monday 9:00 is open, a Sunday closed
    monday_9 = at(dt.date(2026, 11, 23), 9)
    monkeypatch.setattr(timezone, "now", lambda: monday_9)
    assert "Đang mở cửa" in anonymous.get("/agencies/H26.100/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: monday_9 + dt.timedelta(days=6))
    assert "Đã đóng cửa" in anonymous.get("/agencies/H26.100/").content.decode()
    # an agency without hours says so, and claims nothing about now
    other = anonymous.get("/agencies/H26.01/").content.decode()
    assert "chưa công bố giờ tiếp nhận" in other and "Đã đóng cửa" not in other
    # Home Affairs see the link to change them
    staff_page = client_for(cast.province_admin).get("/agencies/H26.100/").content.decode()
    assert "/rules/agencies/H26.100/hours/" in staff_page


@pytest.mark.django_db
def test_the_citizens_dossier_page_gives_the_hours_where_the_result_is_collected(cast):
    from cchc.rulebook.tests.test_rules import receive

    services.change_reception_hours(
        cast.agency_a, actor=cast.province_admin, entered=WEEKDAY_HOURS, note=NOTE
    )
    dossier = receive(cast, timezone.now())
    url = dossier_page_url(dossier)
    page = client_for(cast.citizen).get(url).content.decode()
    assert 'id="collect-hours"' in page and "07:30–11:30, 13:30–17:00" in page
    # received at another place (a centre's branch, boundary-free intake): its hours
    services.change_reception_hours(
        cast.agency_c,
        actor=cast.province_admin,
        entered={(d, "am"): (T(8, 0), T(12, 0)) for d in range(6)},
        note="",
    )
    Dossier.objects.filter(pk=dossier.pk).update(receiving_place=cast.agency_c)
    page = client_for(cast.citizen).get(url).content.decode()
    assert "Sở Xây dựng (nơi nhận kết quả)" in page and "08:00–12:00" in page
    assert "07:30–11:30" not in page


def dossier_page_url(dossier) -> str:
    from django.urls import reverse

    return reverse("portal:dossier", kwargs={"code": dossier.code})


@pytest.mark.browser
def test_home_affairs_edit_the_hours_in_the_browser(transactional_db, cast, browser_page):
    page = browser_page
    for width in (1024, 390):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in(page, cast.province_admin)
        page.goto(page.base_url + "/rules/agencies/H26.100/hours/")
        page.fill("#id_d0_am_start", "07:30")
        page.fill("#id_d0_am_end", "11:30")
        page.fill("#id_d0_pm_start", "11:00")  # overlaps the morning
        page.fill("#id_d0_pm_end", "17:00")
        page.fill("#id_note", NOTE)
        with page.expect_navigation():  # the refused form comes back from the server
            page.click("#hours-form button[type=submit]")
        assert page.locator("#id_d0_pm_start_error").is_visible()
        assert page.input_value("#id_note") == NOTE  # nothing typed is lost
        assert page.input_value("#id_d0_am_start") == "07:30"
        page.fill("#id_d0_pm_start", "13:30")
        with page.expect_navigation():  # same address before and after: wait for the load
            page.click("#hours-form button[type=submit]")
        assert page.locator("#messages .success").count() == 1
        page.shot(f"saved-{width}")
        width_ok = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert width_ok, "the page scrolls sideways"
        page.context.clear_cookies()
        page.goto(page.base_url + "/agencies/H26.100/")
        assert page.locator("#reception-hours").inner_text().count("07:30–11:30, 13:30–17:00") == 1
        page.shot(f"public-{width}")
    assert AgencyEvent.objects.filter(agency=cast.agency_a, action="hours").count() == 1
