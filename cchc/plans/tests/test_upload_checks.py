"""Every file attached in plans and inspections passes the platform's one upload check
(cchc.core.uploads, as dossier documents and PAR evidence do): a file over MAX_UPLOAD_MB or
one whose content is not a PDF, JPEG or PNG (an executable named .pdf) is refused with the
message on the form's field, and nothing is saved — no event, no file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.plans.inspection_models import ChecklistResult, InspectionStatus
from cchc.plans.models import TaskFile
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db

TOO_BIG = "Tệp qa_big.pdf vượt quá 10 MB."
NOT_A_DOCUMENT = "Tệp qa_evil.pdf không phải tài liệu PDF, JPEG hoặc PNG."


def big_pdf() -> SimpleUploadedFile:
    # 12 MB, as in the QA walk: a real PDF head, over the 10 MB limit
    content = b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024)
    return SimpleUploadedFile("qa_big.pdf", content, content_type="application/pdf")


def fake_pdf() -> SimpleUploadedFile:
    # 12 bytes starting with MZ: a Windows executable named .pdf
    return SimpleUploadedFile("qa_evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00")


def field_error(html: str, field: str) -> str:
    return html.split(f'id="id_{field}_error">')[1].split("</small>")[0]


@pytest.fixture
def task(assign):
    return assign(deadline=D(2027, 6, 30))


@pytest.mark.parametrize(("upload", "message"), [(big_pdf, TOO_BIG), (fake_pdf, NOT_A_DOCUMENT)])
def test_progress_report_refuses_a_big_or_fake_file(settings, cast, task, upload, message):
    settings.MAX_UPLOAD_MB = 10
    r = client_for(cast.specialist_a).post(
        f"/plans/nhiem-vu/{task.code}/progress/",
        {"text": "Báo cáo tiến độ", "percent": "40", "files": upload()},
    )
    assert r.status_code == 200, r.status_code  # the page again, not "Đã lưu."
    html = r.content.decode()
    assert field_error(html, "files").strip() == message
    task.refresh_from_db()
    assert list(task.events.values_list("action", flat=True)) == ["assign"]
    assert not TaskFile.objects.exists()


@pytest.mark.parametrize(("upload", "message"), [(big_pdf, TOO_BIG), (fake_pdf, NOT_A_DOCUMENT)])
def test_completion_refuses_a_big_or_fake_evidence_file(settings, cast, task, upload, message):
    settings.MAX_UPLOAD_MB = 10
    good = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    r = client_for(cast.leader_a).post(
        f"/plans/nhiem-vu/{task.code}/complete/",
        {"result": "Báo cáo hoàn thành", "files": [good, upload()]},
    )
    assert r.status_code == 200, r.status_code
    assert field_error(r.content.decode(), "files").strip() == message
    task.refresh_from_db()
    assert task.completed_on is None and task.status != "SUBMITTED"
    assert list(task.events.values_list("action", flat=True)) == ["assign"]
    assert not TaskFile.objects.exists()


@pytest.mark.parametrize(("upload", "message"), [(big_pdf, TOO_BIG), (fake_pdf, NOT_A_DOCUMENT)])
def test_self_report_refuses_a_big_or_fake_file(settings, cast, insp, upload, message):
    settings.MAX_UPLOAD_MB = 10
    r = client_for(cast.leader_a).post(
        f"/plans/kiem-tra/{insp.code}/self_report/", {"file": upload()}
    )
    assert r.status_code == 200, r.status_code
    assert field_error(r.content.decode(), "file").strip() == message
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.PLANNED and not insp.self_report


def test_inspection_record_refuses_a_fake_photo_and_saves_no_result(settings, cast, insp):
    settings.MAX_UPLOAD_MB = 10
    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    evil = SimpleUploadedFile("qa_evil.pdf", b"MZ\x90\x00", content_type="image/jpeg")
    r = client_for(cast.inspector).post(
        f"/plans/kiem-tra/{insp.code}/record/",
        {"result_C01": "FAIL", "photo_C01": photo, "result_C02": "PASS", "photo_C02": evil},
    )
    assert r.status_code == 200, r.status_code
    assert field_error(r.content.decode(), "photo_C02").strip() == NOT_A_DOCUMENT
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.PLANNED
    assert not ChecklistResult.objects.exists()
