"""Organisations and businesses (tổ chức, doanh nghiệp): sign-up under a tax code, the account
page, online submission in the organisation's name, the staff page and the status look-up,
and the notice when a procedure is for individuals only."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import (
    AccountEvent,
    ApiToken,
    User,
    hash_national_id,
    users_by_contact,
)
from cchc.catalogue.models import RequiredDocument
from cchc.core.errors import ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.dossiers.models import ApplicantKind, Dossier
from cchc.portal import services
from cchc.portal.validators import clean_tax_code

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

TAX_CODE = "0100233488"
ORGANISATION = {
    "organisation_name": "Công ty TNHH Sao Mai",
    "tax_code": TAX_CODE,
    "full_name": "Lê Văn Hùng",
    "email": "hung@saomai.vn",
    "phone": "",
    "password": "mật-khẩu-dài-2026",
    "password2": "mật-khẩu-dài-2026",
}
SIGNUP_URL = reverse("portal:signup") + "?as=organisation"


def _code_from_mail() -> str:
    run_jobs()  # the code is sent by the job runner, after the request
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


# -- the tax code ------------------------------------------------------------------------
def test_check_digit_matches_the_published_worked_example():
    # 010004751 -> 6 (the example vn-ident quotes from the tax circular)
    assert clean_tax_code("0100047516") == "0100047516"
    for wrong in "0123456789":
        if wrong != "6":
            with pytest.raises(ValidationFailed):
                clean_tax_code("010004751" + wrong)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("0100233488", "0100233488"),
        ("0100 233 488", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0100233488-001", "0100233488-001"),
        ("0100233488001", "0100233488-001"),  # a branch typed without its dash
    ],
)
def test_tax_code_formats_accepted(raw, clean):
    assert clean_tax_code(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "0100233489",  # wrong check digit
        "0100233487",
        "010023348",  # 9 digits
        "01002334881",  # 11 digits
        "0100233488-000",  # branch 000 does not exist
        "0100233488-01",
        "01000000001",
        "abcdefghij",
        "",
    ],
)
def test_tax_code_refused(raw):
    with pytest.raises(ValidationFailed):
        clean_tax_code(raw)


# -- sign-up -------------------------------------------------------------------------------
def test_signup_page_offers_individual_and_organisation(client):
    with translation.override("vi"):
        page = client.get(reverse("portal:signup")).content.decode()
        assert "Cá nhân" in page and "Tổ chức, doanh nghiệp" in page
        org_page = client.get(SIGNUP_URL).content.decode()
    assert 'name="tax_code"' in org_page and 'name="organisation_name"' in org_page
    assert 'name="national_id"' not in org_page
    assert "Họ và tên người liên hệ" in org_page


def test_organisation_signs_up_confirms_the_code_and_sees_itself(transactional_db, client):
    response = client.post(SIGNUP_URL, ORGANISATION)
    assert response.status_code == 302 and response.url == reverse("portal:verify")
    user = users_by_contact("hung@saomai.vn").get()
    assert not user.is_active and user.kind == User.Kind.CITIZEN and user.is_organisation
    assert (user.organisation_name, user.tax_code, user.full_name) == (
        "Công ty TNHH Sao Mai",
        TAX_CODE,
        "Lê Văn Hùng",
    )
    assert user.national_id_hash == "" and user.applicant_id_hash == hash_national_id(TAX_CODE)
    assert not AccountEvent.objects.filter(user=user).exists()  # nothing confirmed yet
    response = client.post(reverse("portal:verify"), {"code": _code_from_mail()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_verified
    event = AccountEvent.objects.get(user=user)
    assert event.action == "signup" and event.actor == user
    assert event.data["applicant"] == "ORGANISATION" and event.data["tax_code"] == TAX_CODE
    with translation.override("vi"):
        account = client.get(reverse("accounts:me")).content.decode()
        mine = client.get(reverse("portal:my_dossiers")).content.decode()
    for page in (account, mine):
        assert "Công ty TNHH Sao Mai" in page and TAX_CODE in page and "Lê Văn Hùng" in page
    assert "Mã số thuế" in account and "Người liên hệ" in account
    assert "Số định danh" not in account  # a citizen ID is not asked of an organisation


def test_a_bad_tax_code_is_said_in_vietnamese_and_nothing_typed_is_lost(client):
    with translation.override("vi"):
        response = client.post(SIGNUP_URL, {**ORGANISATION, "tax_code": "0100233489"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"tax_code"}
    assert "Mã số thuế không hợp lệ" in " ".join(form.errors["tax_code"])
    page = response.content.decode()
    assert 'value="Công ty TNHH Sao Mai"' in page and 'value="0100233489"' in page
    assert 'value="Lê Văn Hùng"' in page and 'value="hung@saomai.vn"' in page
    assert not User.objects.filter(tax_code__startswith="01002").exists()


def test_organisation_name_and_contact_person_are_required(client):
    with translation.override("vi"):
        response = client.post(
            SIGNUP_URL, {**ORGANISATION, "organisation_name": " ", "full_name": ""}
        )
    assert set(response.context["form"].errors) == {"organisation_name", "full_name"}
    with pytest.raises(ValidationFailed) as refused:
        services.start_organisation_signup(
            organisation_name="",
            tax_code=TAX_CODE,
            full_name="Lê Văn Hùng",
            email="a@b.vn",
            password="mật-khẩu-dài-2026",
        )
    assert refused.value.field == "organisation_name"


def test_a_second_signup_with_a_registered_tax_code_is_answered_like_a_citizens_duplicate(
    transactional_db, client
):
    client.post(SIGNUP_URL, ORGANISATION)
    client.post(reverse("portal:verify"), {"code": _code_from_mail()})
    client.logout()
    sent = len(mail.outbox)
    other = {**ORGANISATION, "organisation_name": "Công ty giả", "email": "gia@example.vn"}
    response = client.post(SIGNUP_URL, other)
    # the same answer as a new sign-up: the page never says who holds the tax code
    assert response.status_code == 302 and response.url == reverse("portal:verify")
    assert not users_by_contact("gia@example.vn").exists()
    assert User.objects.filter(tax_code=TAX_CODE).count() == 1
    # the holder is told by its own channel (by the job runner), no code went to the stranger
    assert len(mail.outbox) == sent
    run_jobs()
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == ["hung@saomai.vn"]
    assert "mã số thuế" in mail.outbox[-1].body or "tax code" in mail.outbox[-1].body
    page = client.get(reverse("portal:verify")).content.decode()
    assert "gi***@example.vn" in page


def test_two_pending_signups_of_one_tax_code_confirm_only_once(transactional_db):
    first = services.start_organisation_signup(
        organisation_name="Sao Mai",
        tax_code=TAX_CODE,
        full_name="Lê Văn Hùng",
        email="hung@saomai.vn",
        password="mật-khẩu-dài-2026",
    )
    first_code = _code_from_mail()
    second = services.start_organisation_signup(
        organisation_name="Sao Mai",
        tax_code=TAX_CODE,
        full_name="Trần Thu",
        email="thu@saomai.vn",
        password="mật-khẩu-dài-2026",
    )
    second_code = _code_from_mail()
    services.verify_code(user=first, code=first_code)
    with translation.override("vi"), pytest.raises(ValidationFailed, match="mã số thuế"):
        services.verify_code(user=second, code=second_code)
    second.refresh_from_db()
    assert not second.is_active
    assert User.objects.filter(tax_code=TAX_CODE, is_active=True).get() == first


# -- submission as the organisation ------------------------------------------------------
@pytest.fixture
def organisation(cast):
    user = User.objects.create_user(
        username="org-saomai",
        password="mật-khẩu-dài-2026",
        kind=User.Kind.CITIZEN,
        full_name="Lê Văn Hùng",
        organisation_name="Công ty TNHH Sao Mai",
        tax_code="0100233488-001",
        email="hung@saomai.vn",
        phone="0912000111",
        email_verified=True,
    )
    return user


def _submission(cast, **extra):
    rd = RequiredDocument.objects.get(procedure=cast.procedure, order=1)
    return {
        "applicant_name": "Công ty TNHH Sao Mai - Chi nhánh Hà Nội",
        "contact_person": "Lê Văn Hùng",
        "phone": "0912000111",
        "email": "hung@saomai.vn",
        "address": "12 Lý Thái Tổ, Hoàn Kiếm",
        "receiving_agency": str(cast.agency_a.pk),
        "request": "Cấp giấy phép",
        "action": "submit",
        f"file_{rd.pk}": SimpleUploadedFile("don.pdf", PDF, "application/pdf"),
        **extra,
    }


def test_the_draft_is_in_the_organisations_name_with_its_contact_person(client, cast, organisation):
    client.force_login(organisation)
    with translation.override("vi"):
        page = client.get(reverse("portal:submit", args=[cast.procedure.code])).content.decode()
    assert 'value="Công ty TNHH Sao Mai"' in page and 'value="Lê Văn Hùng"' in page
    assert "0100233488-001" in page and "Tên tổ chức, doanh nghiệp" in page
    assert "Số định danh" not in page


def test_organisation_submits_and_staff_status_lookup_and_my_dossiers_show_it(
    client, cast, organisation
):
    client.force_login(organisation)
    url = reverse("portal:submit", args=[cast.procedure.code])
    response = client.post(url, _submission(cast))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.applicant == organisation
    assert (
        dossier.applicant_kind == ApplicantKind.ORGANISATION and dossier.applicant_is_organisation
    )
    assert dossier.applicant_tax_code == "0100233488-001"
    assert dossier.applicant_name == "Công ty TNHH Sao Mai - Chi nhánh Hà Nội"
    assert dossier.applicant_id_hash == hash_national_id("0100233488-001")
    assert dossier.applicant_id_last4 == "8001"  # the last four digits, the dash left out
    assert dossier.details["contact_person"] == "Lê Văn Hùng"
    with translation.override("vi"):
        mine = client.get(reverse("portal:my_dossiers")).content.decode()
        status = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert dossier.code in mine and "0100233488-001" in mine
    assert "tổ chức, doanh nghiệp" in status and "0100233488-001" in status

    # the staff's page: the organisation, its tax code and the contact person
    client.force_login(cast.clerk_a)
    with translation.override("vi"):
        staff = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Tổ chức, doanh nghiệp" in staff and "0100233488-001" in staff
    assert "Lê Văn Hùng" in staff and "người liên hệ" in staff
    # the staff's search finds it by the tax code
    queue = client.get(reverse("dossiers:queue"), {"q": "0100233488-001", "queue": "all"})
    assert dossier.code in queue.content.decode()
    # and the API says who applied
    token = ApiToken.issue(cast.clerk_a, "test")[1]
    api = client.get(f"/api/v1/dossiers/{dossier.code}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200, api.content
    assert api.json()["applicant_kind"] == "ORGANISATION"
    assert api.json()["applicant_tax_code"] == "0100233488-001"

    # the status look-up by code and the tax code's last 4 digits, signed out
    client.logout()
    response = client.post(reverse("portal:lookup"), {"code": dossier.code, "id_last4": "8001"})
    assert response.status_code == 302 and response.url == reverse(
        "portal:dossier", args=[dossier.code]
    )


def test_organisation_submission_needs_its_contact_person(client, cast, organisation):
    client.force_login(organisation)
    url = reverse("portal:submit", args=[cast.procedure.code])
    with translation.override("vi"):
        response = client.post(url, _submission(cast, contact_person=" "))
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert "Vui lòng nhập họ và tên người liên hệ" in response.content.decode()


def test_a_citizens_submission_records_a_person(client, cast, citizen):
    client.force_login(citizen)
    url = reverse("portal:submit", args=[cast.procedure.code])
    response = client.post(url, _submission(cast, applicant_name="Nguyễn Văn Dân"))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.PERSON and dossier.applicant_tax_code == ""
    assert "contact_person" not in dossier.details


# -- who a procedure is for ----------------------------------------------------------------
def test_an_organisation_is_told_when_a_procedure_is_for_individuals(client, cast, organisation):
    assert cast.procedure.applicant_types == "Công dân Việt Nam"
    client.force_login(organisation)
    with translation.override("vi"):
        detail = client.get(reverse("portal:procedure", args=[cast.procedure.code]))
        form = client.get(reverse("portal:submit", args=[cast.procedure.code]))
    for response in (detail, form):
        page = response.content.decode()
        assert 'id="applicant-notice"' in page
        assert "Thủ tục này dành cho cá nhân" in page and "Công dân Việt Nam" in page
    # told, not stopped: the form is there
    assert form.status_code == 200 and 'name="applicant_name"' in form.content.decode()


def test_a_citizen_is_told_when_a_procedure_is_for_organisations(client, cast, citizen):
    client.force_login(citizen)
    url = reverse("portal:procedure", args=[cast.procedure.code])
    assert 'id="applicant-notice"' not in client.get(url).content.decode()
    cast.procedure.applicant_types = "Doanh nghiệp; Hợp tác xã"
    cast.procedure.save(update_fields=["applicant_types"])
    with translation.override("vi"):
        page = client.get(url).content.decode()
    assert "Thủ tục này dành cho tổ chức, doanh nghiệp" in page


def test_nobody_is_told_when_a_procedure_is_for_both(client, cast, organisation):
    cast.procedure.applicant_types = "Cá nhân, tổ chức"
    cast.procedure.save(update_fields=["applicant_types"])
    client.force_login(organisation)
    page = client.get(reverse("portal:procedure", args=[cast.procedure.code])).content.decode()
    assert 'id="applicant-notice"' not in page


def test_two_pending_signups_of_one_citizen_id_confirm_only_once(transactional_db):
    """The same guard for a person: before it, both pending accounts of one citizen ID could
    be confirmed, and the ID had two working accounts."""
    first = services.start_signup(
        full_name="Trần Thị Bình",
        email="binh@example.vn",
        national_id="079185001234",
        password="mật-khẩu-dài-2026",
    )
    first_code = _code_from_mail()
    second = services.start_signup(
        full_name="Trần Thị Bình",
        email="binh2@example.vn",
        national_id="079185001234",
        password="mật-khẩu-dài-2026",
    )
    second_code = _code_from_mail()
    services.verify_code(user=first, code=first_code)
    with translation.override("vi"), pytest.raises(ValidationFailed, match="số định danh"):
        services.verify_code(user=second, code=second_code)
    assert User.objects.filter(is_active=True, national_id_hash=first.national_id_hash).count() == 1
    assert AccountEvent.objects.get(user=first).data["applicant"] == "PERSON"


def test_my_dossiers_speaks_to_an_organisation_as_such(client, organisation, cast):
    """'Thông báo về hồ sơ của Ông/Bà' under a company's tax code read as a slip (demo walk)."""
    client.force_login(organisation)
    mine = client.get(reverse("portal:my_dossiers")).content.decode()
    assert "hồ sơ của tổ chức" in mine and "gửi cho tổ chức" in mine
    assert "Ông/Bà" not in mine[mine.index('id="notifications"') :]
    client.force_login(cast.citizen)
    assert "hồ sơ của Ông/Bà" in client.get(reverse("portal:my_dossiers")).content.decode()


def test_the_header_names_the_organisation_not_its_contact_person(client, organisation):
    client.force_login(organisation)
    header = client.get("/").content.decode().split("</header>")[0]
    assert "Công ty TNHH Sao Mai" in header and "Lê Văn Hùng" not in header


def test_an_organisation_opens_its_own_uploaded_paper_and_nobody_else_does(
    client, cast, organisation, citizen
):
    """A paper an organisation uploaded (kept under its tax code) opens for it, as a person's
    opens for them; it was refused because the check read the (empty) citizen ID."""
    paper = services.store_upload(
        upload=SimpleUploadedFile("giay-phep.pdf", PDF),
        owner_id_hash=organisation.applicant_id_hash,
        actor=organisation,
    )
    url = reverse("portal:document", args=[paper.pk])
    client.force_login(organisation)
    assert client.get(url).status_code == 200
    client.force_login(citizen)
    assert client.get(url).status_code == 404
