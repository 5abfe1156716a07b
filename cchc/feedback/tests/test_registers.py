"""The staff registers as their users meet them: who may open the complaint form, the
complaints register's filters, overdue marks and Excel export, and dates in the exports."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cchc.core.calendar import LOCAL_TZ
from cchc.feedback import complaints
from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import file, file_complaint

LONG_AGO = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)  # a Monday; every deadline long past


@pytest.mark.parametrize("who", ["clerk_a", "specialist_a", "inspector", "citizen", "clerk_b"])
def test_the_complaint_form_is_refused_to_who_may_not_file(client, cast, who):
    """A clerk, a specialist, the read-only inspector or a citizen used to get the form (with
    an empty list of agencies); the restricted register now refuses them outright."""
    client.force_login(getattr(cast, who))
    assert client.get("/feedback/complaints/new/").status_code == 403
    assert client.post("/feedback/complaints/new/", {"kind": "COMPLAINT"}).status_code == 403


@pytest.mark.parametrize("who", ["leader_a", "province_admin"])
def test_leaders_and_the_province_administrator_get_the_complaint_form(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/feedback/complaints/new/").status_code == 200


def _register(cast):
    late = file_complaint(cast, at=LONG_AGO)  # acceptance due 12/3/2026: overdue
    fresh = file_complaint(cast, complainant_name="Trần Thị E", subject="Quyết định cưỡng chế")
    denunciation = file_complaint(
        cast,
        kind="DENUNCIATION",
        complainant_name="Người tố cáo Bí Mật",
        subject="Cán bộ địa chính nhận tiền",
    )
    settled = complaints.accept_complaint(file_complaint(cast), actor=cast.leader_a)
    settled = complaints.settle_complaint(settled, actor=cast.leader_a, outcome="Giữ nguyên")
    return late, fresh, denunciation, settled


def test_the_complaints_register_marks_overdue_cases_and_filters(client, cast):
    late, fresh, denunciation, settled = _register(cast)
    client.force_login(cast.leader_a)
    body = client.get("/feedback/complaints/").content.decode()
    assert "12/03/2026 · quá hạn" in body  # the overdue acceptance, marked
    assert body.count(" · quá hạn") == 1 and 'name="q"' in body and "Xuất Excel" in body

    def codes(**params):
        page = client.get("/feedback/complaints/", params).context["page"]
        return {c.code for c in page}

    assert codes(late="1") == {late.code}
    assert codes(kind="DENUNCIATION") == {denunciation.code}
    assert codes(status="SETTLED") == {settled.code}
    assert codes(q="cưỡng chế") == {fresh.code}
    assert codes(q=late.code) == {late.code}
    everything = {late.code, fresh.code, denunciation.code, settled.code}
    assert codes(status="nonsense", kind="x") == everything  # unknown filters: ignored


def test_the_complaints_register_exports_to_excel_as_filtered(client, cast):
    late, fresh, denunciation, settled = _register(cast)
    client.force_login(cast.inspector)  # read-only, but may take the register away
    resp = client.get("/feedback/complaints/", {"format": "xlsx"})
    assert resp.status_code == 200 and "so-khieu-nai-to-cao.xlsx" in resp["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {late.code, fresh.code, denunciation.code, settled.code}
    assert ws["A1"].value == "Mã" and ws["G1"].value == "Tiếp nhận lúc"
    received = rows[late.code][6]
    assert received.value == dt.datetime(2026, 3, 2, 9, 0)  # local wall-clock time
    assert received.number_format == "dd/mm/yyyy hh:mm"
    assert rows[late.code][12].value == "Có" and rows[fresh.code][12].value in ("", None)
    assert rows[denunciation.code][3].value in ("", None)  # the denouncer is not named
    assert rows[fresh.code][3].value == "Trần Thị E"
    only_late = client.get("/feedback/complaints/", {"format": "xlsx", "late": "1"})
    ws = load_workbook(io.BytesIO(only_late.content)).worksheets[0]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [late.code]
    client.force_login(cast.leader_b)  # another agency's leader: none of agency A's cases
    ws = load_workbook(
        io.BytesIO(client.get("/feedback/complaints/", {"format": "xlsx"}).content)
    ).worksheets[0]
    assert ws.max_row == 1
    client.force_login(cast.clerk_a)
    assert client.get("/feedback/complaints/", {"format": "xlsx"}).status_code == 403


def test_the_dashboard_excel_shows_dates_the_vietnamese_way(client, cast):
    late = file(cast.agency_a, title="Trễ", description="Một nội dung")
    Petition.objects.filter(pk=late.pk).update(
        handle_due_at=late.received_at + dt.timedelta(hours=1)
    )
    client.force_login(cast.leader_a)
    resp = client.get("/feedback/staff/dashboard/", {"format": "xlsx"})
    overdue = load_workbook(io.BytesIO(resp.content)).worksheets[2]
    assert overdue["A2"].value == late.code
    assert overdue["D2"].number_format == "dd/mm/yyyy hh:mm"
    assert overdue["E2"].number_format == "dd/mm/yyyy hh:mm"


def test_the_work_queue_filters_by_channel_and_category(client, cast):
    hotline = file(
        cast.agency_a, title="Gọi 1022: đèn đường hỏng", channel="HOTLINE", **_BY_PHONE(cast)
    )
    conduct = file(cast.agency_a, title="Cán bộ hách dịch", description="Thái độ", category="CANBO")
    web = file(cast.agency_a, title="Thủ tục rườm rà", description="Nhiều giấy tờ")
    client.force_login(cast.clerk_a)

    def codes(**params):
        return {p.code for p in client.get("/feedback/staff/", params).context["page"]}

    assert codes() == {hotline.code, conduct.code, web.code}
    assert codes(channel="HOTLINE") == {hotline.code}
    assert codes(category="CANBO") == {conduct.code}
    assert codes(channel="HOTLINE", category="CANBO") == set()
    assert codes(channel="bogus") == {hotline.code, conduct.code, web.code}  # ignored
    body = client.get("/feedback/staff/", {"channel": "HOTLINE"}).content.decode()
    assert '<option value="HOTLINE" selected>' in body and "format=xlsx" in body


def test_the_work_queue_exports_what_it_shows(client, cast):
    late = file(
        cast.agency_a, title="Gọi 1022: đèn đường hỏng", channel="HOTLINE", **_BY_PHONE(cast)
    )
    Petition.objects.filter(pk=late.pk).update(
        handle_due_at=late.received_at + dt.timedelta(hours=1)
    )
    other = file(cast.agency_a, title="Thủ tục rườm rà", description="Nhiều giấy tờ")
    elsewhere = file(cast.agency_b, title="Sở Tư pháp chậm", description="Chứng thực")
    client.force_login(cast.clerk_a)
    resp = client.get("/feedback/staff/", {"format": "xlsx"})
    assert resp.status_code == 200 and "danh-sach-phan-anh.xlsx" in resp["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {late.code, other.code}  # not another agency's petition
    assert elsewhere.code not in rows
    assert ws["B1"].value == "Tiêu đề" and rows[late.code][3].value == "Đường dây nóng"
    assert rows[late.code][6].value == dt.datetime(2026, 11, 16, 9, 0)
    assert rows[late.code][6].number_format == "dd/mm/yyyy hh:mm"
    assert rows[late.code][10].value == "Có" and rows[other.code][10].value in ("", None)
    assert "0912345678" not in {c.value for r in rows.values() for c in r}  # no contact data
    only = client.get("/feedback/staff/", {"format": "xlsx", "tab": "overdue"})
    ws = load_workbook(io.BytesIO(only.content)).worksheets[0]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [late.code]
    searched = client.get("/feedback/staff/", {"format": "xlsx", "q": "giay to"})
    ws = load_workbook(io.BytesIO(searched.content)).worksheets[0]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [other.code]
    client.force_login(cast.citizen)
    assert client.get("/feedback/staff/", {"format": "xlsx"}).status_code == 403


def _BY_PHONE(cast):  # noqa: N802 - reads as the keyword arguments of a hotline call
    return {"actor": cast.clerk_a, "receiving_agency": cast.agency_a}


@pytest.mark.parametrize("assignee", ["abc", "", "12abc"])
def test_a_hand_made_assignee_is_refused_not_a_server_error(client, cast, assignee):
    """Assigning with a value that is not a person's id used to raise a 500 (ValueError)."""
    p = file(cast.agency_a)
    client.force_login(cast.leader_a)
    resp = client.post(f"/feedback/staff/{p.code}/assign/", {"assignee": assignee}, follow=True)
    assert resp.status_code == 200 and "Hãy chọn người xử lý" in resp.content.decode()
    p.refresh_from_db()
    assert p.assignee is None


