"""Documents at the counter (issue 16, point 2) and staff opening them (point 3).

The clerk ticks the procedure's components as handed in (original/copy/electronic), scans
them (several files), and may reuse the citizen's earlier digitised documents; every file
passes the one upload check, and a bad one leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from cchc.accounts.models import hash_national_id
from cchc.catalogue.models import RequiredDocument
from cchc.dossiers import services
from cchc.dossiers.models import (
    DigitizedDocument,
    Dossier,
    DossierDocument,
    ReceivedAs,
    ReceivedComponent,
)
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_views import intake_data as views_intake_data

pytestmark = pytest.mark.django_db

ID = "001099012345"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def components(cast):
    cast.procedure.required_documents.all().delete()  # the cast's own list: replaced here
    form = RequiredDocument.objects.create(
        procedure=cast.procedure, order=1, name="Tờ khai đăng ký khai sinh", mandatory=True
    )
    paper = RequiredDocument.objects.create(
        procedure=cast.procedure, order=2, name="Giấy chứng sinh", mandatory=True
    )
    optional = RequiredDocument.objects.create(
        procedure=cast.procedure, order=3, name="Giấy ủy quyền (nếu có)", mandatory=False
    )
    return form, paper, optional


def intake_data(cast, components, **over):
    """The counter form of the dossier views' tests, with this module's components: the
    form handed in electronically (two scans), the paper as a copy."""
    form, paper, _optional = components
    return views_intake_data(
        cast,
        **{
            "applicant_id": "001 099 012 345",  # typed with spaces
            "applicant_phone": "0912345678",
            "applicant_email": "",
            f"received_{form.pk}": ReceivedAs.ELECTRONIC,
            f"received_{paper.pk}": ReceivedAs.COPY,
            f"scan_{form.pk}": [
                SimpleUploadedFile("to-khai-1.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("to-khai-2.png", PNG, content_type="image/png"),
            ],
            **over,
        },
    )


def nothing_saved():
    assert not Dossier.objects.exists()
    assert not ReceivedComponent.objects.exists()
    assert not DossierDocument.objects.exists()
    assert not DigitizedDocument.objects.exists()


def test_the_intake_page_offers_the_checklist_and_camera_scans(client, cast, components):
    client.force_login(cast.clerk_a)
    part = client.get(
        "/staff/intake/",
        {"part": "checklist", "procedure": cast.procedure.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    for c in components:
        assert c.name in part and f'name="received_{c.pk}"' in part
    assert 'accept="image/*,application/pdf"' in part and "capture=" in part
    assert "multiple" in part


def test_counter_intake_records_the_checklist_and_keeps_each_scan(client, cast, components):
    form, paper, optional = components
    client.force_login(cast.clerk_a)
    response = client.post("/staff/intake/", intake_data(cast, components))
    assert response.status_code == 302, response.content.decode()[-2000:]
    dossier = Dossier.objects.get()
    lines = {(c.required_document_id, c.received_as) for c in dossier.checklist.all()}
    assert lines == {(form.pk, ReceivedAs.ELECTRONIC), (paper.pk, ReceivedAs.COPY)}
    links = list(dossier.documents.select_related("document").order_by("pk"))
    assert [link.document.name for link in links] == ["to-khai-1.pdf", "to-khai-2.png"]
    assert {link.document.content_type for link in links} == {"application/pdf", "image/png"}
    assert all(link.required_document == form and not link.reused for link in links)
    # each scan is a reusable document of this citizen (the ID typed with spaces, hashed whole)
    assert {link.document.owner_id_hash for link in links} == {hash_national_id(ID)}
    assert dossier.has_digitized_components and not dossier.reused_digitized_data
    actions = list(dossier.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["receive", "attach_document", "attach_document"]
    assert dossier.events.get(seq=1).data["checklist"] == [
        [form.pk, form.name, "ELECTRONIC"],
        [paper.pk, paper.name, "COPY"],
    ]


def test_form_01_lists_only_what_was_ticked(client, cast, components):
    from cchc.paperwork import builders, pdf

    font = Path(pdf.FONT_DIR) / "DejaVuSans.ttf"
    if not font.exists() and not os.environ.get("CI"):  # CI installs it (.ci/run)
        pytest.skip(f"Vietnamese font {font} missing (apt-get install fonts-dejavu-core)")
    form, paper, optional = components
    client.force_login(cast.clerk_a)
    client.post("/staff/intake/", intake_data(cast, components))
    dossier = Dossier.objects.get()
    content = builders.dossier_form(dossier, "01")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Tờ khai đăng ký khai sinh (bản điện tử)" in text
    assert "Giấy chứng sinh (bản sao)" in text
    assert optional.name not in text


def assert_refused(client, cast, data, message):
    """The clerk posts the counter form `data`: it comes back with `message`, nothing saved."""
    client.force_login(cast.clerk_a)
    response = client.post("/staff/intake/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    nothing_saved()


def test_a_missing_mandatory_component_is_refused_and_nothing_saved(client, cast, components):
    paper = components[1]
    data = intake_data(cast, components)
    del data[f"received_{paper.pk}"]
    assert_refused(client, cast, data, "Hồ sơ chưa đầy đủ")


def test_an_electronic_component_needs_its_file(client, cast, components):
    form = components[0]
    data = intake_data(cast, components, **{f"scan_{form.pk}": []})
    assert_refused(client, cast, data, "bản điện tử phải có tệp")


def test_a_scan_of_the_wrong_type_is_refused_and_nothing_saved(client, cast, components):
    form = components[0]
    bad = [
        SimpleUploadedFile("to-khai.pdf", PDF),
        SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
    ]
    data = intake_data(cast, components, **{f"scan_{form.pk}": bad})
    assert_refused(client, cast, data, "virus.pdf")


def test_a_scan_too_large_is_refused_and_nothing_saved(client, cast, components, settings):
    settings.MAX_UPLOAD_MB = 0  # any non-empty file is over the limit
    assert_refused(client, cast, intake_data(cast, components), "MB")


def complete_at_counter(cast, components, name, **documents):
    """A complete dossier of the person with ID number `ID` received at the counter (both
    mandatory components handed in as originals); `documents`: its scans or reused ones."""
    form, paper, _optional = components
    return counter_dossier(
        cast,
        Applicant(name=name, id_hash=hash_national_id(ID)),
        checklist=[(form, ReceivedAs.ORIGINAL), (paper, ReceivedAs.ORIGINAL)],
        **documents,
    )


def scan_of_birth_certificate(components):
    return [(components[1], SimpleUploadedFile("giay-chung-sinh.pdf", PDF))]


def test_the_clerk_reuses_the_citizens_earlier_documents(client, cast, components):
    paper = components[1]
    earlier_dossier = complete_at_counter(
        cast, components, "Nguyễn Văn An", scans=scan_of_birth_certificate(components)
    )
    earlier = earlier_dossier.documents.get().document
    client.force_login(cast.clerk_a)
    listed = client.get(
        "/staff/intake/",
        {"part": "reusable", "procedure": cast.procedure.pk, "applicant_id": ID},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # named for a person (what the paper is), no longer by its file name
    assert "Giấy chứng sinh (" in listed and f'name="reuse_{earlier.pk}"' in listed
    # named with the dossier it came with: two papers of one name are told apart
    assert f"kèm hồ sơ {earlier_dossier.code}" in listed
    data = intake_data(cast, components, **{f"reuse_{earlier.pk}": str(paper.pk)})
    response = client.post("/staff/intake/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    dossier = Dossier.objects.exclude(pk=earlier_dossier.pk).get()
    reused = dossier.documents.get(reused=True)
    assert reused.document == earlier and reused.required_document == paper
    assert dossier.reused_digitized_data
    assert dossier.events.filter(action="reuse_document").count() == 1
    assert DigitizedDocument.objects.count() == 3  # nothing re-uploaded for the reuse


def test_another_persons_document_cannot_be_reused_at_the_counter(cast, components):
    paper = components[1]
    stranger = services.store_document(
        upload=SimpleUploadedFile("x.pdf", PDF), owner_id_hash="b" * 64, actor=cast.clerk_a
    )
    with pytest.raises(services.NotPermitted):
        complete_at_counter(cast, components, "An", reused=[(paper, stranger)])
    assert not Dossier.objects.exists()


def test_staff_who_see_the_dossier_open_its_documents_others_do_not(client, cast, components):
    dossier = complete_at_counter(
        cast, components, "An", scans=scan_of_birth_certificate(components)
    )
    doc = dossier.documents.get().document
    url = f"/staff/dossiers/{dossier.code}/documents/{doc.pk}/"
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert url in page and "giay-chung-sinh.pdf" in page and "Giấy chứng sinh" in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    for other in (cast.clerk_b, cast.outsider):
        client.force_login(other)
        assert client.get(url).status_code in (403, 404)
    client.force_login(cast.clerk_a)
    other_doc = services.store_document(
        upload=SimpleUploadedFile("khac.pdf", PDF), owner_id_hash="", actor=cast.clerk_a
    )
    # a document that is not this dossier's is not reachable through its address
    assert (
        client.get(f"/staff/dossiers/{dossier.code}/documents/{other_doc.pk}/").status_code == 404
    )
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_refused_intake_names_the_scans_to_choose_again(client, cast, components):
    """A browser never puts chosen files back: the clerk is told which scans were not kept,
    beside their component (one-stop day walk: the scans vanished without a word, and the
    corrected form could be received without them)."""
    form, paper, _optional = components
    data = intake_data(cast, components, applicant_id="0010990123")  # ten digits
    client.force_login(cast.clerk_a)
    page = client.post("/staff/intake/", data).content.decode()
    nothing_saved()
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số" in page
    assert page.count('class="form-error scan-again"') == 1
    assert "chọn lại to-khai-1.pdf, to-khai-2.png" in page
    # a first visit, and a form sent back without files, say nothing of it
    assert "scan-again" not in client.get("/staff/intake/").content.decode()
    data[f"scan_{form.pk}"] = []
    assert "scan-again" not in client.post("/staff/intake/", data).content.decode()


def test_a_refused_intake_keeps_the_earlier_documents_chosen_for_reuse(client, cast, components):
    """One-stop day walk: the clerk chose the citizen's earlier birth certificate for reuse,
    the form came back for a mistyped phone number, and the choice was back at "do not
    reuse": corrected and sent again, the dossier was received without the document."""
    paper = components[1]
    earlier = (
        complete_at_counter(cast, components, "An", scans=scan_of_birth_certificate(components))
        .documents.get()
        .document
    )
    client.force_login(cast.clerk_a)
    data = intake_data(
        cast, components, applicant_phone="09", **{f"reuse_{earlier.pk}": str(paper.pk)}
    )
    page = client.post("/staff/intake/", data).content.decode()
    assert Dossier.objects.count() == 1  # the earlier one only: the form was refused
    # offered under its component (a tick box): still ticked for it
    chosen = re.search(rf'<input type="checkbox" name="reuse_{earlier.pk}"[^>]*>', page)
    assert chosen is not None
    assert f'value="{paper.pk}"' in chosen.group(0) and " checked" in chosen.group(0)
