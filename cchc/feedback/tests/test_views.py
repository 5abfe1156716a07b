import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.feedback import complaints, petitions
from cchc.feedback.models import Complaint, Petition, PetitionAttachment, ReceptionSlot, Topic
from cchc.feedback.tests.factories import file


def form_data(**extra):
    return {
        "topic": Topic.objects.get(code="TTHC-QUYDINH").pk,
        "title": "Thủ tục rườm rà",
        "description": "<script>x()</script>Thủ tục <b>đăng ký</b> khai sinh đòi quá nhiều giấy tờ.",
        "petitioner_name": "Nguyễn Văn An",
        "petitioner_phone": "0912345678",
        **extra,
    }


def published(cast, **kw):
    p = file(cast.agency_a, **kw)
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category=p.category, agency=cast.agency_a)
    p = petitions.answer(
        p, actor=cast.specialist_a, text="Đã rà soát, bỏ yêu cầu bản sao. Gọi 0912345678 nếu cần."
    )
    return petitions.publish(p, actor=cast.leader_a)


def test_public_form_files_a_petition(client, cast):
    resp = client.post("/feedback/new/", form_data(agency=cast.agency_a.pk))
    assert resp.status_code == 302
    p = Petition.objects.get()
    assert resp["Location"] == f"/feedback/p/{p.token}/"
    assert p.channel == "WEB" and p.topic.code == "TTHC-QUYDINH" and p.agency == cast.agency_a
    assert "<" not in p.description and "đăng ký" in p.description
    page = client.get(resp["Location"])
    assert p.code in page.content.decode() and "0912345678" not in page.content.decode()


