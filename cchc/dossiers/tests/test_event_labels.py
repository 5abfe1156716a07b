"""Every event of a dossier is shown by its name, never its stored code: on the citizen's
status page, on the staff page's history and (tested in cchc/paperwork) on the control slip."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.catalogue.models import RequiredDocument
from cchc.dossiers import services
from cchc.dossiers.models import EVENT_LABELS, DossierEvent
from cchc.dossiers.services import Applicant
from cchc.dossiers.state import ACTION_RULES
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODES = re.compile(
    r"\b(attach_document|reuse_document|submit_supplement|request_supplement|receive_supplement|evaluate)\b"
)


@pytest.fixture
def supplemented(cast):
    """Received at the counter with a scanned component, a supplement requested, sent online
    by the applicant and received by the clerk."""
    d = counter_dossier(cast, Applicant(name="Lê Văn Cường", id_hash="c" * 64, id_last4="2345"))
    doc = services.store_document(
        upload=SimpleUploadedFile("to-khai.pdf", PDF), owner_id_hash="c" * 64, actor=cast.clerk_a
    )
    services.attach_document(
        d,
        actor=cast.clerk_a,
        document=doc,
        required_document=RequiredDocument.objects.filter(procedure=cast.procedure).first(),
    )
    d = services.request_supplement(d, actor=cast.clerk_a, reason="Thiếu giấy chứng sinh")
    services.submit_supplement(
        d,
        actor=AnonymousUser(),
        uploads=[SimpleUploadedFile("giay-chung-sinh.pdf", PDF)],
        applicant_proven=True,
    )
    return services.receive_supplement(d, actor=cast.clerk_a)


def test_every_action_has_a_label():
    assert set(ACTION_RULES) | {"submit"} <= set(EVENT_LABELS)
    assert DossierEvent(action="attach_document").action_label() == "Đính kèm thành phần hồ sơ"


def test_staff_history_names_the_events(client, cast, supplemented):
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{supplemented.code}/").content.decode()
    start = page.index('id="timeline"')
    history = page[start : page.index("</ol>", start)]
    assert not CODES.search(history), CODES.search(history)
    assert "Đính kèm thành phần hồ sơ" in history
    assert "Yêu cầu bổ sung hồ sơ (tạm dừng tính thời gian)" in history


def test_citizen_timeline_names_the_events(client, cast, supplemented):
    response = client.post(
        reverse("portal:lookup"), {"code": supplemented.code, "id_last4": "2345"}
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:dossier", args=[supplemented.code])).content.decode()
    assert not CODES.search(page), CODES.search(page)
    assert "Người nộp gửi hồ sơ bổ sung trực tuyến" in page


def test_documents_say_what_they_are_not_only_their_file_name(client, cast, supplemented):
    d = services.finish(
        supplemented,
        actor=cast.specialist_a,
        result=SimpleUploadedFile("ok.pdf", PDF, "application/pdf"),
    )
    services.return_result(d, actor=cast.clerk_a)
    client.force_login(cast.clerk_a)
    staff = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    listing = staff[
        staff.index('id="documents"') : staff.index("</ul>", staff.index('id="documents"'))
    ]
    assert "Giấy tờ gửi bổ sung" in listing and "giay-chung-sinh.pdf" in listing
    assert "Kết quả giải quyết" in listing
    client.logout()
    client.post(reverse("portal:lookup"), {"code": d.code, "id_last4": "2345"})
    page = client.get(reverse("portal:dossier", args=[d.code])).content.decode()
    assert "ok.pdf: ok.pdf" not in page
    assert "Kết quả giải quyết: ok.pdf" in page
    assert "Giấy tờ gửi bổ sung: giay-chung-sinh.pdf" in page
