"""A procedure over time: found by the decisions that published and amended it, amended by a
decision that may take effect later than it is recorded (a dossier keeps the terms in force
when it was received), and its history readable by the Department of Home Affairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cchc.catalogue import services
from cchc.catalogue.models import CatalogueChange, Procedure
from cchc.catalogue.tests.editor import editor_data
from cchc.core.errors import ValidationFailed

SIGNED = dt.date(2026, 3, 2)


def _amend(proc: Procedure, actor, number: str = "55/QĐ-UBND", **kwargs) -> Procedure:
    data = kwargs.pop("data", {"processing_time": 5})
    return services.update_procedure(
        proc, actor=actor, data=data, decision=number, decided_on=SIGNED, **kwargs
    )


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


# -- 1. search by decision -------------------------------------------------------------------
def test_a_procedure_is_found_by_its_publication_and_amending_decisions(client, cast):
    proc = cast.procedure
    proc.publication_decision, proc.announced_on = "1234/QĐ-UBND", dt.date(2026, 3, 1)
    proc.save()
    other = Procedure.objects.create(code="9.000001", name="Thủ tục khác", status="PUBLISHED")
    _amend(proc, cast.province_admin, number="77/2026/QĐ-UBND")
    qs = Procedure.objects.all()
    for query in (
        "1234/QĐ-UBND",
        "1234/qd-ubnd",  # without accents, in lower case
        "Quyết định số 1234/QĐ-UBND",  # as the clerk was told it
        "1234 / QĐ - UBND",
        "77/2026/qđ-ubnd",  # the amending decision
        "quyet dinh 77/2026/QD-UBND",
    ):
        assert list(qs.search(query)) == [proc], query
    assert list(qs.search("999/QĐ-UBND")) == []
    assert other not in qs.search("1234")
    # the staff list and the public list (which shows the publication decision) find it too
    client.force_login(cast.province_admin)
    page = client.get("/catalogue/", {"q": "quyết định 77/2026/qd-ubnd"}).content.decode()
    assert proc.code in page and other.code not in page
    # and says which decisions a procedure has, so the clerk sees why it was found
    assert "1234/QĐ-UBND" in page and "77/2026/QĐ-UBND" in page
    client.logout()
    public = client.get("/procedures/", {"q": "1234/qd-ubnd"}).content.decode()
    assert proc.code in public and other.code not in public


def test_publishing_makes_the_decision_searchable(cast):
    proc = services.create_procedure(
        actor=cast.province_admin,
        data={"code": "3.000200", "name": "Cấp phép", "processing_time": 5},
        agencies=[cast.agency_a],
    )
    assert not Procedure.objects.search("88/QĐ-UBND").exists()
    Procedure.objects.filter(pk=proc.pk).update(
        applicant_types="Tổ chức", submission_means="Trực tiếp", steps_description="Tiếp nhận"
    )
    proc.required_documents.create(name="Đơn")
    services.publish_procedure(
        proc, actor=cast.province_admin, decision="88/qd-ubnd", announced_on=SIGNED
    )
    assert list(Procedure.objects.search("88/QĐ-UBND")) == [proc]


# -- 2. an amendment in force from a later day ------------------------------------------------
def test_an_amendment_takes_effect_on_the_day_its_decision_sets(cast):
    proc = cast.procedure  # 3 working days
    day = timezone.localdate() + dt.timedelta(days=10)
    _amend(proc, cast.province_admin, effective_from=day)
    proc.refresh_from_db()
    assert proc.processing_time == 5  # the record holds the amended value
    change = proc.changes.get(action=CatalogueChange.Action.UPDATE)
    assert change.data["decision"]["effective_from"] == day.isoformat()
    # dossiers received until the day before keep the old terms; from the day, the new
    assert proc.terms_on(timezone.now()) == (3, "working_day")
    assert proc.terms_on(_local(day - dt.timedelta(days=1), 23)) == (3, "working_day")
    assert proc.terms_on(_local(day, 0)) == (5, "working_day")
    assert proc.terms_on(_local(day, 9)) == (5, "working_day")
    assert [c.pk for c in proc.pending_amendments()] == [change.pk]
    assert not proc.pending_amendments(now=_local(day, 0))


def test_an_amendment_in_force_today_applies_from_its_saving(cast):
    proc = cast.procedure
    before = timezone.now()
    _amend(proc, cast.province_admin, effective_from=timezone.localdate())
    proc.refresh_from_db()
    change = proc.changes.get(action=CatalogueChange.Action.UPDATE)
    assert "effective_from" not in change.data["decision"]
    assert proc.terms_on(before) == (3, "working_day")
    assert proc.terms_on(timezone.now()) == (5, "working_day")
    assert not proc.pending_amendments()


@pytest.mark.parametrize(
    ("effective", "message"),
    [
        (dt.date(2026, 3, 1), "trước ngày ký"),  # before the decision was signed
        (None, "sớm nhất là hôm nay"),  # in the past (set below)
    ],
)
def test_an_amendment_does_not_take_effect_before_its_decision_or_today(cast, effective, message):
    proc = cast.procedure
    effective = effective or timezone.localdate() - dt.timedelta(days=1)
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        _amend(proc, cast.province_admin, effective_from=effective)
    assert exc.value.field == "effective_from" and message in exc.value.message
    proc.refresh_from_db()
    assert proc.processing_time == 3 and not proc.changes.exists()


def test_a_later_change_of_the_terms_waits_for_a_pending_one(cast):
    proc = cast.procedure
    day = timezone.localdate() + dt.timedelta(days=10)
    _amend(proc, cast.province_admin, effective_from=day)
    with pytest.raises(ValidationFailed) as exc:
        _amend(proc, cast.province_admin, number="56/QĐ-UBND", data={"processing_time": 7})
    assert exc.value.field == "effective_from" and "55/QĐ-UBND" in exc.value.message
    # an edit of another field is in force at once; one of the terms from the same day on
    _amend(proc, cast.province_admin, number="56/QĐ-UBND", data={"conditions": "Không"})
    _amend(
        proc,
        cast.province_admin,
        number="57/QĐ-UBND",
        data={"processing_time": 7},
        effective_from=day + dt.timedelta(days=5),
    )
    proc.refresh_from_db()
    assert proc.terms_on(timezone.now()) == (3, "working_day")
    assert proc.terms_on(_local(day, 9)) == (5, "working_day")
    assert proc.terms_on(_local(day + dt.timedelta(days=5), 9)) == (7, "working_day")
    assert proc.amending_decisions == "55/QĐ-UBND 56/QĐ-UBND 57/QĐ-UBND"


def test_the_editor_records_the_day_and_the_record_page_says_it_is_pending(client, cast):
    proc = cast.procedure
    day = timezone.localdate() + dt.timedelta(days=10)
    data = editor_data(
        proc,
        processing_time="5",
        time_unit="working_day",
        decision="55/QĐ-UBND",
        decided_on=SIGNED.isoformat(),
    )
    client.force_login(cast.province_admin)
    assert 'name="effective_from"' in client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    # a day before the decision's: said on the field, what was typed kept, nothing saved
    resp = client.post(f"/catalogue/{proc.pk}/edit/", {**data, "effective_from": "2026-03-01"})
    page = resp.content.decode()
    assert resp.status_code == 200 and 'id="id_effective_from_error"' in page
    assert 'value="55/QĐ-UBND"' in page
    resp = client.post(f"/catalogue/{proc.pk}/edit/", {**data, "effective_from": day.isoformat()})
    assert resp.status_code == 302
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    shown = day.strftime("%d/%m/%Y")
    notice = page[page.index('class="notice pending-amendment"') :].split("</p>")[0]
    assert (
        f"Sửa đổi có hiệu lực từ {shown} (quyết định sửa đổi 55/QĐ-UBND ngày 02/03/2026):"
    ) in notice
    assert "thời hạn giải quyết: 3 → 5" in notice
    assert f"từ {shown}; trước đó 3 ngày làm việc" in page
    assert "thời hạn giải quyết: 3 → 5" in page
    assert "chưa có hiệu lực" in page


# -- 3. the history of changes ---------------------------------------------------------------
def test_the_history_says_who_when_which_decision_and_what_from_to(client, cast):
    proc = cast.procedure
    _amend(proc, cast.province_admin, data={"processing_time": 5, "conditions": "Không"})
    _amend(proc, cast.province_admin, number="56/QĐ-UBND", data={}, agencies=[cast.agency_a])
    client.force_login(cast.province_admin)
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    row = page[page.index('id="history"') :]
    assert cast.province_admin.display_name in row
    assert "quyết định sửa đổi 55/QĐ-UBND ngày 02/03/2026" in row
    # each field on its own line, old → new
    assert "<li>thời hạn giải quyết: 3 → 5</li>" in row
    assert "<li>yêu cầu, điều kiện: — → Không</li>" in row
    # agencies by their names (the log keeps their codes)
    a = cast.agency_a
    both = ", ".join(
        f"{x.name} ({x.code})" for x in sorted([cast.agency_a, cast.agency_b], key=lambda x: x.code)
    )
    assert f"<li>cơ quan thực hiện: {both} → {a.name} ({a.code})</li>" in row


def test_a_long_history_is_paginated(client, cast):
    proc = cast.procedure
    for n in range(1, 24):
        _amend(proc, cast.province_admin, number=f"{n}/QĐ-UBND", data={"processing_time": n + 3})
    client.force_login(cast.province_admin)
    first = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "23 thay đổi" in first
    assert "23/QĐ-UBND" in first and "quyết định sửa đổi 2/QĐ-UBND " not in first
    assert 'href="?page=2#history"' in first
    second = client.get(f"/catalogue/{proc.pk}/", {"page": 2}).content.decode()
    assert "quyết định sửa đổi 2/QĐ-UBND " in second and "23/QĐ-UBND" not in second


def test_the_history_names_units_levels_and_a_new_records_values(cast):
    proc = cast.procedure
    _amend(proc, cast.province_admin, data={"time_unit": "working_hour", "online_level": "none"})
    with translation.override("vi"):
        lines = proc.changes.get().field_summary()
    assert "đơn vị thời gian: ngày làm việc → giờ làm việc" in lines
    assert any(line.endswith("→ Không trực tuyến") for line in lines)
    assert not any("working_" in line for line in lines)
    new = services.create_procedure(
        actor=cast.province_admin,
        data={"code": "3.000300", "name": "Cấp phép", "processing_time": 5, "has_fee": True},
        agencies=[cast.agency_a],
        steps=[{"name": "Tiếp nhận", "working_hours": 4, "agency": None}],
    )
    with translation.override("vi"):
        entry = new.changes.get().field_summary()
    assert "tên: Cấp phép" in entry and "thời hạn giải quyết: 5" in entry
    assert "có phí, lệ phí: có" in entry
    assert "các bước xử lý: Tiếp nhận (4 h)" in entry


def test_the_excel_list_names_the_amending_decisions(client, cast):
    import io

    from openpyxl import load_workbook

    proc = cast.procedure
    _amend(proc, cast.province_admin)
    _amend(proc, cast.province_admin, number="56/QĐ-UBND", data={"processing_time": 6})
    client.force_login(cast.province_admin)
    resp = client.get("/catalogue/export.xlsx", {"q": proc.code})
    ws = load_workbook(io.BytesIO(resp.content)).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["Các quyết định sửa đổi, bổ sung"] == "55/QĐ-UBND; 56/QĐ-UBND"


def test_the_api_gives_the_time_limit_in_force_and_the_amendment_waiting(client, cast):
    """An integration (the national portal's sync, a district's kiosk) reads the API: while an
    amendment waits for its day, the limit in force is the old one, and the new one comes
    with its decision and day, as the public procedure page says it."""
    proc = cast.procedure  # 3 working days, published
    day = timezone.localdate() + dt.timedelta(days=10)
    _amend(proc, cast.province_admin, effective_from=day)
    client.force_login(cast.citizen)
    detail = client.get(f"/api/v1/procedures/{proc.code}").json()
    assert (detail["processing_time"], detail["time_unit"]) == (3, "working_day")
    assert detail["amending_decisions"] == ["55/QĐ-UBND"]
    assert detail["pending_amendments"] == [
        {
            "decision": "55/QĐ-UBND",
            "signed_on": SIGNED.isoformat(),
            "effective_from": day.isoformat(),
            "processing_time": 5,
            "time_unit": "working_day",
        }
    ]
    listed = client.get("/api/v1/procedures", {"q": proc.code}).json()["items"]
    assert [(p["code"], p["processing_time"]) for p in listed] == [(proc.code, 3)]
    # an amendment in force at once changes the limit at once, and waits for nothing
    other = Procedure.objects.create(
        code="9.000002", name="Thủ tục khác", status="PUBLISHED", processing_time=4
    )
    _amend(other, cast.province_admin, number="60/QĐ-UBND", data={"processing_time": 6})
    detail = client.get(f"/api/v1/procedures/{other.code}").json()
    assert detail["processing_time"] == 6 and detail["pending_amendments"] == []
    assert detail["amending_decisions"] == ["60/QĐ-UBND"]