def test_the_leader_assigns_a_specialist(client, cast):
    p = file(cast.agency_a)
    client.force_login(cast.leader_a)
    client.post(f"/feedback/staff/{p.code}/assign/", {"assignee": cast.specialist_a.pk})
    p.refresh_from_db()
    assert p.assignee == cast.specialist_a


def test_a_complaint_page_marks_its_deadline_and_links_back(client, cast):
    late = file_complaint(cast, at=LONG_AGO)
    client.force_login(cast.leader_a)
    body = client.get(f"/feedback/complaints/{late.code}/").content.decode()
    assert "12/03/2026 · quá hạn" in body and 'href="/feedback/complaints/"' in body
    assert "số lần gia hạn" not in body  # a complaint (not a denunciation) is not extended
    assert "Không thụ lý vụ việc này?" in body  # the refusal asks before it is final
    settled = complaints.accept_complaint(late, actor=cast.leader_a)
    settled = complaints.settle_complaint(settled, actor=cast.leader_a, outcome="Giữ nguyên")
    body = client.get(f"/feedback/complaints/{settled.code}/").content.decode()
    assert "Kết thúc lúc" in body and "Thụ lý lúc" in body and "quá hạn" not in body


def test_a_reclassified_complaint_links_to_its_petition(client, cast):
    p = file(cast.agency_a, title="Khiếu nại quyết định", description="Tôi khiếu nại")
    c = complaints.reclassify_as_complaint(
        p, actor=cast.leader_a, kind="COMPLAINT", subject="Quyết định xử phạt số 12"
    )
    client.force_login(cast.leader_a)
    body = client.get(f"/feedback/complaints/{c.code}/").content.decode()
    assert f'href="/feedback/staff/{p.code}/"' in body


