"""Blank forms of dossier components (issue 16, point 6): uploaded by the catalogue editor
through the shared upload check, downloadable from the public procedure and submission pages
once the procedure is published, and not before."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.catalogue import services
from cchc.catalogue.models import CatalogueChange, Procedure, RequiredDocument
from cchc.core.actors import SYSTEM
from cchc.core.errors import ValidationFailed
from cchc.demo.documents import blank_form_pdf, seed_form_templates
from cchc.testing import ProcedureFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_LIKE = b"PK\x03\x04" + b"\x00" * 64  # a ZIP (Word file): not accepted by the shared check


def _editor_post(procedure, component, **over):
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "processing_time": "3",
        "time_unit": "working_day",
        "online_level": procedure.online_level,
        "number_of_copies": "1",
        "applicant_types": procedure.applicant_types,
        "submission_means": procedure.submission_means,
        "steps_description": procedure.steps_description,
        "agencies": [a.pk for a in procedure.agencies.all()],
        "docs-TOTAL_FORMS": "1",
        "docs-INITIAL_FORMS": "1",
        "docs-MIN_NUM_FORMS": "0",
        "docs-MAX_NUM_FORMS": "1000",
        "docs-0-id": str(component.pk),
        "docs-0-name": component.name,
        "docs-0-copies": "1",
        "docs-0-mandatory": "on",
        "docs-0-form_name": "Mẫu tờ khai khai sinh",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        # the procedure is published: its edit names the amending decision
        "decision": "77/QĐ-UBND",
        "decided_on": "2026-03-02",
    }
    data.update(over)
    return data


def _upload_in_editor(client, cast, template):
    """The province administrator saves the procedure's edit page with `template` as the blank
    form of its one component: the response and that component."""
    procedure = cast.procedure
    component = procedure.required_documents.get()
    client.force_login(cast.province_admin)
    post = _editor_post(procedure, component, **{"docs-0-template": template})
    return client.post(f"/catalogue/{procedure.pk}/edit/", post), component


def _upload(procedure, content, name="to-khai.pdf"):
    component = procedure.required_documents.get()
    rows = [
        {
            "id": component.pk,
            "name": component.name,
            "copies": 1,
            "mandatory": True,
            "form_name": "Mẫu tờ khai",
            "template": SimpleUploadedFile(name, content),
        }
    ]
    return services.update_procedure(procedure, actor=SYSTEM, data={}, documents=rows)


def test_editor_uploads_a_template_and_the_public_pages_link_it(client, cast, settings):
    procedure = cast.procedure
    template = SimpleUploadedFile("tờ khai.pdf", PDF, content_type="text/plain")
    response, component = _upload_in_editor(client, cast, template)
    assert response.status_code == 302, response.content.decode()[:3000]
    component.refresh_from_db()
    assert component.has_template
    assert component.template_content_type == "application/pdf"
    # stored under the content's own extension, not the uploader's name
    assert component.template_file.name.endswith(".pdf")
    assert "tờ khai" not in component.template_file.name
    change = CatalogueChange.objects.filter(procedure=procedure).first()
    assert change is not None and change.data["templates"] == [component.name]

    client.logout()
    url = reverse("portal:procedure_template", args=[procedure.code, component.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    page = client.get(reverse("portal:procedure", args=[procedure.code])).content.decode()
    assert f'href="{url}"' in page

    client.force_login(cast.citizen)
    cast.citizen.set_national_id("001090012345")
    cast.citizen.save()
    submit_page = client.get(reverse("portal:submit", args=[procedure.code])).content.decode()
    assert f'href="{url}"' in submit_page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DOCX_LIKE, "Tệp mau.pdf không phải tài liệu PDF, JPEG hoặc PNG."),
        (b"%PDF-" + b"x" * (1024 * 1024 + 10), "Tệp mau.pdf vượt quá 1 MB."),
    ],
)
def test_wrong_type_or_size_is_refused_in_vietnamese_and_nothing_is_stored(
    client, cast, settings, content, message
):
    settings.MAX_UPLOAD_MB = 1
    template = SimpleUploadedFile("mau.pdf", content, content_type="application/pdf")
    response, component = _upload_in_editor(client, cast, template)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Thành phần hồ sơ thứ 1: {message}" in page, page[:4000]
    component.refresh_from_db()
    assert not component.has_template
    assert component.form_name == ""  # the whole edit was refused, nothing half-saved
    with pytest.raises(ValidationFailed) as refused:
        _upload(cast.procedure, content, name="mau.pdf")
    assert refused.value.message == f"Thành phần hồ sơ thứ 1: {message}"


def test_empty_template_is_refused_by_the_service(cast):
    with pytest.raises(ValidationFailed) as refused:
        _upload(cast.procedure, b"", name="mau.pdf")
    assert refused.value.message == "Thành phần hồ sơ thứ 1: Tệp mau.pdf không có nội dung."
    assert not cast.procedure.required_documents.get().has_template


def test_unpublished_procedure_template_is_not_public(client, cast):
    draft = ProcedureFactory(
        code="9.000001", status=Procedure.Status.DRAFT, agencies=[cast.agency_a]
    )
    _upload(draft, PDF)
    component = draft.required_documents.get()
    url = reverse("portal:procedure_template", args=[draft.code, component.pk])
    assert client.get(url).status_code == 404
    client.force_login(cast.citizen)
    assert client.get(url).status_code == 404
    client.force_login(cast.clerk_a)  # staff may read the whole catalogue, drafts too
    assert client.get(url).status_code == 200
    # the code in the address must be the component's own procedure
    client.logout()
    assert (
        client.get(
            reverse("portal:procedure_template", args=[cast.procedure.code, component.pk])
        ).status_code
        == 404
    )


def test_replacing_and_clearing_a_template(cast, django_capture_on_commit_callbacks):
    procedure = cast.procedure
    with django_capture_on_commit_callbacks(execute=True):
        _upload(procedure, PDF)
    component = procedure.required_documents.get()
    first = component.template_file.name
    storage = component.template_file.storage
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with django_capture_on_commit_callbacks(execute=True):
        _upload(procedure, png, name="scan.pdf")  # the name lies: the content decides
    component.refresh_from_db()
    assert component.template_content_type == "image/png"
    assert component.template_file.name.endswith(".png")
    assert not storage.exists(first)
    second = component.template_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.update_procedure(
            procedure,
            actor=SYSTEM,
            data={},
            documents=[
                {"id": component.pk, "name": component.name, "copies": 1, "clear_template": True}
            ],
        )
    component.refresh_from_db()
    assert not component.has_template and not storage.exists(second)


def test_demo_seed_gives_procedures_real_blank_forms(cast):
    RequiredDocument.objects.filter(procedure=cast.procedure).update(form_name="Mẫu tờ khai")
    assert seed_form_templates([cast.procedure], actor=SYSTEM) == 1
    component = cast.procedure.required_documents.get()
    assert component.template_content_type == "application/pdf"
    with component.template_file.open("rb") as fh:
        content = fh.read()
    assert content == blank_form_pdf(cast.procedure.name, "Mẫu tờ khai")
    assert content.startswith(b"%PDF-") and b"%%EOF" in content
    # a second seed run attaches nothing more
    assert seed_form_templates([cast.procedure], actor=SYSTEM) == 0