def test_bad_input_keeps_what_was_typed(client, cast):
    resp = client.post(
        "/feedback/new/", form_data(dossier_code="KHONG-CO-HO-SO", petitioner_phone="")
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "Thủ tục rườm rà" in body  # nothing lost
    assert not Petition.objects.exists()
    resp = client.post("/feedback/new/", form_data(petitioner_phone="", dossier_code=""))
    assert resp.status_code == 400 and not Petition.objects.exists()
    # a number too short to call back is refused on its field, the rest kept
    resp = client.post("/feedback/new/", form_data(petitioner_phone="0901"))
    assert resp.status_code == 400 and not Petition.objects.exists()
    assert "Số điện thoại gồm 9 đến 12 chữ số" in resp.content.decode()
    assert "Thủ tục rườm rà" in resp.content.decode()


def test_attachments_type_and_count_checked(client, cast):
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    resp = client.post("/feedback/new/", {**form_data(), "attachments": [fake]})
    assert resp.status_code == 400 and not Petition.objects.exists()
    exe = SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")
    assert client.post("/feedback/new/", {**form_data(), "attachments": [exe]}).status_code == 400
    good = SimpleUploadedFile("bien-nhan.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    resp = client.post("/feedback/new/", {**form_data(), "attachments": [good]})
    assert resp.status_code == 302
    att = PetitionAttachment.objects.get()
    assert att.original_name == "bien-nhan.pdf" and att.size == len(b"%PDF-1.4 ...")
    assert client.get(f"/feedback/staff/attachment/{att.pk}/").status_code == 302  # login first
    client.force_login(cast.outsider)
    assert client.get(f"/feedback/staff/attachment/{att.pk}/").status_code == 404


def test_rate_limit_per_ip(client, cast, settings):
    settings.FEEDBACK_RATE_LIMITS = {"ip": (2, 3600)}
    for i in range(2):
        assert (
            client.post(
                "/feedback/new/",
                form_data(title=f"Tiêu đề số {i}", description=f"Nội dung riêng {i} " * 3),
            ).status_code
            == 302
        )
    resp = client.post("/feedback/new/", form_data(title="Lần ba", description="Khác hoàn toàn"))
    assert resp.status_code == 429 and Petition.objects.count() == 2


def test_rate_limit_per_account(client, cast, settings):
    settings.FEEDBACK_RATE_LIMITS = {"account": (1, 86400)}
    client.force_login(cast.citizen)
    assert client.post("/feedback/new/", form_data()).status_code == 302
    assert (
        client.post("/feedback/new/", form_data(title="B", description="C khác")).status_code == 429
    )
    assert Petition.objects.get().petitioner == cast.citizen


def test_honeypot(client, cast):
    assert client.post("/feedback/new/", form_data(website="http://spam")).status_code == 403
    assert not Petition.objects.exists()


def test_public_answers_search_without_accents_and_no_personal_data(client, cast):
    p = published(cast, title="Thủ tục hộ tịch chậm", name="Lê Thị Bình", phone="0987000111")
    file(cast.agency_a, title="Chưa trả lời", description="Không được hiện")
    resp = client.get("/feedback/answers/", {"q": "thu tuc ho tich"})
    body = resp.content.decode()
    assert p.code in body and "Chưa trả lời" not in body
    assert (
        client.get("/feedback/answers/", {"q": "khong co gi"}).content.decode().count(p.code) == 0
    )
    detail = client.get(f"/feedback/answers/{p.code}/").content.decode()
    assert "Lê Thị Bình" not in detail and "0987000111" not in detail and "0912345678" not in detail
    assert "bỏ yêu cầu bản sao" in detail
    partial = client.get("/feedback/answers/", {"q": "ho tich"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and p.code in partial.content.decode()


def test_vote_once_per_session(client, cast):
    p = published(cast)
    url = f"/feedback/answers/{p.code}/vote/"
    assert client.post(url, {"value": "like"}, HTTP_HX_REQUEST="true").status_code == 200
    client.post(url, {"value": "like"}, HTTP_HX_REQUEST="true")
    p.refresh_from_db()
    assert (p.likes, p.dislikes) == (1, 0)
    other = client.__class__()
    other.post(url, {"value": "dislike"})
    client.force_login(cast.citizen)  # an account is a separate voter
    client.post(url, {"value": "dislike"}, HTTP_HX_REQUEST="true")
    p.refresh_from_db()
    assert (p.likes, p.dislikes) == (1, 2)
    assert client.post(url, {"value": "love"}, HTTP_HX_REQUEST="true").status_code == 400


def test_staff_queue_and_detail_permissions(client, cast):
    p = file(cast.agency_a)
    client.force_login(cast.clerk_a)
    assert p.code in client.get("/feedback/staff/").content.decode()
    assert client.get(f"/feedback/staff/{p.code}/").status_code == 200
    client.force_login(cast.outsider)
    assert p.code not in client.get("/feedback/staff/").content.decode()
    assert client.get(f"/feedback/staff/{p.code}/").status_code == 404
    client.force_login(cast.citizen)
    assert client.get("/feedback/staff/").status_code == 403
    client.force_login(cast.inspector)
    assert client.get(f"/feedback/staff/{p.code}/").status_code == 200
    client.post(f"/feedback/staff/{p.code}/reject/", {"reason": "x"})
    p.refresh_from_db()
    assert p.status == "RECEIVED"  # inspectors read only


def test_staff_handle_through_the_pages(client, cast):
    p = file(cast.agency_a)
    client.force_login(cast.clerk_a)
    client.post(
        f"/feedback/staff/{p.code}/confirm/",
        {"category": "TTHC", "agency": cast.agency_a.pk, "note": ""},
    )
    client.post(f"/feedback/staff/{p.code}/note/", {"text": "Đã gọi điện cho công dân"})
    client.force_login(cast.specialist_a)
    client.post(f"/feedback/staff/{p.code}/answer/", {"answer": "Đã xử lý xong"})
    resp = client.post(f"/feedback/staff/{p.code}/publish/", follow=True)
    assert "không được phép" in resp.content.decode() or "not allowed" in resp.content.decode()
    client.force_login(cast.leader_a)
    client.post(f"/feedback/staff/{p.code}/publish/")
    p.refresh_from_db()
    assert p.status == "PUBLISHED"
    assert list(p.events.values_list("action", flat=True)) == [
        "file",
        "confirm",
        "note",
        "answer",
        "publish",
    ]


def test_hotline_logging_page(client, cast):
    client.force_login(cast.clerk_b)
    data = form_data(channel="HOTLINE", receiving_agency=cast.agency_b.pk, petitioner_phone="")
    resp = client.post("/feedback/staff/new/", data)
    p = Petition.objects.get()
    assert (
        resp.status_code == 302 and p.channel == "HOTLINE" and p.receiving_agency == cast.agency_b
    )
    resp = client.post("/feedback/staff/new/", {**data, "receiving_agency": cast.agency_a.pk})
    assert resp.status_code == 200 and Petition.objects.count() == 1  # not their agency


def test_complaints_register_is_restricted(client, cast):
    p = file(
        cast.agency_a, title="Khiếu nại quyết định", description="Tôi khiếu nại quyết định xử phạt"
    )
    complaint = complaints.reclassify_as_complaint(
        p, actor=cast.clerk_a, kind="COMPLAINT", subject="Quyết định xử phạt số 12"
    )
    p.refresh_from_db()
    assert p.status == "TRANSFERRED" and complaint.source_petition == p
    assert Complaint.objects.visible_to(cast.clerk_a).count() == 0
    assert Complaint.objects.visible_to(cast.leader_a).count() == 1
    assert Complaint.objects.visible_to(cast.leader_b).count() == 0
    assert Complaint.objects.visible_to(cast.inspector).count() == 1
    client.force_login(cast.clerk_a)
    assert client.get(f"/feedback/complaints/{complaint.code}/").status_code == 404
    client.force_login(cast.leader_a)
    assert client.get(f"/feedback/complaints/{complaint.code}/").status_code == 200
    client.post(f"/feedback/complaints/{complaint.code}/", {"action": "accept", "complexity": "0"})
    complaint.refresh_from_db()
    assert complaint.status == "ACCEPTED"


def test_dashboard_and_excel(client, cast):
    published(cast)
    late = file(cast.agency_a, title="Trễ", description="Một nội dung khác hẳn")
    Petition.objects.filter(pk=late.pk).update(
        handle_due_at=late.received_at + dt.timedelta(hours=1)
    )
    client.force_login(cast.leader_a)
    resp = client.get("/feedback/staff/dashboard/")
    board = resp.context["board"]
    assert board.total == 2 and board.handled == 1 and board.published == 1
    assert [p.code for p in board.overdue] == [late.code]
    resp = client.get("/feedback/staff/dashboard/", {"format": "xlsx"})
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames[0] and wb.worksheets[0]["B2"].value == 2
    assert wb.worksheets[2]["A2"].value == late.code
    resp = client.get(
        "/feedback/staff/dashboard/", {"format": "xlsx", "from": "2026-11-01", "to": "2026-11-30"}
    )
    title = load_workbook(io.BytesIO(resp.content)).worksheets[0]["A1"].value
    assert "01/11/2026" in title and "30/11/2026" in title and "2026-11" not in title
    client.force_login(cast.outsider)
    assert client.get("/feedback/staff/dashboard/").context["board"].total == 0


def test_reception_schedule(client, cast):
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(cast.leader_a)
    resp = client.post(
        "/feedback/reception/new/",
        {
            "agency": cast.agency_a.pk,
            "leader_name": "Trần Văn C",
            "leader_title": "Chủ tịch UBND phường",
            "day": tomorrow.isoformat(),
            "start_time": "08:00",
            "end_time": "11:30",
            "location": "Phòng tiếp công dân",
        },
    )
    assert resp.status_code == 302
    client.force_login(cast.clerk_a)
    assert client.post("/feedback/reception/new/", {"agency": cast.agency_a.pk}).status_code == 200
    client.logout()
    assert "Trần Văn C" in client.get("/feedback/reception/").content.decode()
    assert ReceptionSlot.objects.count() == 1


@pytest.mark.parametrize("url", ["/feedback/new/", "/feedback/answers/", "/feedback/reception/"])
def test_public_pages_render(client, db, url):
    assert client.get(url).status_code == 200


def test_only_staff_of_an_agency_are_offered_the_logging_form(client, cast):
    """An inspector has no agency to log a petition for: no button to a form they cannot send."""
    client.force_login(cast.inspector)
    assert "/feedback/staff/new/" not in client.get("/feedback/staff/").content.decode()
    assert client.get("/feedback/staff/new/").status_code == 403
    client.force_login(cast.clerk_a)
    assert "/feedback/staff/new/" in client.get("/feedback/staff/").content.decode()
    assert client.get("/feedback/staff/new/").status_code == 200


def test_history_and_action_messages_read_as_sentences(client, cast):
    p = published(cast)
    client.force_login(cast.leader_a)
    page = client.get(f"/feedback/staff/{p.code}/").content.decode()
    for code in ("file", "confirm", "answer", "publish"):
        assert f"<strong>{code}</strong>" not in page
    assert "<strong>Xác nhận phân loại và chuyển xử lý</strong>" in page
    other = file(cast.agency_a)
    client.force_login(cast.clerk_a)
    done = client.post(
        f"/feedback/staff/{other.code}/note/", {"text": "Gọi lại sau"}, follow=True
    ).content.decode()
    assert "Đã thêm ghi chú." in done and "Đã thực hiện." not in done


def _form_key(page) -> str:
    import re

    keys = re.findall(r'name="form_key" value="([0-9a-f]{32})"', page.content.decode())
    assert len(keys) == 1
    return keys[0]


def test_the_public_form_sent_again_files_one_petition(client, cast):
    """Back after sending, then send the same page again (changed or not): one petition,
    and the second sending is taken to the first one's page with a word."""
    key = _form_key(client.get("/feedback/new/"))
    first = client.post("/feedback/new/", {**form_data(), "form_key": key})
    assert first.status_code == 302
    again = client.post("/feedback/new/", {**form_data(title="Sửa lại tiêu đề"), "form_key": key})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Petition.objects.count() == 1
    assert "Biểu mẫu này đã được gửi" in client.get(again["Location"]).content.decode()
    fresh = _form_key(client.get("/feedback/new/"))
    assert client.post("/feedback/new/", {**form_data(), "form_key": fresh}).status_code == 302
    assert Petition.objects.count() == 2


def test_the_staff_log_and_the_complaint_register_act_once_per_page(client, cast):
    client.force_login(cast.clerk_a)
    key = _form_key(client.get("/feedback/staff/new/"))
    data = {**form_data(), "channel": "HOTLINE", "receiving_agency": cast.agency_a.pk}
    first = client.post("/feedback/staff/new/", {**data, "form_key": key})
    assert first.status_code == 302, first.content.decode()[-2000:]
    assert (
        client.post("/feedback/staff/new/", {**data, "form_key": key})["Location"]
        == (first["Location"])
    )
    assert Petition.objects.count() == 1
    client.force_login(cast.leader_a)  # the complaint register is a leader's (clerks: 403)
    page = client.get("/feedback/complaints/new/")
    assert page.status_code == 200 and 'name="form_key"' in page.content.decode()


def test_the_tracking_page_shows_what_was_sent(client, cast):
    """The petitioner can read again what they sent, and which files."""
    good = SimpleUploadedFile("anh-hien-truong.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    resp = client.post("/feedback/new/", {**form_data(), "attachments": [good]})
    body = client.get(resp["Location"]).content.decode()
    assert "khai sinh đòi quá nhiều giấy tờ" in body and "anh-hien-truong.png" in body


def test_coordinates_are_asked_only_where_a_map_fills_them(client, cast, settings):
    settings.MAP_TILE_URL = ""
    body = client.get("/feedback/new/").content.decode()
    assert 'type="hidden" name="lat"' in body and "Vĩ độ" not in body
    settings.MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    body = client.get("/feedback/new/").content.decode()
    assert 'type="number" name="lat"' in body
