"""The counter intake offers a citizen's earlier documents as the online form does: each
once, under the component it was filed as, named for a person (what the paper is, the day,
the dossier it came with) rather than by its file name; a document that fits no component
is listed once, apart, with a choice of component (one-stop day walk: every earlier scan was
listed by file name with every component to choose from)."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.models import hash_national_id
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests import test_counter_documents
from cchc.dossiers.tests.test_counter_documents import (
    ID,
    PDF,
    complete_at_counter,
    intake_data,
    scan_of_birth_certificate,
)

components = test_counter_documents.components  # the fixture: three components


def offered(client, cast):
    client.force_login(cast.clerk_a)
    return client.get(
        "/staff/intake/",
        {"part": "reusable", "procedure": cast.procedure.pk, "applicant_id": ID},
        HTTP_HX_REQUEST="true",
    ).content.decode()


def test_each_earlier_document_is_offered_once_under_its_component(client, cast, components):
    form, paper, optional = components
    earlier = complete_at_counter(
        cast, components, "An", scans=scan_of_birth_certificate(components)
    )
    scan = earlier.documents.get().document
    # the result of the earlier dossier: it was filed as no component of this procedure
    result = services.store_document(
        upload=SimpleUploadedFile("ket-qua.pdf", PDF),
        owner_id_hash=hash_national_id(ID),
        actor=cast.clerk_a,
    )
    DossierDocument.objects.create(
        dossier=earlier, document=result, role=DossierDocument.Role.RESULT
    )
    page = offered(client, cast)
    day = scan.created_at.astimezone().strftime("%d/%m/%Y")
    # named for a person, not by its file name
    assert "giay-chung-sinh.pdf" not in page and "ket-qua.pdf" not in page
    assert f"Giấy chứng sinh ({cast.procedure.name}), {day}, kèm hồ sơ {earlier.code}" in page
    assert f"Kết quả: {cast.procedure.name}, {day}, kèm hồ sơ {earlier.code}" in page
    # the birth certificate once, under its component, offered for that component only
    assert page.count(f'name="reuse_{scan.pk}"') == 1
    box = re.search(rf'<input type="checkbox" name="reuse_{scan.pk}"[^>]*>', page)
    assert box is not None and f'value="{paper.pk}"' in box.group(0)
    group = page[page.index('class="reuse-component"') : page.index("</fieldset>")]
    assert "<legend>Giấy chứng sinh</legend>" in group and f"reuse_{scan.pk}" in group
    # the result once, apart, with every component to choose from
    assert page.count(f'name="reuse_{result.pk}"') == 1
    other = re.search(rf'<select name="reuse_{result.pk}".*?</select>', page, re.S)
    assert other is not None and 'class="reuse-others"' in page
    for component in components:
        assert f'<option value="{component.pk}"' in other.group(0)


def test_a_document_ticked_under_its_component_is_reused(client, cast, components):
    paper = components[1]
    earlier = complete_at_counter(
        cast, components, "An", scans=scan_of_birth_certificate(components)
    )
    scan = earlier.documents.get().document
    client.force_login(cast.clerk_a)
    data = intake_data(cast, components, **{f"reuse_{scan.pk}": str(paper.pk)})
    response = client.post("/staff/intake/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    dossier = Dossier.objects.exclude(pk=earlier.pk).get()
    reused = dossier.documents.get(reused=True)
    assert reused.document == scan and reused.required_document == paper
