from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cchc.accounts.models import hash_national_id
from cchc.dossiers import queries, services
from cchc.dossiers.models import Dossier, Status
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.testing import counter_checklist

ID = "001099012345"


def intake_data(cast, **over):
    data = {
        "procedure": cast.procedure.pk,
        "receiving_place": cast.agency_a.pk,
        "receiving_agency": cast.agency_a.pk,
        "competent_agency": cast.agency_b.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id": ID,
        "applicant_phone": "0912 345 678",
        "applicant_email": "an@example.vn",
        "applicant_address": "Hà Nội",
        "fee_amount": "",
        **counter_checklist(cast.procedure),
    }
    data.update(over)
    return data


def received(cast, **kw):
    return counter_dossier(
        cast, kw.pop("name", "Trần Thị Bình"), competent_agency=cast.agency_b, **kw
    )


def test_counter_intake_issues_receipt_with_appointment_and_derivation(client, cast):
    client.force_login(cast.clerk_a)
    page = client.get("/staff/intake/").content.decode()
    assert "1.001193" in page
    resp = client.post("/staff/intake/", intake_data(cast))
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    dossier = Dossier.objects.get()
    assert resp["Location"] == f"/staff/dossiers/{dossier.code}/receipt/"
    # no scan, no "digitised" flag: it follows from the document records, not a checkbox
    assert dossier.status == Status.RECEIVED and not dossier.has_digitized_components
    assert (
        dossier.applicant_id_hash == hash_national_id(ID) and dossier.applicant_id_last4 == "2345"
    )
    assert ID not in str(Dossier.objects.values().get())
    assert dossier.applicant_phone == "0912345678"
    receipt = client.get(resp["Location"]).content.decode()
    assert (
        dossier.code in receipt
        and timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y") in receipt
    )
    assert "********2345" in receipt
    # the receipt carries the lookup QR code and prints official form 01
    assert (
        f"/lookup/{dossier.code}/qr.svg" in receipt and f"/forms/{dossier.code}/01.pdf" in receipt
    )
    qr = client.get(f"/lookup/{dossier.code}/qr.svg")
    assert qr.status_code == 200 and b"<svg" in qr.content


def test_no_receipt_before_intake_and_the_intake_link_only_for_clerks(client, cast):
    waiting = online_dossier(cast)
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{waiting.code}/").content.decode()
    assert f"/staff/dossiers/{waiting.code}/receipt/" not in page
    resp = client.get(f"/staff/dossiers/{waiting.code}/receipt/", follow=True)
    assert resp.redirect_chain == [(f"/staff/dossiers/{waiting.code}/", 302)]
    assert "chưa được tiếp nhận nên chưa có giấy tiếp nhận" in resp.content.decode()
    dossier = received(cast)
    assert (
        "/staff/intake/" in client.get(f"/staff/dossiers/{dossier.code}/receipt/").content.decode()
    )
    client.force_login(cast.specialist_a)  # sees the receipt, may not receive dossiers
    receipt = client.get(f"/staff/dossiers/{dossier.code}/receipt/")
    assert receipt.status_code == 200 and "/staff/intake/" not in receipt.content.decode()
    assert client.get("/staff/intake/").status_code == 403


