"""In Chromium: a visitor downloads a component's blank form from the public procedure page,
and a signed-in citizen finds the same link on the submission page (issue 16, point 6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.catalogue import services as catalogue_services
from cchc.core.actors import SYSTEM
from cchc.demo.documents import blank_form_pdf

from .conftest import CITIZEN_ID

pytestmark = pytest.mark.browser


def test_the_blank_form_downloads_from_the_procedure_and_submission_pages(
    transactional_db, cast, browser_page
):
    page = browser_page
    procedure = cast.procedure
    component = procedure.required_documents.get()
    content = blank_form_pdf(procedure.name, "Mẫu tờ khai khai sinh")
    catalogue_services.update_procedure(
        procedure,
        actor=SYSTEM,
        data={},
        documents=[
            {
                "id": component.pk,
                "name": component.name,
                "copies": 1,
                "mandatory": True,
                "form_name": "Mẫu tờ khai khai sinh",
                "template": SimpleUploadedFile("to-khai.pdf", content),
            }
        ],
    )

    page.goto(f"{page.base_url}/procedures/{procedure.code}/")
    link = page.locator("a.template-link")
    assert "Mẫu tờ khai khai sinh" in link.inner_text()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Mẫu tờ khai khai sinh.pdf"
    with open(download.value.path(), "rb") as fh:
        assert fh.read() == content
    page.shot("procedure-page")

    citizen = cast.citizen
    citizen.set_national_id(CITIZEN_ID)
    citizen.save()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", "citizen")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/procedures/{procedure.code}/submit/")
    row = page.locator(f"#component-{component.pk}")
    assert row.locator("a.template-link").is_visible()
    page.shot("submission-page")
