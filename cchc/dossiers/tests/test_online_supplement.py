"""The online supplement (issue 16, point 2): the citizen uploads the requested papers on the
status page, the clerk sees them and receives the supplement with them."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.dossiers import services
from cchc.dossiers.models import DigitizedDocument, Dossier, Status, SupplementUpload
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def waiting(cast):
    d = counter_dossier(cast, Applicant(name="Lê Văn Cường", id_hash="c" * 64, id_last4="2345"))
    return services.request_supplement(d, actor=cast.clerk_a, reason="Thiếu giấy chứng sinh")


def as_applicant(client, dossier):
    response = client.post(reverse("portal:lookup"), {"code": dossier.code, "id_last4": "2345"})
    assert response.status_code == 302


def post_files(client, dossier, *files):
    return client.post(reverse("portal:dossier", args=[dossier.code]), {"files": list(files)})


def test_online_supplement_round_trip(client, cast, waiting):
    as_applicant(client, waiting)
    page = client.get(reverse("portal:dossier", args=[waiting.code])).content.decode()
    assert 'name="files"' in page and 'accept="image/*,application/pdf"' in page
    response = post_files(
        client,
        waiting,
        SimpleUploadedFile("giay-chung-sinh.pdf", PDF),
        SimpleUploadedFile("anh.png", PNG),
    )
    assert response.status_code == 302
    uploads = list(SupplementUpload.objects.filter(dossier=waiting).order_by("pk"))
    assert [u.document.name for u in uploads] == ["giay-chung-sinh.pdf", "anh.png"]
    assert all(u.document.owner_id_hash == "c" * 64 and u.received_at is None for u in uploads)
    event = Dossier.objects.get(pk=waiting.pk).events.get(action="submit_supplement")
    assert event.to_status == Status.SUPPLEMENT and len(event.data["documents"]) == 2
    # the clerk sees them on the dossier page and opens them
    client.force_login(cast.clerk_a)
    staff_page = client.get(f"/staff/dossiers/{waiting.code}/").content.decode()
    url = f"/staff/dossiers/{waiting.code}/documents/{uploads[0].document_id}/"
    assert url in staff_page and "giay-chung-sinh.pdf" in staff_page
    assert b"".join(client.get(url).streaming_content) == PDF
    # and receives the supplement with them
    response = client.post(
        f"/staff/dossiers/{waiting.code}/actions/receive_supplement/",
        {"receive_supplement-note": "Đã đủ"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=waiting.pk)
    assert dossier.status == Status.PROCESSING and dossier.has_digitized_components
    assert {d.document_id for d in dossier.documents.all()} == {u.document_id for u in uploads}
    received = dossier.events.get(action="receive_supplement")
    assert received.data["documents"] == [u.document_id for u in uploads]
    assert not SupplementUpload.objects.filter(received_at__isnull=True).exists()


def test_a_second_upload_before_receipt_adds_to_the_first(cast, waiting):
    services.submit_supplement(
        waiting,
        actor=cast.citizen,
        applicant_proven=True,
        uploads=[SimpleUploadedFile("1.pdf", PDF)],
    )
    services.submit_supplement(
        waiting,
        actor=cast.citizen,
        applicant_proven=True,
        uploads=[SimpleUploadedFile("2.pdf", PDF)],
    )
    assert SupplementUpload.objects.filter(dossier=waiting).count() == 2
    dossier = services.receive_supplement(waiting, actor=cast.clerk_a)
    assert dossier.documents.count() == 2


def test_an_upload_after_the_supplement_was_received_is_refused(client, cast, waiting):
    services.submit_supplement(
        waiting,
        actor=cast.citizen,
        applicant_proven=True,
        uploads=[SimpleUploadedFile("1.pdf", PDF)],
    )
    services.receive_supplement(waiting, actor=cast.clerk_a)
    before = DigitizedDocument.objects.count()
    with pytest.raises(TransitionNotAllowed):
        services.submit_supplement(
            waiting,
            actor=cast.citizen,
            applicant_proven=True,
            uploads=[SimpleUploadedFile("2.pdf", PDF)],
        )
    assert DigitizedDocument.objects.count() == before
    assert SupplementUpload.objects.count() == 1
    # on the page the form is gone; a stale form posted again gets a clear answer in Vietnamese
    as_applicant(client, waiting)
    response = post_files(client, waiting, SimpleUploadedFile("2.pdf", PDF))
    assert response.status_code == 400
    assert "đã được tiếp nhận" in response.content.decode()
    assert DigitizedDocument.objects.count() == before


def test_no_upload_without_a_supplement_request(cast):
    d = counter_dossier(cast, Applicant(name="An", id_hash="c" * 64))
    with pytest.raises(TransitionNotAllowed):
        services.submit_supplement(
            d, actor=cast.citizen, applicant_proven=True, uploads=[SimpleUploadedFile("1.pdf", PDF)]
        )
    assert not SupplementUpload.objects.exists() and not DigitizedDocument.objects.exists()


def test_only_the_applicant_supplements(cast, waiting):
    with pytest.raises(NotPermitted):
        services.submit_supplement(
            waiting, actor=cast.outsider, uploads=[SimpleUploadedFile("1.pdf", PDF)]
        )
    assert not SupplementUpload.objects.exists() and not DigitizedDocument.objects.exists()


@pytest.mark.parametrize("case", ["type", "size", "empty"])
def test_bad_files_are_refused_and_nothing_is_saved(client, cast, waiting, settings, case):
    good = SimpleUploadedFile("ok.pdf", PDF)
    if case == "type":
        bad = SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho", content_type="application/pdf")
        expected = "không phải tài liệu PDF"
    elif case == "size":
        settings.MAX_UPLOAD_MB = 0
        bad = SimpleUploadedFile("big.pdf", PDF)
        expected = "vượt quá"
    else:
        bad = SimpleUploadedFile("empty.pdf", b"")
        expected = ""  # the form refuses it before the service (Django's own message)
    with pytest.raises(ValidationFailed):
        services.submit_supplement(
            waiting, actor=cast.citizen, applicant_proven=True, uploads=[good, bad]
        )
    as_applicant(client, waiting)
    response = post_files(client, waiting, SimpleUploadedFile("ok.pdf", PDF), bad)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not SupplementUpload.objects.exists() and not DigitizedDocument.objects.exists()
    assert not Dossier.objects.get(pk=waiting.pk).events.filter(action="submit_supplement").exists()


def test_the_hint_names_the_button_the_clerk_sees(client, cast, waiting):
    services.submit_supplement(
        waiting,
        actor=cast.citizen,
        uploads=[SimpleUploadedFile("giay-chung-sinh.pdf", PDF)],
        applicant_proven=True,
    )
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{waiting.code}/").content.decode()
    hint = page[: page.index('id="supplement-uploads"')]
    named = re.findall(r"khi chọn “([^”]+)”", hint)
    assert named == ["Nhận hồ sơ bổ sung"]
    assert f"<summary>{named[0]}</summary>" in page
