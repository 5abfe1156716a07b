"""The online supplement round trip in Chromium (issue 16, point 2): the clerk asks for a
supplement in the staff UI; the citizen, looked up on the status page, uploads the paper; the
clerk sees it on the dossier page, opens it and receives the supplement with it."""

from __future__ import annotations

import re

import pytest

from cchc.dossiers.models import Dossier, Status, SupplementUpload
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import make_cast

from .test_browser import open_action, sign_in, sign_out

pytestmark = [pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_online_supplement_round_trip_in_the_browser(transactional_db, browser_page, tmp_path):
    cast = make_cast()
    dossier = counter_dossier(
        cast, Applicant(name="Lê Văn Cường", id_hash="c" * 64, id_last4="2345")
    )
    page = browser_page

    # 1. the clerk asks for a supplement on the staff dossier page
    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    form = open_action(page, "request_supplement")
    form.locator("textarea[name=request_supplement-reason]").fill("Thiếu giấy chứng sinh")
    page.shot("request-supplement")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#dossier-status:has-text('bổ sung')")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT
    sign_out(page)

    # 2. the citizen looks the dossier up and uploads the paper on the status page
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/lookup/?code={dossier.code}")
    page.fill("input[name=id_last4]", "2345")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/lookup/.+/$"))
    assert "Thiếu giấy chứng sinh" in page.content()
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#supplement input[type=file][name=files]", str(scan))
    page.shot("citizen-upload")
    with page.expect_response(
        lambda r: r.request.method == "POST" and f"/{dossier.code}/" in r.url
    ) as response:
        page.click("#send-supplement")
    assert response.value.status == 302, response.value.status
    page.wait_for_selector("#supplement-sent:has-text('giay-chung-sinh.pdf')")
    page.shot("citizen-sent")
    upload = SupplementUpload.objects.get(dossier=dossier)
    assert upload.received_at is None

    # 3. the clerk sees it on the dossier page and opens it
    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    link = page.locator("#supplement-uploads a", has_text="giay-chung-sinh.pdf")
    href = link.get_attribute("href")
    assert href == f"/staff/dossiers/{dossier.code}/documents/{upload.document_id}/"
    page.shot("clerk-sees-upload")
    opened = page.request.get(page.base_url + href)  # the signed-in browser's own cookies
    assert opened.status == 200 and opened.body() == PDF

    # 4. and receives the supplement with it
    form = open_action(page, "receive_supplement")
    form.locator("textarea[name=receive_supplement-note]").fill("Đã đủ giấy tờ")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#documents a:has-text('giay-chung-sinh.pdf')")
    page.shot("supplement-received")
    assert not page.locator("#supplement-uploads").count()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING
    assert [d.document_id for d in dossier.documents.all()] == [upload.document_id]
    assert dossier.has_digitized_components
    assert list(dossier.events.values_list("action", flat=True)) == [
        "receive",
        "request_supplement",
        "submit_supplement",
        "receive_supplement",
    ]
    # the document opened from the documents list is the citizen's file
    href = page.locator("#documents a", has_text="giay-chung-sinh.pdf").get_attribute("href")
    assert page.request.get(page.base_url + href).body() == PDF
