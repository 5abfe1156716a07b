"""In a real browser: a business signs up as an organisation (a mistyped tax code first,
nothing typed lost), confirms the code, is told the procedure is for individuals, submits in
its own name, and the clerk sees the organisation and its tax code."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from cchc.accounts.models import User
from cchc.core.jobs import run_jobs
from cchc.dossiers.models import ApplicantKind, Dossier

from .conftest import PDF
from .test_browser import sign_in, submit_request

pytestmark = pytest.mark.browser


def test_business_signs_up_and_submits_online(transactional_db, cast, browser_page, tmp_path):
    page = browser_page
    attachment = tmp_path / "don.pdf"
    attachment.write_bytes(PDF)

    page.goto(page.base_url + "/signup/")
    page.get_by_role("button", name="Tổ chức, doanh nghiệp").click()
    page.wait_for_url(re.compile(r"/signup/\?as=organisation$"))
    page.fill("input[name=organisation_name]", "Công ty TNHH Sao Mai")
    page.fill("input[name=tax_code]", "0100233489")  # one digit wrong
    page.fill("input[name=full_name]", "Lê Văn Hùng")
    page.fill("input[name=email]", "hung@saomai.vn")
    page.fill("input[name=password]", "mật-khẩu-dài-2026")
    page.fill("input[name=password2]", "mật-khẩu-dài-2026")
    page.get_by_role("button", name="Gửi mã xác thực").click()
    page.wait_for_load_state()
    assert "Mã số thuế không hợp lệ" in page.content()
    # what was typed is still there (the passwords are never sent back)
    assert page.input_value("input[name=organisation_name]") == "Công ty TNHH Sao Mai"
    assert page.input_value("input[name=full_name]") == "Lê Văn Hùng"
    assert page.input_value("input[name=tax_code]") == "0100233489"
    page.shot("signup-wrong-tax-code")
    page.fill("input[name=tax_code]", "0100233488")
    page.fill("input[name=password]", "mật-khẩu-dài-2026")
    page.fill("input[name=password2]", "mật-khẩu-dài-2026")
    page.get_by_role("button", name="Gửi mã xác thực").click()
    page.wait_for_url(re.compile(r"/signup/verify/$"))
    run_jobs()  # the code is sent by the job runner, after the request
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/my/$"))
    assert "Công ty TNHH Sao Mai" in page.inner_text("#my-organisation")
    assert "0100233488" in page.inner_text("#my-organisation")
    page.shot("my-dossiers")
    assert User.objects.get(tax_code="0100233488").is_active

    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/")
    assert "Thủ tục này dành cho cá nhân" in page.inner_text("#applicant-notice")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    assert page.input_value("input[name=applicant_name]") == "Công ty TNHH Sao Mai"
    assert page.input_value("input[name=contact_person]") == "Lê Văn Hùng"
    page.fill("input[name=address]", "12 Lý Thái Tổ, Hoàn Kiếm")
    page.select_option("select[name=receiving_agency]", str(cast.agency_a.pk))
    submit_request(page, "Cấp giấy phép kinh doanh", attachment)
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.ORGANISATION
    assert dossier.applicant_tax_code == "0100233488"
    assert "0100233488" in page.content()

    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    assert page.inner_text("#applicant-tax-code") == "0100233488"
    assert "Tổ chức, doanh nghiệp" in page.inner_text("#applicant")
    page.shot("staff-page")
