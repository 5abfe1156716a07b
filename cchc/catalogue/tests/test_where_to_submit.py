"""Where a citizen takes a procedure's dossier: the procedure's public page gives, for each
agency that receives it, its address and phone, its reception hours and whether it is open
now on the province's working-day calendar (the agencies app's hours, not a copy)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from playwright.sync_api import expect

from cchc.agencies import services as agency_services
from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.testing import AgencyFactory

T = dt.time
WEEKDAY_HOURS = {(d, "am"): (T(7, 30), T(11, 30)) for d in range(5)} | {
    (d, "pm"): (T(13, 30), T(17, 0)) for d in range(5)
}
NOTE = "Nghỉ các ngày lễ, Tết theo quy định"
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)


def _with_hours(agency: Agency, actor, entered=WEEKDAY_HOURS, note=NOTE) -> Agency:  # type: ignore[no-untyped-def]
    Agency.objects.filter(pk=agency.pk).update(
        address="Số 1 phố Đinh Tiên Hoàng, phường Hoàn Kiếm, Hà Nội", phone="024 3825 3536"
    )
    return agency_services.change_reception_hours(agency, actor=actor, entered=entered, note=note)


def _place(page: str, code: str) -> str:
    """The part of the page about one agency: up to the next agency, or the list's end."""
    start = page.index(f'data-agency="{code}"')
    ends = [page.find(mark, start + 1) for mark in ("data-agency=", "</details>")]
    return page[start : min(e for e in ends if e > 0)]


@pytest.mark.django_db
def test_the_procedure_page_says_where_and_when_each_agency_receives(cast, monkeypatch):
    _with_hours(cast.agency_a, cast.province_admin)
    url = f"/procedures/{cast.procedure.code}/"
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_9)
    page = Client().get(url).content.decode()
    ward = _place(page, cast.agency_a.code)
    assert "UBND phường Hoàn Kiếm" in ward
    assert "Số 1 phố Đinh Tiên Hoàng" in ward and 'href="tel:02438253536"' in ward
    assert "Thứ Hai – Thứ Sáu" in ward and "07:30–11:30, 13:30–17:00" in ward
    assert NOTE in ward and "Đang mở cửa" in ward
    # the other agency has published no hours: it says so and claims nothing about now
    other = _place(page, cast.agency_b.code)
    assert "chưa công bố giờ tiếp nhận" in other
    assert "Đang mở cửa" not in other and "Đã đóng cửa" not in other
    # at lunch time, and on a public holiday (Quốc khánh), the ward is closed, and says why
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_9.replace(hour=12))
    assert "Đã đóng cửa" in _place(Client().get(url).content.decode(), cast.agency_a.code)
    national_day = dt.datetime(2026, 9, 2, 9, 0, tzinfo=LOCAL_TZ)
    monkeypatch.setattr(timezone, "now", lambda: national_day)
    ward = _place(Client().get(url).content.decode(), cast.agency_a.code)
    assert "Đã đóng cửa" in ward and "Quốc khánh" in ward


@pytest.mark.django_db
def test_the_call_to_action_leads_to_where_to_submit_in_person(cast):
    from cchc.catalogue.models import Procedure

    Procedure.objects.filter(pk=cast.procedure.pk).update(online_level="none")
    page = Client().get(f"/procedures/{cast.procedure.code}/").content.decode()
    cta = page[page.index('id="submit-cta"') : page.index("</article>")]
    assert "chỉ thực hiện trực tiếp" in cta
    assert '<a href="#agencies">Nơi nộp hồ sơ trực tiếp và giờ tiếp nhận</a>' in cta


@pytest.mark.django_db
def test_a_hundred_receiving_wards_cost_no_query_each(cast, monkeypatch):
    """The working-day calendar is read once per province, not once per agency."""
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_9)
    url = f"/procedures/{cast.procedure.code}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(url).status_code == 200
        return len(ctx.captured_queries)

    _with_hours(cast.agency_a, cast.province_admin)
    few = queries()
    wards = [
        AgencyFactory(
            code=f"H26.9{i:03d}",
            name=f"UBND phường Thử Nghiệm {i}",
            reception_hours=[[d, "07:30", "11:30"] for d in range(5)],
        )
        for i in range(30)
    ]
    cast.procedure.agencies.add(*wards)
    assert queries() == few


@pytest.mark.django_db
def test_a_citizen_finds_their_ward_among_a_hundred_without_accents(cast):
    wards = [
        AgencyFactory(code=f"H26.9{i:03d}", name=f"UBND phường Thử Nghiệm {i}") for i in range(30)
    ]
    cast.procedure.agencies.add(*wards)
    url = f"/procedures/{cast.procedure.code}/"
    page = Client().get(url).content.decode()
    # 32 agencies: the list is folded, with a search for one's own ward
    assert '<details id="agencies">' in page and 'id="place-search"' in page
    assert page.count('class="place"') == 32
    page = Client().get(url, {"place": "hoan kiem"}).content.decode()
    assert '<details id="agencies" open>' in page
    assert page.count('class="place"') == 1 and "UBND phường Hoàn Kiếm" in page
    assert 'value="hoan kiem"' in page  # what the citizen typed stays in the box
    assert "1 cơ quan khớp với" in page
    page = Client().get(url, {"place": "Không Có Phường Này"}).content.decode()
    assert page.count('class="place"') == 0 and "Không tìm thấy cơ quan phù hợp." in page


@pytest.mark.browser
def test_the_hours_read_on_a_phone(transactional_db, cast, browser_page):
    _with_hours(cast.agency_a, cast.province_admin)
    _with_hours(
        cast.agency_b,
        cast.province_admin,
        entered=WEEKDAY_HOURS | {(5, "am"): (T(7, 30), T(11, 30))},
        note="Sáng thứ Bảy chỉ tiếp nhận hồ sơ hộ tịch, không trả kết quả",
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"{page.base_url}/procedures/{cast.procedure.code}/"
    page.goto(url)
    places = page.locator("#agencies div.place")
    expect(places).to_have_count(2)
    office = page.locator(f'#agencies div[data-agency="{cast.agency_b.code}"]')
    expect(office).to_contain_text("Thứ Bảy")
    expect(office).to_contain_text("07:30–11:30, 13:30–17:00")
    for cell in page.locator("#agencies div.place, #agencies div.place tr").all():
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell.inner_text(), box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("where-to-submit-phone")

    # a ward procedure received by thirty wards: the list is folded, the citizen finds theirs
    cast.procedure.agencies.add(
        *[
            AgencyFactory(code=f"H26.9{i:03d}", name=f"UBND phường Thử Nghiệm {i}")
            for i in range(30)
        ]
    )
    page.goto(url)
    expect(places.first).to_be_hidden()
    # the call to action leads down to the search, past the whole record
    page.locator("#where-link a").click()
    expect(page.locator("#id_place")).to_be_in_viewport()
    page.get_by_label("Tìm phường, xã hoặc cơ quan tiếp nhận").fill("hoan kiem")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(places).to_have_count(1)
    ward = page.locator(f'#agencies div[data-agency="{cast.agency_a.code}"]')
    expect(ward).to_be_visible()
    expect(ward).to_contain_text("07:30–11:30, 13:30–17:00")
    expect(page.locator("#id_place")).to_have_value("hoan kiem")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("ward-found-phone")
