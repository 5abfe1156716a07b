"""The earlier documents the online form offers for reuse: each once, under the component it
fits (it was filed earlier as a component of that name), named for a person (what it is,
the day, the dossier) instead of its file name; the others once, apart, with a choice of
component that the submission honours."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.catalogue.models import RequiredDocument
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.portal import services
from cchc.testing import ProcedureFactory

from .conftest import PDF
from .test_submission import fields

pytestmark = pytest.mark.django_db


def _scan(citizen, name: str):  # type: ignore[no-untyped-def]
    return services.store_upload(
        upload=SimpleUploadedFile(name, PDF),
        owner_id_hash=citizen.national_id_hash,
        actor=citizen,
    )


@pytest.fixture
def components(cast):
    """The cast's procedure with two components: "Tờ khai" and an ID card copy."""
    form = RequiredDocument.objects.get(procedure=cast.procedure, order=1)
    id_copy = RequiredDocument.objects.create(
        procedure=cast.procedure, order=2, name="Bản sao giấy tờ tùy thân", mandatory=False
    )
    return form, id_copy


@pytest.fixture
def earlier(cast, citizen, returned, components):
    """The citizen's earlier dossiers held three scans: a declaration and an ID copy (filed as
    components named like this procedure's, one written differently) and a paper filed under
    no component."""
    form, _id_copy = components
    # the ID copy was a component of another procedure, its name written differently
    other = RequiredDocument.objects.create(
        procedure=ProcedureFactory(code="1.009999", name="Đăng ký kết hôn"),
        order=1,
        name="  BẢN SAO giấy tờ  tùy thân ",
    )
    declaration, id_card, loose = (
        _scan(citizen, "scan_0001.pdf"),
        _scan(citizen, "IMG_20260302.pdf"),
        _scan(citizen, "giay-to-khac.pdf"),
    )
    DossierDocument.objects.create(dossier=returned, document=declaration, required_document=form)
    DossierDocument.objects.create(dossier=returned, document=id_card, required_document=other)
    DossierDocument.objects.create(dossier=returned, document=loose)
    return {"declaration": declaration, "id_card": id_card, "loose": loose}


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="\d+">([^<]*)</option>', select.group(1))


def test_each_earlier_document_is_offered_once_under_the_component_it_fits(
    client, cast, citizen, components, earlier, returned
):
    form, id_copy = components
    client.force_login(citizen)
    page = client.get(reverse("portal:submit", args=[cast.procedure.code])).content.decode()
    declaration = _options(page, f"reuse_{form.pk}")
    id_copies = _options(page, f"reuse_{id_copy.pk}")
    assert len(declaration) == 1 and len(id_copies) == 1, (declaration, id_copies)
    # a human name: what the paper is, from which procedure, the day and the dossier; never
    # the file name
    assert declaration[0].startswith(f"Tờ khai ({cast.procedure.name}), ")
    assert "tùy thân" in id_copies[0] and f"kèm hồ sơ {returned.code}" in id_copies[0]
    assert re.search(r", \d\d/\d\d/\d{4}, kèm hồ sơ ", declaration[0]), declaration
    for file_name in ("scan_0001.pdf", "IMG_20260302.pdf"):
        assert file_name not in page
    # each document is offered in one place on the page (one option or one select of its own)
    reuse_lists = "".join(re.findall(r'<select name="reuse_\d+">.*?</select>', page, re.S))
    for doc in earlier.values():
        offered = re.findall(rf'<option value="{doc.pk}">', reuse_lists)
        offered += re.findall(rf'name="reuse_other_{doc.pk}"', page)
        assert len(offered) == 1, (doc.name, offered)


def test_a_document_filed_under_no_component_is_offered_once_apart_and_reused_where_chosen(
    client, cast, citizen, components, earlier
):
    form, id_copy = components
    client.force_login(citizen)
    url = reverse("portal:submit", args=[cast.procedure.code])
    response = client.get(url)
    others = response.context["other_reusable"]
    assert [offer.document for offer in others] == [earlier["loose"]]
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    response = client.post(
        url,
        {
            **fields(cast),
            "action": "submit",
            f"file_{form.pk}": upload,
            f"reuse_other_{earlier['loose'].pk}": str(id_copy.pk),
        },
    )
    refused = re.findall(r'class="form-error"[^>]*>([^<]*)', response.content.decode())
    assert response.status_code == 302, refused
    dossier = Dossier.objects.get(applicant=citizen, documents__reused=True)
    reused = dossier.documents.get(reused=True)
    assert reused.document == earlier["loose"] and reused.required_document == id_copy
