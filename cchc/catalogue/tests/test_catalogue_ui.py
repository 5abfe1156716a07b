from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.accounts.models import Membership
from cchc.catalogue import services
from cchc.catalogue.models import CatalogueChange, Procedure
from cchc.core.actors import SYSTEM
from cchc.core.chains import verify
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.testing import member

# the decision of the Chairman that announces or amends a procedure (a day already past)
DECISION = {"decision": "1234/QĐ-UBND", "decided_on": dt.date(2026, 3, 1)}
PUBLICATION = {"decision": "1234/QĐ-UBND", "announced_on": dt.date(2026, 3, 1)}


def _post_data(cast, **over):
    data = {
        "code": "2.000635",
        "name": "Cấp giấy phép xây dựng",
        "processing_time": "15",
        "time_unit": "working_day",
        "online_level": "partial",
        "number_of_copies": "1",
        "applicant_types": "Tổ chức, cá nhân",
        "submission_means": "Trực tiếp",
        "agencies": [cast.agency_a.pk],
        "docs-TOTAL_FORMS": "1",
        "docs-INITIAL_FORMS": "0",
        "docs-MIN_NUM_FORMS": "0",
        "docs-MAX_NUM_FORMS": "1000",
        "docs-0-name": "Đơn đề nghị",
        "docs-0-copies": "1",
        "docs-0-mandatory": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-name": "Tiếp nhận",
        "steps-0-working_hours": "4",
        "steps-1-name": "Thẩm định",
        "steps-1-working_hours": "100",
        "steps-1-agency": cast.agency_b.pk,
    }
    data.update(over)
    return data


@pytest.fixture
def agency_admin(cast):
    return member("admin_a", cast.agency_a, Membership.Role.AGENCY_ADMIN)


def set_steps(proc, actor, *steps, **decision):  # type: ignore[no-untyped-def]
    """The procedure's steps, each (name, working hours), with no agency of their own."""
    return services.update_procedure(
        proc,
        actor=actor,
        data={},
        steps=[{"name": name, "working_hours": hours, "agency": None} for name, hours in steps],
        **decision,
    )


def test_province_admin_creates_publishes_and_withdraws_through_the_ui(client, cast):
    client.force_login(cast.province_admin)
    resp = client.post("/catalogue/new/", _post_data(cast))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    proc = Procedure.objects.get(code="2.000635")
    assert proc.status == Procedure.Status.DRAFT
    assert [s.working_hours for s in proc.step_templates.all()] == [4, 100]
    assert proc.step_templates.get(order=2).agency == cast.agency_b
    assert proc.required_documents.count() == 1
    resp = client.post(
        f"/catalogue/{proc.pk}/publish/",
        {"publication_decision": "1234/QĐ-UBND", "announced_on": "2026-03-01"},
    )
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.PUBLISHED and proc.published_at
    client.post(f"/catalogue/{proc.pk}/withdraw/", {"reason": "Quyết định bãi bỏ số 12"})
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.WITHDRAWN
    actions = list(
        CatalogueChange.objects.filter(procedure=proc).values_list("action", "actor_label")
    )
    assert {a for a, _ in actions} == {"create", "publish", "withdraw"}
    assert all(label == cast.province_admin.display_name for _, label in actions)
    # the procedure's log on the event core: numbered in order, chained, append-only
    log = CatalogueChange.objects.filter(procedure=proc).order_by("seq")
    assert list(log.values_list("seq", "action")) == [
        (1, "create"),
        (2, "publish"),
        (3, "withdraw"),
    ]
    assert [r for r in verify(CatalogueChange) if not isinstance(r, int)] == []
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "Quyết định bãi bỏ số 12" in page


def test_edit_keeps_document_ids_and_audits_changes(client, cast):
    client.force_login(cast.province_admin)
    proc = cast.procedure
    doc = proc.required_documents.get()
    data = _post_data(cast, code=proc.code, name="Đăng ký khai sinh (sửa)")
    data.update(
        {"docs-INITIAL_FORMS": "1", "docs-0-id": doc.pk, "docs-0-name": "Tờ khai (mẫu mới)"}
    )
    data.update({"decision": "55/QĐ-UBND", "decided_on": "2026-03-02"})
    resp = client.post(f"/catalogue/{proc.pk}/edit/", data)
    assert resp.status_code == 302
    doc.refresh_from_db()
    assert doc.name == "Tờ khai (mẫu mới)"
    change = CatalogueChange.objects.get(procedure=proc, action="update")
    assert change.data["name"] == ["Thủ tục đăng ký khai sinh", "Đăng ký khai sinh (sửa)"]
    # the history says what changed from what to what, by the field's name
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    name = Procedure._meta.get_field("name").verbose_name
    assert f"{name}: Thủ tục đăng ký khai sinh → Đăng ký khai sinh (sửa)" in page


