"""Counter intake for an organisation or business: the clerk records it under its tax code
(checked like online sign-up's), and the receipt, form 01 and the status look-up follow."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cchc.accounts.models import hash_national_id
from cchc.dossiers.models import ApplicantKind, Dossier
from cchc.dossiers.tests.test_views import intake_data
from cchc.paperwork.tests.test_pdf_forms import NEEDS_FONT

pytestmark = pytest.mark.django_db

TAX_CODE = "0100233488-001"


def organisation(cast, **over):
    org = {
        "applicant_kind": ApplicantKind.ORGANISATION,
        "applicant_name": "Công ty TNHH Sao Mai",
        "applicant_id": "",
        "applicant_tax_code": "0100233488001",  # a branch typed without its dash
    }
    return intake_data(cast, **{**org, **over})


@NEEDS_FONT
def test_a_clerk_receives_a_business_dossier_under_its_tax_code(client, cast):
    client.force_login(cast.clerk_a)
    page = client.get("/staff/intake/").content.decode()
    assert 'name="applicant_kind"' in page and "Tổ chức" in page
    resp = client.post("/staff/intake/", organisation(cast))
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.ORGANISATION
    assert dossier.applicant_tax_code == TAX_CODE
    # keyed like a citizen ID, as online submission does: the look-up takes the last 4 digits
    assert dossier.applicant_id_hash == hash_national_id(TAX_CODE)
    assert dossier.applicant_id_last4 == "8001"
    receipt = client.get(resp["Location"]).content.decode()
    assert TAX_CODE in receipt
    form = client.get(f"/forms/{dossier.code}/01.pdf")
    pages = PdfReader(io.BytesIO(form.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Tổ chức: Công ty TNHH Sao Mai" in text and f"Mã số thuế: {TAX_CODE}" in text
    assert "Ông/Bà: Công ty" not in text


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"applicant_tax_code": ""}, "applicant_tax_code", "Hãy nhập mã số thuế"),
        ({"applicant_tax_code": "0100233489"}, "applicant_tax_code", "không hợp lệ"),
        ({"applicant_id": "001099012345"}, "applicant_id", "để trống số định danh"),
    ],
)
def test_an_organisation_intake_is_checked_and_nothing_typed_is_lost(
    client, cast, over, field, message
):
    client.force_login(cast.clerk_a)
    resp = client.post("/staff/intake/", organisation(cast, **over))
    page = resp.content.decode()
    assert resp.status_code == 200 and not Dossier.objects.exists()
    assert message in page and f'id="id_{field}"' in page
    assert "Công ty TNHH Sao Mai" in page


def test_a_tax_code_typed_for_a_person_is_pointed_out(client, cast):
    client.force_login(cast.clerk_a)
    resp = client.post("/staff/intake/", intake_data(cast, applicant_tax_code="0100233488"))
    assert resp.status_code == 200 and not Dossier.objects.exists()
    assert "Tổ chức, doanh nghiệp" in resp.content.decode()


def test_a_person_is_still_the_default(client, cast):
    client.force_login(cast.clerk_a)
    assert client.post("/staff/intake/", intake_data(cast)).status_code == 302
    assert Dossier.objects.get().applicant_kind == ApplicantKind.PERSON
