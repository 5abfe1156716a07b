"""Demo dossiers carry documents (issue 16, point 9): the document seeding on a small set writes
checklists, scans and electronic results, and the 766 flags and index facts follow from them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.catalogue.models import RequiredDocument
from cchc.core.uploads import sniff
from cchc.demo.documents import demo_pdf, seed_dossier_documents
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierDocument, ReceivedComponent, Status
from cchc.dossiers.services import Applicant
from cchc.indices.models import DossierFact

pytestmark = pytest.mark.django_db


def _dossier(cast, name, *, returned=False, channel=1):
    d = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name=name, id_last4="2345"),
        actor=cast.clerk_a,
        channel=channel,
    )
    if returned:
        d = services.transfer(
            d,
            actor=cast.clerk_a,
            to_agency=cast.agency_b,
            assignee=cast.specialist_b,
            step_name="Thẩm định",
        )
        d = services.finish(d, actor=cast.specialist_b, note="Quyết định số 12/QĐ")
        d = services.return_result(d, actor=cast.clerk_a)
    return Dossier.objects.get(pk=d.pk)


@pytest.fixture
def components(cast):
    cast.procedure.required_documents.all().delete()
    return [
        RequiredDocument.objects.create(
            procedure=cast.procedure, order=1, name="Tờ khai đăng ký khai sinh", mandatory=True
        ),
        RequiredDocument.objects.create(
            procedure=cast.procedure, order=2, name="Giấy chứng sinh", mandatory=True
        ),
        RequiredDocument.objects.create(
            procedure=cast.procedure, order=3, name="Giấy ủy quyền (nếu có)", mandatory=False
        ),
    ]


def test_the_generated_pdf_passes_the_upload_check():
    content = demo_pdf("Kết quả", "Hồ sơ H26.100-261203-0001", "Nguyễn Thị Hoa")
    assert sniff(content[:16]) == ("application/pdf", ".pdf")
    assert b"Nguyen Thi Hoa" in content and content.rstrip().endswith(b"%%EOF")
    assert b"startxref\n%d\n" % content.index(b"xref\n0 ") in content


def test_seeding_writes_checklists_scans_results_and_the_flags_follow(
    cast, components, client, django_capture_on_commit_callbacks
):
    open_one = _dossier(cast, "Lê Văn Cường")
    returned = _dossier(cast, "Trần Thị Cúc", returned=True)
    online = _dossier(cast, "Phạm Văn Đông", channel=2)
    assert not (open_one.has_digitized_components or returned.has_electronic_result)
    with django_capture_on_commit_callbacks(execute=True):
        counts = seed_dossier_documents([open_one, returned, online])
    assert counts["dossiers"] == 3 and counts["results"] == 1

    for d in (open_one, returned, online):
        d.refresh_from_db()
        links = list(d.documents.select_related("document"))
        components_linked = {
            link.required_document_id
            for link in links
            if link.role == DossierDocument.Role.COMPONENT
        }
        # every mandatory component is scanned; each file is a real PDF of the storage
        assert {components[0].pk, components[1].pk} <= components_linked
        for link in links:
            with link.document.file.open("rb") as f:
                assert f.read(5) == b"%PDF-"
            assert link.document.size == link.document.file.size
        assert d.has_digitized_components and not d.reused_digitized_data
        fact = DossierFact.objects.get(dossier=d)
        assert fact.digitized and fact.electronic_result == d.has_electronic_result

    # the counter checklist: the mandatory lines at least; none for the online dossier
    lines = set(
        ReceivedComponent.objects.filter(dossier=open_one).values_list(
            "required_document_id", flat=True
        )
    )
    assert {components[0].pk, components[1].pk} <= lines
    assert not ReceivedComponent.objects.filter(dossier=online).exists()

    # the returned dossier's electronic result, and only it has one
    assert returned.status == Status.RETURNED and returned.has_electronic_result
    result = returned.documents.get(role=DossierDocument.Role.RESULT)
    assert returned.code in result.document.file.open("rb").read().decode("latin-1")
    assert not open_one.has_electronic_result
    assert DossierFact.objects.get(dossier=returned).electronic_result

    # the staff dossier page lists the documents and opens them
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{returned.code}/").content.decode()
    url = f"/staff/dossiers/{returned.code}/documents/{result.document_id}/"
    assert url in page
    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF-")
    # the citizen downloads the result of the returned dossier
    client.logout()
    client.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    response = client.get(reverse("portal:result", args=[returned.code]))
    assert response.status_code == 200

    # a second run leaves seeded dossiers alone
    assert seed_dossier_documents([open_one, returned])["documents"] == 0