def test_intake_validation_errors_in_vietnamese_and_input_kept(client, cast):
    client.force_login(cast.clerk_a)
    resp = client.post(
        "/staff/intake/",
        intake_data(
            cast,
            applicant_id="12345",
            applicant_name="Lê Văn Giữ",
            competent_agency=cast.agency_c.pk,
        ),
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "12 chữ số" in page
    assert "Lê Văn Giữ" in page
    assert not Dossier.objects.exists()


def test_a_refused_counter_intake_lists_its_errors_at_the_top_with_links(client, cast):
    """The counter's intake form is long: a refused one came back with the errors further
    down, out of sight. The summary every staff form has (includes/form_errors.html) lists
    them at the top, each a link to its field, and takes the focus."""
    client.force_login(cast.clerk_a)
    page = client.post(
        "/staff/intake/", intake_data(cast, applicant_id="12345", applicant_name="")
    ).content.decode()
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert "Vui lòng sửa những mục dưới đây" in summary
    assert 'href="#id_applicant_id"' in summary and "12 chữ số" in summary
    assert 'href="#id_applicant_name"' in summary
    assert 'href="#id_applicant_phone"' not in summary  # the phone was right
    assert start < page.index('id="id_procedure"')


def test_intake_htmx_parts(client, cast):
    client.force_login(cast.clerk_a)
    frag = client.get(
        "/staff/intake/", {"part": "procedures", "q": "khai sinh"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1.001193" in frag and "<html" not in frag
    frag = client.get(
        "/staff/intake/",
        {"part": "competent", "procedure": cast.procedure.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "H26.100" in frag and "H26.01" in frag and "H26.02" not in frag


def test_intake_refused_to_non_clerks(client, cast):
    for user in (cast.specialist_a, cast.inspector, cast.citizen):
        client.force_login(user)
        assert client.get("/staff/intake/").status_code == 403


@pytest.mark.parametrize(
    "key", ["mine", "agency", "due_soon", "overdue", "supplement", "online", "all"]
)
def test_each_queue_renders_and_filters(client, cast, key):
    past = timezone.now() - dt.timedelta(days=30)
    late = received(cast, at=past, name="Quá Hạn")
    fresh = received(cast, name="Mới Nhận")
    services.assign(fresh, actor=cast.leader_a, assignee=cast.specialist_a)
    pending = online_dossier(cast, "Trực Tuyến", competent_agency=cast.agency_a)
    paused = received(cast, name="Chờ Bổ Sung")
    services.request_supplement(paused, actor=cast.clerk_a, reason="Thiếu bản sao")
    expected = {
        "mine": {"Mới Nhận"},
        "agency": {"Quá Hạn", "Mới Nhận", "Trực Tuyến", "Chờ Bổ Sung"},
        "overdue": {"Quá Hạn"},
        "supplement": {"Chờ Bổ Sung"},
        "online": {"Trực Tuyến"},
        "all": {"Quá Hạn", "Mới Nhận", "Trực Tuyến", "Chờ Bổ Sung"},
    }
    user = cast.specialist_a if key == "mine" else cast.clerk_a
    client.force_login(user)
    page = client.get("/staff/", {"queue": key}).content.decode()
    names = {"Quá Hạn", "Mới Nhận", "Trực Tuyến", "Chờ Bổ Sung"}
    shown = {n for n in names if n in page}
    if key == "due_soon":
        # 3 working days to go for the fresh ones, none due within one working day
        assert shown == set()
    else:
        assert shown == expected[key]
    assert pending.code  # created
    # htmx fragment of the same URL, with a search
    frag = client.get(
        "/staff/",
        {"queue": "all", "q": late.code},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    ).content.decode()
    assert "<html" not in frag and "Quá Hạn" in frag and "Mới Nhận" not in frag


def test_queue_search_by_national_id_and_filters(client, cast):
    counter_dossier(
        cast,
        Applicant(name="Có Số Định Danh", id_hash=hash_national_id(ID), id_last4=ID[-4:]),
        competent_agency=cast.agency_b,
    )
    received(cast, name="Người Khác")
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": ID}).content.decode()
    assert "Có Số Định Danh" in page and "Người Khác" not in page
    page = client.get("/staff/", {"queue": "all", "status": "4"}).content.decode()
    assert "Người Khác" not in page
    page = client.get(
        "/staff/", {"queue": "all", "received_from": "không-phải-ngày"}
    ).content.decode()
    assert "Nhập một ngày hợp lệ" in page


def test_outsider_gets_404_and_inspector_reads_only(client, cast):
    dossier = received(cast)
    client.force_login(cast.outsider)
    assert client.get(f"/staff/dossiers/{dossier.code}/").status_code == 404
    assert client.post(f"/staff/dossiers/{dossier.code}/actions/transfer/", {}).status_code == 404
    client.force_login(cast.inspector)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert dossier.code in page and 'data-action="' not in page
    assert (
        client.post(
            f"/staff/dossiers/{dossier.code}/actions/refuse/", {"refuse-reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(cast.specialist_a)
    assert (
        client.post(f"/staff/dossiers/{dossier.code}/actions/return_result/", {}).status_code == 403
    )
    assert (
        client.post(f"/staff/dossiers/{dossier.code}/actions/no_such_action/", {}).status_code
        == 404
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_detail_shows_timeline_slip_derivation_and_only_allowed_actions(client, cast):
    dossier = received(cast)
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert 'id="timeline"' in page and 'id="control-slip"' in page
    assert 'data-action="transfer"' in page and 'data-action="return_result"' not in page
    assert 'data-action="finish"' not in page  # clerks do not decide
    frag = client.get(
        f"/staff/dossiers/{dossier.code}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="dossier-main"
    ).content.decode()
    assert "<html" not in frag and dossier.code in frag


def post_action(client, dossier, action, data, **extra):
    return client.post(
        f"/staff/dossiers/{dossier.code}/actions/{action}/",
        {f"{action}-{k}": v for k, v in data.items()},
        **extra,
    )


def test_every_action_form_through_the_ui(client, cast):
    # online dossier: receive, then the whole processing chain
    online = online_dossier(cast, "Trực Tuyến", competent_agency=cast.agency_b)
    client.force_login(cast.clerk_a)
    assert post_action(client, online, "receive", {"note": "Đủ"}).status_code == 302
    assert (
        post_action(
            client,
            online,
            "transfer",
            {
                "to_agency": cast.agency_b.pk,
                "step_name": "Thẩm định",
                "assignee": cast.specialist_b.pk,
                "hours": "8",
            },
        ).status_code
        == 302
    )
    client.force_login(cast.leader_b)
    assert (
        post_action(client, online, "assign", {"assignee": cast.specialist_b.pk}).status_code == 302
    )
    assert post_action(client, online, "request_payment", {"amount": "70000"}).status_code == 302
    client.force_login(cast.specialist_b)
    assert post_action(client, online, "confirm_payment", {"online": "1"}).status_code == 302
    assert (
        post_action(client, online, "request_supplement", {"reason": "Thiếu bản vẽ"}).status_code
        == 302
    )
    assert post_action(client, online, "receive_supplement", {"note": "Đã đủ"}).status_code == 302
    client.force_login(cast.leader_b)
    later = (
        queries.calendar()
        .next_working_instant(timezone.now() + dt.timedelta(days=20))
        .strftime("%Y-%m-%dT%H:%M")
    )
    assert (
        post_action(
            client, online, "apologize", {"reason": "Cần xác minh", "new_appointment_at": later}
        ).status_code
        == 302
    )
    client.force_login(cast.specialist_b)
    assert post_action(client, online, "finish", {"note": "Đã cấp giấy"}).status_code == 302
    client.force_login(cast.clerk_a)
    assert post_action(client, online, "return_result", {}).status_code == 302
    online.refresh_from_db()
    assert (
        online.status == Status.RETURNED and online.paid_online == 1 and online.apology_count == 1
    )
    assert list(online.events.values_list("action", flat=True)) == [
        "submit",
        "receive",
        "transfer",
        "assign",
        "request_payment",
        "confirm_payment",
        "request_supplement",
        "receive_supplement",
        "apologize",
        "finish",
        "return_result",
    ]
    page = client.get(f"/staff/dossiers/{online.code}/").content.decode()
    assert "Thẩm định" in page and "Specialist B" in page
    # the closing actions
    for action, user in (
        ("refuse", cast.clerk_a),
        ("withdraw", cast.clerk_a),
        ("stop", cast.leader_a),
    ):
        d = online_dossier(cast, "Đóng", competent_agency=cast.agency_a)
        if action == "stop":
            services.receive(d, actor=cast.clerk_a)
        client.force_login(user)
        assert post_action(client, d, action, {"reason": "Lý do cụ thể"}).status_code == 302
        d.refresh_from_db()
        assert (
            d.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)
            and d.events.last().note == "Lý do cụ thể"
        )


def test_action_errors_in_vietnamese_nothing_lost_and_htmx_fragment(client, cast):
    dossier = received(cast)
    client.force_login(cast.clerk_a)
    resp = post_action(client, dossier, "withdraw", {"reason": ""})
    assert resp.status_code == 400 and "Trường này là bắt buộc." in resp.content.decode()
    client.force_login(cast.leader_a)
    early = timezone.localtime(dossier.appointment_at - dt.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    resp = post_action(
        client, dossier, "apologize", {"reason": "Lý do giữ lại", "new_appointment_at": early}
    )
    page = resp.content.decode()
    assert (
        resp.status_code == 400
        and "Ngày hẹn mới phải sau ngày hẹn hiện tại" in page
        and "Lý do giữ lại" in page
    )
    resp = post_action(
        client, dossier, "apologize", {"reason": "Lý do", "new_appointment_at": "ngày mai"}
    )
    assert "Nhập một ngày/thời gian hợp lệ." in resp.content.decode()
    # htmx: the form fragment comes back with the error; success answers with HX-Redirect
    resp = post_action(client, dossier, "request_payment", {"amount": "-5"}, HTTP_HX_REQUEST="true")
    frag = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in frag and 'id="form-request_payment"' in frag
    assert "Giá trị phải lớn hơn hoặc bằng 1." in frag
    resp = post_action(
        client, dossier, "request_payment", {"amount": "5000"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 204 and resp["HX-Redirect"] == f"/staff/dossiers/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.FINANCIAL and dossier.apology_count == 0
    # transfer: an assignee from another agency is refused by the form
    client.force_login(cast.clerk_a)
    d2 = received(cast)
    resp = post_action(
        client, d2, "transfer", {"to_agency": cast.agency_b.pk, "assignee": cast.specialist_a.pk}
    )
    assert "không công tác tại" in resp.content.decode()


@pytest.mark.parametrize(
    "query", ["nguyen", "NGUYỄN", "Nguyễn ngô", "ngo thi", "NGÔ THỊ", "thi nguyen"]
)
def test_queue_search_ignores_diacritics_and_case(client, cast, query):
    # Issue 16, point 7: like the catalogue, "nguyen" finds "Nguyễn" and "NGÔ THỊ" "Ngô Thị".
    found = received(cast, name="Nguyễn Ngô Thị Lan")
    received(cast, name="Trần Văn Đức")
    assert found.search.text == f"{found.code.lower()} nguyen ngo thi lan"
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": query}).content.decode()
    assert "Nguyễn Ngô Thị Lan" in page and "Trần Văn Đức" not in page


def test_queue_search_by_part_of_the_code_and_by_d_without_stroke(client, cast):
    found = received(cast, name="Trần Văn Đức")
    other = received(cast, name="Lê Thị Hoa")
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": "van duc"}).content.decode()
    assert found.code in page and other.code not in page
    page = client.get("/staff/", {"queue": "all", "q": other.code[-4:]}).content.decode()
    assert other.code in page


def test_queue_search_by_whole_code_and_by_phone_number(client, cast):
    # a whole code has enough digits for a phone number: it is searched as a code only
    with_phone = received(cast, name=Applicant(name="Trần Văn Đức", phone="0912345678"))
    other = received(cast, name=Applicant(name="Lê Thị Hoa", phone="0987654321"))
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": other.code}).content.decode()
    assert other.code in page and with_phone.code not in page
    for typed in ("0912 345 678", "+84 912.345.678"):
        page = client.get("/staff/", {"queue": "all", "q": typed}).content.decode()
        assert with_phone.code in page and other.code not in page, typed


@pytest.mark.parametrize("typed", ["001 099 012 345", "001.099.012.345", " 001-099-012-345 "])
def test_counter_citizen_id_typed_with_spaces_or_dots_is_normalised_not_cut(client, cast, typed):
    # Issue 16, point 6: a maxlength of 12 cut "001 099 012 345" to "001 099 012 ".
    client.force_login(cast.clerk_a)
    form = client.get("/staff/intake/").content.decode()
    assert 'maxlength="12"' not in form
    resp = client.post("/staff/intake/", intake_data(cast, applicant_id=typed))
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    dossier = Dossier.objects.get()
    assert dossier.applicant_id_hash == hash_national_id(ID)
    assert dossier.applicant_id_last4 == ID[-4:]


def test_the_all_tab_stops_counting_at_the_cap(client, cast, monkeypatch):
    """Issue 16 point 7: past the cap the queue says "more than N" instead of counting every
    dossier a busy department may see; below it, the exact number."""
    from cchc.core import pagination

    for name in ("Một", "Hai", "Ba"):
        received(cast, name=name)
    client.force_login(cast.clerk_a)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    html = client.get("/staff/?queue=all", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hơn 2 hồ sơ" in html
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    html = client.get("/staff/?queue=all", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hơn 3 hồ sơ" not in html
    assert "3 hồ sơ" in html


def test_the_capped_paginator_pages_up_to_the_cap():
    from cchc.core.pagination import CappedPaginator

    class Rows(list):  # a list that slices and counts like a queryset
        def order_by(self):
            return self

        def __getitem__(self, key):
            return (
                Rows(super().__getitem__(key))
                if isinstance(key, slice)
                else super().__getitem__(key)
            )

        def count(self):
            return len(self)

    p = CappedPaginator(Rows(range(50)), 10, cap=25)
    assert p.count == 26 and p.capped and p.num_pages == 3
    assert p.get_page(99).number == 3
    q = CappedPaginator(Rows(range(20)), 10, cap=25)
    assert q.count == 20 and not q.capped and q.num_pages == 2


def test_fees_are_written_with_dots_between_thousands(client, cast):
    """Django's Vietnamese number format groups no digits: 'intcomma' printed a fee of
    1.500.000 đồng as '1500000' on the dossier page and its receipt (catalogue walk)."""
    d = counter_dossier(cast)
    Dossier.objects.filter(pk=d.pk).update(fee_amount=1500000)
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert "1.500.000" in page and "1500000" not in page


def test_a_missing_procedure_or_competent_agency_is_named(client, cast):
    """Django's generic "Trường này là bắt buộc." named neither field (the error summary at
    the top of the long form shows the message without its label)."""
    client.force_login(cast.clerk_a)
    page = client.post(
        "/staff/intake/", intake_data(cast, procedure="", competent_agency="")
    ).content.decode()
    assert not Dossier.objects.exists()
    assert "Bạn hãy chọn thủ tục hành chính của hồ sơ." in page
    assert "Bạn hãy chọn cơ quan có thẩm quyền giải quyết hồ sơ." in page