def test_publishing_and_rejecting_ask_first_and_the_inspector_sees_no_empty_actions(client, cast):
    from cchc.feedback import petitions

    p = file(cast.agency_a)
    client.force_login(cast.leader_a)
    body = client.get(f"/feedback/staff/{p.code}/").content.decode()
    assert "Từ chối xử lý phản ánh này?" in body
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category=p.category, agency=cast.agency_a)
    p = petitions.answer(p, actor=cast.specialist_a, text="Đã xử lý xong.")
    body = client.get(f"/feedback/staff/{p.code}/").content.decode()
    assert 'data-confirm="Công khai câu trả lời?' in body
    client.force_login(cast.inspector)
    body = client.get(f"/feedback/staff/{p.code}/").content.decode()
    assert "<h2>Thao tác</h2>" not in body


def test_the_hotline_form_preselects_the_officers_only_agency(client, cast):
    client.force_login(cast.clerk_a)
    form = client.get("/feedback/staff/new/").context["form"]
    assert form["receiving_agency"].value() == cast.agency_a.pk


def test_the_dashboard_puts_the_agencies_needing_attention_first(client, cast):
    """Home Affairs reads a province's agencies table to see who is late: it can be ordered
    by the most overdue or the lowest on-time rate, and shows each rate as a bar."""
    late = file(cast.agency_a, title="Trễ", description="Phường chậm trả lời")
    Petition.objects.filter(pk=late.pk).update(
        handle_due_at=late.received_at + dt.timedelta(hours=1)
    )
    file(cast.agency_b)  # "Sở Tư pháp" comes before "UBND phường …" by name
    client.force_login(cast.province_admin)

    def order(**params):
        board = client.get("/feedback/staff/dashboard/", params).context["board"]
        return [r["agency__code"] for r in board.by_agency]

    by_name = order()
    assert by_name == [cast.agency_b.code, cast.agency_a.code]
    assert order(sort="overdue") == [cast.agency_a.code, cast.agency_b.code]
    assert order(sort="bogus") == by_name
    body = client.get("/feedback/staff/dashboard/", {"sort": "overdue"}).content.decode()
    assert "Nhiều quá hạn nhất</strong>" in body and "sort=on_time#by-agency" in body


def test_the_dashboard_overdue_list_says_what_each_column_is(client, cast):
    """On a phone the overdue list scrolls inside itself: without headings a code, a title, an
    agency and a date in a row were left for the reader to guess."""
    late = file(cast.agency_a, title="Trễ", description="Phường chậm trả lời")
    Petition.objects.filter(pk=late.pk).update(
        handle_due_at=late.received_at + dt.timedelta(hours=1)
    )
    client.force_login(cast.leader_a)
    body = client.get("/feedback/staff/dashboard/").content.decode()
    table = body[body.index('id="overdue-table"') :]
    table = table[: table.index("</table>")]
    assert late.code in table
    headings = ("<th>Mã</th>", "<th>Tiêu đề</th>", "<th>Cơ quan</th>", "<th>Hạn trả lời</th>")
    assert all(h in table for h in headings)