def test_invalid_input_is_shown_in_vietnamese_and_nothing_is_lost(client, cast):
    client.force_login(cast.province_admin)
    resp = client.post(
        "/catalogue/new/", _post_data(cast, code=cast.procedure.code, name="Tên giữ nguyên")
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "Đã có thủ tục mang mã 1.001193" in page
    assert "Tên giữ nguyên" in page and "Đơn đề nghị" in page
    resp = client.post("/catalogue/new/", _post_data(cast, fee_amount="5000"))
    assert "có phí, lệ phí" in resp.content.decode()
    assert not Procedure.objects.filter(code="2.000635").exists()


def test_publish_refuses_missing_core_fields(cast):
    proc = services.create_procedure(
        actor=cast.province_admin, data={"code": "3.000001", "name": "Thiếu trường"}, agencies=[]
    )
    with pytest.raises(ValidationFailed) as exc:
        services.publish_procedure(proc, actor=cast.province_admin, **PUBLICATION)
    assert "cách thức thực hiện" in exc.value.message and "thành phần hồ sơ" in exc.value.message
    with pytest.raises(TransitionNotAllowed):
        services.publish_procedure(cast.procedure, actor=cast.province_admin, **PUBLICATION)


def test_agency_admin_limited_to_own_agencies(client, cast, agency_admin):
    other = services.create_procedure(
        actor=SYSTEM, data={"code": "3.000002", "name": "Của sở khác"}, agencies=[cast.agency_c]
    )
    with pytest.raises(NotPermitted):
        services.update_procedure(other, actor=agency_admin, data={"name": "x"})
    with pytest.raises(NotPermitted):
        services.create_procedure(
            actor=agency_admin, data={"code": "3.000003", "name": "x"}, agencies=[cast.agency_c]
        )
    client.force_login(agency_admin)
    assert client.get(f"/catalogue/{other.pk}/edit/").status_code == 403
    assert client.get(f"/catalogue/{cast.procedure.pk}/edit/").status_code == 200
    client.force_login(cast.clerk_a)
    assert client.get("/catalogue/new/").status_code == 403
    assert client.get("/catalogue/").status_code == 200
    client.force_login(cast.inspector)
    assert client.post(f"/catalogue/{cast.procedure.pk}/publish/").status_code == 403


def test_list_search_is_diacritics_insensitive_filters_and_htmx_partial(client, cast):
    services.create_procedure(
        actor=SYSTEM,
        data={"code": "3.000004", "name": "Cấp phép xây dựng nhà ở"},
        agencies=[cast.agency_b],
    )
    client.force_login(cast.clerk_a)
    page = client.get("/catalogue/", {"q": "xay dung"}).content.decode()
    assert "3.000004" in page and "1.001193" not in page
    assert "<html" in page
    frag = client.get("/catalogue/", {"status": "DRAFT"}, HTTP_HX_REQUEST="true").content.decode()
    assert "3.000004" in frag and "1.001193" not in frag and "<html" not in frag
    frag = client.get("/catalogue/", {"incomplete": "on"}, HTTP_HX_REQUEST="true").content.decode()
    assert "3.000004" in frag and "1.001193" not in frag
    frag = client.get("/catalogue/", {"agency": "H26.100"}, HTTP_HX_REQUEST="true").content.decode()
    assert "1.001193" in frag and "3.000004" not in frag


def test_fee_typed_the_vietnamese_way_is_read_in_full(client, cast):
    """ "50.000" is fifty thousand đồng, not 50 (Django's IntegerField dropped ".000")."""
    client.force_login(cast.province_admin)
    resp = client.post(
        "/catalogue/new/",
        _post_data(cast, has_fee="on", fee_amount="50.000", charge_amount="1.500.000 đ"),
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    proc = Procedure.objects.get(code="2.000635")
    assert (proc.fee_amount, proc.charge_amount) == (50000, 1500000)
    # the editor shows the amount back the same way
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    assert 'value="1.500.000"' in page
    # and the record page prints it grouped (Django's Vietnamese format printed "1500000")
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "<td>1.500.000</td>" in page and "<td>50.000</td>" in page
    # an edit of a fee reads the same way in the history
    services.update_procedure(proc, actor=cast.province_admin, data={"fee_amount": 30000})
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "(đồng): 50.000 → 30.000" in page
    # an amount with decimals is refused, not rounded or truncated
    resp = client.post(
        "/catalogue/new/", _post_data(cast, code="2.000636", has_fee="on", fee_amount="50,5")
    )
    assert resp.status_code == 200
    assert "số đồng" in resp.content.decode()
    assert not Procedure.objects.filter(code="2.000636").exists()


def test_an_amount_too_large_for_any_fee_is_refused_with_a_message(cast):
    with pytest.raises(ValidationFailed) as exc:
        services.create_procedure(
            actor=cast.province_admin,
            data={"code": "3.000009", "name": "x", "has_fee": True, "fee_amount": 10**19},
            agencies=[cast.agency_a],
        )
    assert exc.value.field == "fee_amount"
    assert not Procedure.objects.filter(code="3.000009").exists()


def test_steps_may_not_take_longer_than_the_processing_time(client, cast):
    """2 working days are 16 working hours: steps of 4 + 40 hours do not fit in them."""
    client.force_login(cast.province_admin)
    resp = client.post(
        "/catalogue/new/",
        _post_data(cast, processing_time="2", **{"steps-1-working_hours": "40"}),
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "Tổng thời gian các bước là 44 giờ làm việc" in page and "16 giờ làm việc" in page
    assert not Procedure.objects.filter(code="2.000635").exists()
    # shortening the processing time of an existing procedure below its steps is refused too
    proc = services.create_procedure(
        actor=cast.province_admin,
        data={"code": "3.000010", "name": "Liên thông", "processing_time": 2},
        agencies=[cast.agency_a],
        steps=[{"name": "Tiếp nhận", "working_hours": 4, "agency": None}],
    )
    with pytest.raises(ValidationFailed) as exc:
        services.update_procedure(
            proc,
            actor=cast.province_admin,
            data={"time_unit": "working_hour", "processing_time": 3},
        )
    assert exc.value.field == "steps"
    # a same-day procedure's steps fit in one working day
    with pytest.raises(ValidationFailed):
        services.update_procedure(
            proc,
            actor=cast.province_admin,
            data={"time_unit": "same_day"},
            steps=[{"name": "Tiếp nhận", "working_hours": 9, "agency": None}],
        )
    # steps that fit are kept; the record page says how much of the time they take
    set_steps(proc, cast.province_admin, ("Tiếp nhận", 4), ("Thẩm định", 12))
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "chiếm 16 trên 16 giờ làm việc" in page
    assert "chưa được phân cho bước nào" not in page
    services.update_procedure(proc, actor=cast.province_admin, data={"processing_time": 3})
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "chiếm 16 trên 24 giờ làm việc" in page and "chưa được phân cho bước nào" in page


def test_record_page_says_bai_bo_and_the_history_names_every_change(client, cast):
    client.force_login(cast.province_admin)
    proc = cast.procedure
    set_steps(proc, cast.province_admin, ("Tiếp nhận", 4), ("Thẩm định", 8), **DECISION)
    services.update_procedure(
        proc,
        actor=cast.province_admin,
        data={},
        steps=[{"name": "Thẩm định", "working_hours": 12, "agency": None}],
        **DECISION,
    )
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    # the button withdraws the procedure (bãi bỏ), not a dossier (rút hồ sơ)
    assert ">Bãi bỏ</a>" in page and "Rút hồ sơ" not in page
    # the steps' change reads old → new, by their Vietnamese name, never a raw key
    assert "các bước xử lý: Tiếp nhận (4 h), Thẩm định (8 h) → Thẩm định (12 h)" in page
    assert "các bước xử lý: — → Tiếp nhận (4 h), Thẩm định (8 h)" in page
    assert "; steps" not in page and ">steps" not in page
    # a new record's entry lists the fields it filled, not the empty ones nor "documents"
    client.post("/catalogue/new/", _post_data(cast, processing_time="15"))
    new = Procedure.objects.get(code="2.000635")
    entry = " ".join(new.changes.get().summary())
    assert "thành phần hồ sơ" in entry and "documents" not in entry
    assert str(Procedure._meta.get_field("legal_basis").verbose_name) not in entry


def test_a_dossier_keeps_the_processing_time_in_force_when_it_was_received(cast):
    import datetime as dt

    from django.utils import timezone

    proc = cast.procedure  # 3 working days
    received = timezone.now() - dt.timedelta(microseconds=1)
    services.update_procedure(
        proc, actor=cast.province_admin, data={"processing_time": 5}, **DECISION
    )
    between = timezone.now()
    services.update_procedure(
        proc,
        actor=cast.province_admin,
        data={"processing_time": 4, "time_unit": "working_hour"},
        **DECISION,
    )
    later = timezone.now()
    proc.refresh_from_db()
    assert proc.terms_on(between) == (5, "working_day")
    assert proc.terms_on(received) == (3, "working_day")
    assert proc.terms_on(later) == (4, "working_hour")


def test_negative_processing_time_is_shown_with_the_other_errors(client, cast):
    client.force_login(cast.province_admin)
    resp = client.post("/catalogue/new/", _post_data(cast, name="", processing_time="-3"))
    assert resp.status_code == 200
    page = resp.content.decode()
    assert 'id="id_processing_time_error"' in page and 'id="id_name_error"' in page


def test_an_imports_new_agency_list_is_not_read_as_old_and_new(cast):
    """procedures.csv's import logs the agencies it set (a plain list): two of them are
    not "first → second"."""
    services.log_imported([(cast.procedure, "update", {"agencies": ["H26.01", "H26.02"]})])
    change = CatalogueChange.objects.get(procedure=cast.procedure, action="update")
    assert change.summary() == [str(Procedure._meta.get_field("agencies").verbose_name)]


def test_list_filters_by_agency_chosen_by_name_and_a_long_agency_list_is_folded(client, cast):
    from cchc.testing import AgencyFactory

    communes = [AgencyFactory(code=f"H26.9{i:02d}", name=f"UBND Xã Thử {i}") for i in range(9)]
    proc = services.create_procedure(
        actor=SYSTEM, data={"code": "3.000011", "name": "Thủ tục cấp xã"}, agencies=communes
    )
    client.force_login(cast.clerk_a)
    page = client.get("/catalogue/").content.decode()
    # the keeper picks "Sở Tư pháp" from a list instead of typing its code
    assert '<select name="agency"' in page and ">Sở Tư pháp</option>" in page
    frag = client.get("/catalogue/", {"agency": "H26.900"}, HTTP_HX_REQUEST="true").content.decode()
    assert "3.000011" in frag and "1.001193" not in frag
    # 9 agencies are folded under "9 cơ quan" so the record's labels keep their width
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "<summary>9 cơ quan</summary>" in page


def test_decimals_typed_with_a_comma_are_read(client, cast):
    """Half a day is "0,5" in Vietnamese; "Nhập một số" answered it."""
    client.force_login(cast.province_admin)
    resp = client.post(
        "/catalogue/new/",
        _post_data(
            cast,
            processing_time="0,5",
            time_unit="working_day",
            **{"steps-0-working_hours": "1,5", "steps-1-working_hours": "2,5"},
        ),
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    proc = Procedure.objects.get(code="2.000635")
    assert proc.processing_time == Decimal("0.5")
    assert [s.working_hours for s in proc.step_templates.all()] == [Decimal("1.5"), Decimal("2.5")]
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    assert 'value="0,5"' in page and 'value="1,5"' in page


def test_history_writes_values_as_the_record_page_does(cast):
    import datetime as dt

    proc = services.create_procedure(
        actor=cast.province_admin,
        data={
            "code": "3.000012",
            "name": "Thủ tục",
            "processing_time": 2,
            "applicant_types": "Cá nhân",
            "submission_means": "Trực tiếp",
            "steps_description": "Tiếp nhận, trả kết quả",
        },
        agencies=[cast.agency_a],
        documents=[{"name": "Tờ khai", "copies": 1}],
    )
    services.update_procedure(proc, actor=cast.province_admin, data={"processing_time": "0.5"})
    services.publish_procedure(proc, actor=cast.province_admin, **PUBLICATION)
    services.withdraw_procedure(proc, actor=cast.province_admin, reason="QĐ bãi bỏ")
    services.update_procedure(
        proc, actor=cast.province_admin, data={"valid_to": dt.date(2026, 3, 31)}
    )
    lines = {c.action + ": " + "; ".join(c.summary()) for c in proc.changes.all()}
    field = Procedure._meta.get_field
    assert f"update: {field('processing_time').verbose_name}: 2 → 0,5" in lines
    assert f"update: {field('valid_to').verbose_name}: — → 31/03/2026" in lines
    # the publication names its decision and the decision's date
    assert (
        f"publish: {field('publication_decision').verbose_name}: 1234/QĐ-UBND; "
        f"{field('announced_on').verbose_name}: 01/03/2026"
    ) in lines


def test_the_filtered_list_downloads_as_an_excel_workbook(client, cast):
    import io

    from openpyxl import load_workbook

    services.create_procedure(
        actor=SYSTEM,
        data={
            "code": "3.000013",
            "name": "Cấp phép xây dựng",
            "has_fee": True,
            "fee_amount": 1500000,
            "processing_time": "0.5",
        },
        agencies=[cast.agency_b],
    )
    client.force_login(cast.clerk_a)
    page = client.get("/catalogue/", {"q": "xay dung"}).content.decode()
    assert "/catalogue/export.xlsx?q=xay+dung" in page and "Xuất Excel" in page
    resp = client.get("/catalogue/export.xlsx", {"q": "xay dung"})
    assert resp.status_code == 200
    assert "attachment" in resp["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.values)
    assert rows[0][:4] == ("Mã", "Tên", "Lĩnh vực", "Thời hạn giải quyết")
    assert len(rows) == 2  # the filter applies: only the procedure found
    code, name, _field, time, unit, _level, fee, *_rest = rows[1]
    assert (code, name, time, unit, fee) == (
        "3.000013",
        "Cấp phép xây dựng",
        0.5,
        "ngày làm việc",
        1500000,
    )
    assert "Dự thảo" in rows[1]
    client.force_login(cast.citizen)
    assert client.get("/catalogue/export.xlsx").status_code == 403


def test_saving_over_someone_elses_newer_edit_is_refused(client, cast):
    """Two keepers open the same procedure; the second save must not silently undo the
    first one's changes."""
    import re

    proc = cast.procedure
    doc = proc.required_documents.get()
    client.force_login(cast.province_admin)
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    loaded_at = re.search(r'name="loaded_at" value="([^"]+)"', page).group(1)
    data = _post_data(
        cast,
        code=proc.code,
        name="Tên của người thứ hai",
        loaded_at=loaded_at,
        decision="56/QĐ-UBND",
        decided_on="2026-03-02",
    )
    data.update({"docs-INITIAL_FORMS": "1", "docs-0-id": doc.pk})
    # meanwhile another keeper saves a change
    services.update_procedure(
        proc, actor=cast.province_admin, data={"name": "Tên mới hơn"}, **DECISION
    )
    resp = client.post(f"/catalogue/{proc.pk}/edit/", data)
    assert resp.status_code == 200
    assert "Chưa lưu gì" in resp.content.decode()
    proc.refresh_from_db()
    assert proc.name == "Tên mới hơn"
    # opened afresh, the same edit goes through
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    data["loaded_at"] = re.search(r'name="loaded_at" value="([^"]+)"', page).group(1)
    assert client.post(f"/catalogue/{proc.pk}/edit/", data).status_code == 302
    proc.refresh_from_db()
    assert proc.name == "Tên của người thứ hai"


def test_a_merged_agency_is_not_offered_for_a_step_but_a_saved_step_keeps_it(client, cast):
    """After a merger (the agencies pages of Home Affairs) the step editor still offered the
    merged ward; a procedure whose step already names it must still save as it is."""
    client.force_login(cast.province_admin)
    proc = cast.procedure
    merged = cast.agency_b
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    assert (
        f'<option value="{merged.pk}"'
        in page.split('name="steps-0-agency"')[1].split("</select>")[0]
    )
    merged.valid_to = timezone.localdate() - dt.timedelta(days=1)
    merged.save()
    page = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    assert (
        f'<option value="{merged.pk}"'
        not in page.split('name="steps-0-agency"')[1].split("</select>")[0]
    )
    # a step saved before the merger keeps its agency and the procedure saves
    set_steps(proc, cast.province_admin, ("Tiếp nhận", 4), **DECISION)
    proc.step_templates.update(agency=merged)
    data = _post_data(cast, code=proc.code, name=proc.name)
    data.update(
        {
            "steps-TOTAL_FORMS": "1",
            "steps-0-name": "Tiếp nhận",
            "steps-0-working_hours": "4",
            "steps-0-agency": str(merged.pk),
            "decision": "56/QĐ-UBND",
            "decided_on": "2026-03-02",
        }
    )
    data.pop("steps-1-name", None)
    data.pop("steps-1-working_hours", None)
    assert client.post(f"/catalogue/{proc.pk}/edit/", data).status_code == 302
