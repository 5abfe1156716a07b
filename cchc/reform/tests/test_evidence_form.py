"""The evidence form of a scoring sheet's row, as a unit's specialist meets it: the file's
limits said before uploading, and a refused form that says which file to choose again (a
browser never puts a chosen file back) while keeping the number, issuer and date typed."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.reform import assessments
from cchc.reform.models import Evidence
from cchc.reform.tests.helpers import build_template


@pytest.fixture
def sheet(client, cast):  # type: ignore[no-untyped-def]
    a = assessments.open_assessment(build_template(), cast.agency_b, actor=cast.specialist_b)
    client.force_login(cast.specialist_b)
    return a


def evidence(client, a, **fields):  # type: ignore[no-untyped-def]
    post = {"action": "evidence", "node": "1.1.1", "doc_number": "01/KH-STP"}
    post |= {"issuer": "Sở Tư pháp", "doc_date": "2026-01-10", **fields}
    r = client.post(reverse("reform:assessment_action", args=[a.pk]), post)
    return r, html.unescape(r.content.decode())


@pytest.mark.django_db
def test_the_evidence_file_field_says_its_type_and_size_limits(client, sheet, settings):
    text = html.unescape(client.get(reverse("reform:assessment", args=[sheet.pk])).content.decode())
    assert f"PDF, JPEG hoặc PNG, tối đa {settings.MAX_UPLOAD_MB} MB." in text


@pytest.mark.django_db
def test_a_refused_evidence_form_keeps_what_was_typed_and_names_the_file_to_choose_again(
    client, sheet
):
    upload = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    r, text = evidence(client, sheet, doc_date="2099-01-10", file=upload)
    assert r.status_code == 200 and not Evidence.objects.exists()
    assert "ở tương lai" in text or "tương lai" in text
    assert 'value="01/KH-STP"' in text and 'value="Sở Tư pháp"' in text
    assert "Chưa được lưu vì biểu mẫu bị trả lại: vui lòng chọn lại ke-hoach.pdf." in text


@pytest.mark.django_db
def test_a_word_file_is_refused_with_its_name_and_the_types_accepted(client, sheet):
    upload = SimpleUploadedFile(
        "bao-cao.docx", b"PK\x03\x04 word", content_type="application/msword"
    )
    r, text = evidence(client, sheet, file=upload)
    assert r.status_code == 200 and not Evidence.objects.exists()
    assert "Tệp bao-cao.docx không phải tài liệu PDF, JPEG hoặc PNG." in text
    # another file is needed, not the same one again
    assert "vui lòng chọn lại bao-cao.docx" not in text
    assert 'value="01/KH-STP"' in text
