"""The electronic result (issue 16, point 2): attached at finish, downloaded by the citizen
after return; the 766 "electronic result" flag follows from the record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.errors import ValidationFailed
from cchc.dossiers import services
from cchc.dossiers.models import DigitizedDocument, DossierDocument, Status
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def received(cast):
    return counter_dossier(cast, Applicant(name="Phạm Thị Dung", id_hash="d" * 64, id_last4="2345"))


def test_the_specialist_attaches_the_result_and_the_citizen_downloads_it(client, cast, received):
    client.force_login(cast.specialist_a)
    response = client.post(
        f"/staff/dossiers/{received.code}/actions/finish/",
        {"finish-note": "Xong", "finish-result": SimpleUploadedFile("ket-qua.pdf", PDF)},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    received.refresh_from_db()
    assert received.status == Status.FINISHED and received.has_electronic_result
    link = DossierDocument.objects.get(dossier=received, role=DossierDocument.Role.RESULT)
    assert link.document.owner_id_hash == "d" * 64
    assert received.events.get(action="finish").data["result_document"] == link.document_id
    client.logout()
    client.post(reverse("portal:lookup"), {"code": received.code, "id_last4": "2345"})
    url = reverse("portal:result", args=[received.code])
    assert client.get(url).status_code == 404  # not before it is returned
    services.return_result(received, actor=cast.clerk_a)
    assert url in client.get(reverse("portal:dossier", args=[received.code])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 404  # not for someone who did not prove the ID


def test_finish_without_a_file_sets_no_electronic_result(client, cast, received):
    client.force_login(cast.specialist_a)
    client.post(f"/staff/dossiers/{received.code}/actions/finish/", {"finish-note": "Xong"})
    received.refresh_from_db()
    assert received.status == Status.FINISHED and not received.has_electronic_result


def test_a_result_that_is_not_a_pdf_is_refused_and_nothing_saved(cast, received):
    with pytest.raises(ValidationFailed):
        services.finish(
            received, actor=cast.specialist_a, result=SimpleUploadedFile("anh.png", PNG)
        )
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and not DigitizedDocument.objects.exists()


def test_a_bare_electronic_result_flag_is_refused_and_nothing_saved(cast, received):
    """Decision 766 counts results issued electronically: the flag is the record (a result
    file), never a claim without one."""
    with pytest.raises(ValidationFailed) as refused:
        services.finish(received, actor=cast.specialist_a, electronic_result=True)
    assert refused.value.field == "electronic_result"
    assert refused.value.message.startswith("Kết quả điện tử được ghi nhận bằng tệp kết quả")
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and not received.has_electronic_result
    assert not received.events.filter(action="finish").exists()
    # with the file, the same call records it, and the flag follows from the record
    done = services.finish(
        received,
        actor=cast.specialist_a,
        electronic_result=True,
        result=SimpleUploadedFile("ket-qua.pdf", PDF),
    )
    assert done.has_electronic_result
    assert DossierDocument.objects.filter(dossier=done, role=DossierDocument.Role.RESULT).exists()
