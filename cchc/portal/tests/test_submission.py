"""Online submission: server-side drafts, checked uploads, reuse of earlier documents,
nothing lost on a bad upload or an expired session."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.catalogue.models import RequiredDocument
from cchc.core.actors import SYSTEM
from cchc.core.errors import NotPermitted
from cchc.dossiers.models import DigitizedDocument, Dossier, DossierDocument, Status
from cchc.portal import services
from cchc.portal.models import Draft

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_url(cast):
    return reverse("portal:submit", args=[cast.procedure.code])


def fields(cast, **extra):
    return {
        "applicant_name": "Nguyễn Văn Dân",
        "phone": "0912345678",
        "email": "dan@example.vn",
        "address": "1 Tràng Tiền, Hoàn Kiếm",
        "receiving_agency": str(cast.agency_a.pk),
        "request": "Đăng ký khai sinh cho con",
        **extra,
    }


def component(cast):
    return RequiredDocument.objects.get(procedure=cast.procedure, order=1)


def submit_with_the_form(client, cast, citizen, form_url, **changed):  # type: ignore[no-untyped-def]
    """The citizen submits the online form, its fields (`changed` where given) and the first
    required document as a PDF."""
    client.force_login(citizen)
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    return client.post(
        form_url,
        {**fields(cast, **changed), "action": "submit", f"file_{component(cast).pk}": upload},
    )


def test_submit_online_with_an_attachment_enters_the_agency_queue(client, cast, citizen, form_url):
    response = submit_with_the_form(client, cast, citizen, form_url)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert response.url == reverse("portal:dossier", args=[dossier.code])
    assert dossier.status == Status.SUBMITTED and dossier.channel == 2
    assert dossier.applicant == citizen and dossier.applicant_id_hash == citizen.national_id_hash
    assert (
        dossier.applicant_id_last4 == "2345"
        and dossier.details["request"] == "Đăng ký khai sinh cho con"
    )
    assert (
        Dossier.objects.filter(current_agency=cast.agency_a, status=Status.SUBMITTED).count() == 1
    )
    doc = DossierDocument.objects.get(dossier=dossier)
    assert (
        doc.required_document == component(cast)
        and not doc.reused
        and doc.document.content_type == "application/pdf"
    )
    assert dossier.has_digitized_components and not dossier.reused_digitized_data
    # the attachment is a line of the control slip, written by the dossier service
    assert dossier.events.filter(
        action="attach_document", actor=citizen, data__document=doc.document_id
    ).exists()
    assert Draft.objects.get().submitted_dossier == dossier


def test_rejected_upload_keeps_everything_else(client, cast, citizen, form_url):
    client.force_login(citizen)
    rd = component(cast)
    fake = SimpleUploadedFile("giay-to.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    response = client.post(form_url, {**fields(cast), "action": "submit", f"file_{rd.pk}": fake})
    assert response.status_code == 400
    page = response.content.decode()
    assert "giay-to.pdf" in page and 'value="1 Tràng Tiền, Hoàn Kiếm"' in page
    assert not Dossier.objects.exists()
    draft = Draft.objects.get(user=citizen)
    assert draft.data["address"] == "1 Tràng Tiền, Hoàn Kiếm" and not draft.attachments.exists()
    assert not DigitizedDocument.objects.exists()


def test_too_large_upload_is_refused(client, cast, citizen, form_url, settings):
    settings.MAX_UPLOAD_MB = 0
    client.force_login(citizen)
    rd = component(cast)
    response = client.post(
        form_url,
        {**fields(cast), "action": "save", f"file_{rd.pk}": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == 400 and not DigitizedDocument.objects.exists()


def test_missing_mandatory_document_is_reported_and_draft_kept(client, cast, citizen, form_url):
    client.force_login(citizen)
    response = client.post(form_url, {**fields(cast), "action": "submit"})
    assert response.status_code == 400
    assert f"doc_{component(cast).pk}" in response.context["errors"]
    assert (
        not Dossier.objects.exists()
        and Draft.objects.get().data["applicant_name"] == "Nguyễn Văn Dân"
    )


def test_saved_draft_is_restored_on_a_later_visit(client, cast, citizen, form_url):
    client.force_login(citizen)
    client.post(
        form_url,
        {
            **fields(cast, address="Số 5 ngõ 7"),
            "action": "save",
            f"file_{component(cast).pk}": SimpleUploadedFile("scan.png", PNG),
        },
    )
    client.logout()
    client.force_login(citizen)
    response = client.get(form_url)
    assert 'value="Số 5 ngõ 7"' in response.content.decode()
    assert response.context["components"][0]["attachment"].document.name == "scan.png"


def test_expired_session_mid_form_loses_nothing(client, cast, citizen, form_url):
    rd = component(cast)
    # Not signed in any more (session expired) when the form is posted.
    response = client.post(
        form_url,
        {
            **fields(cast, address="Địa chỉ gõ trước khi hết phiên"),
            "action": "submit",
            f"file_{rd.pk}": SimpleUploadedFile("to-khai.pdf", PDF),
        },
    )
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not Dossier.objects.exists()
    client.force_login(citizen)  # login keeps the anonymous session's data
    response = client.get(form_url)
    page = response.content.decode()
    assert 'value="Địa chỉ gõ trước khi hết phiên"' in page
    draft = Draft.objects.get(user=citizen)
    attachment = draft.attachments.get()
    assert attachment.document.owner_id_hash == citizen.national_id_hash
    response = client.post(form_url, {**draft.data, "action": "submit"})
    assert response.status_code == 302 and Dossier.objects.get().documents.count() == 1


def test_earlier_documents_of_the_same_person_are_reused(client, cast, citizen, form_url, returned):
    earlier = services.store_upload(
        upload=SimpleUploadedFile("cccd.pdf", PDF),
        owner_id_hash=citizen.national_id_hash,
        actor=citizen,
    )
    DossierDocument.objects.create(
        dossier=returned, document=earlier
    )  # fixture: part of an earlier dossier
    stranger = services.store_upload(
        upload=SimpleUploadedFile("other.pdf", PDF), owner_id_hash="x" * 64, actor=SYSTEM
    )
    DossierDocument.objects.create(dossier=returned, document=stranger)
    client.force_login(citizen)
    page = client.get(form_url)
    # filed under no component earlier: offered once, apart from the components
    assert [offer.document for offer in page.context["other_reusable"]] == [earlier]
    assert all(not row["reusable"] for row in page.context["components"])
    rd = component(cast)
    response = client.post(
        form_url, {**fields(cast), "action": "submit", f"reuse_{rd.pk}": str(earlier.pk)}
    )
    assert response.status_code == 302
    dossier = Dossier.objects.exclude(pk=returned.pk).get()
    link = dossier.documents.get()
    assert link.reused and link.document == earlier and dossier.reused_digitized_data
    assert DigitizedDocument.objects.count() == 2  # nothing re-uploaded


def _submitted_online(cast, citizen):  # type: ignore[no-untyped-def]
    """A dossier the citizen submitted online (not yet received)."""
    from cchc.dossiers import services as dossier_services

    return dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=citizen,
        applicant=dossier_services.Applicant(
            name="Dân", id_hash=citizen.national_id_hash, account=citizen
        ),
    )


def test_two_earlier_papers_of_one_name_are_told_apart_by_their_dossier(
    client, cast, citizen, form_url, returned
):
    """Two scans named alike ("cccd.pdf" twice) read the same in the list; each now names the
    dossier it came with, so the citizen picks the right one."""
    later = _submitted_online(cast, citizen)
    for dossier in (returned, later):
        scan = services.store_upload(
            upload=SimpleUploadedFile("cccd.pdf", PDF),
            owner_id_hash=citizen.national_id_hash,
            actor=citizen,
        )
        DossierDocument.objects.create(dossier=dossier, document=scan)
    client.force_login(citizen)
    page = client.get(form_url).content.decode()
    # filed under no component: each offered once, apart (reuse.offers), by its label
    options = re.findall(r"<label>(cccd\.pdf[^<]*)<select", page)
    assert len(options) == 2 and options[0] != options[1], options
    assert any(returned.code in o for o in options) and any(later.code in o for o in options)
    assert all("kèm hồ sơ" in o for o in options), options


def test_someone_elses_document_cannot_be_reused(cast, citizen, returned):
    from cchc.dossiers import services as dossier_services

    open_dossier = _submitted_online(cast, citizen)
    stranger = services.store_upload(
        upload=SimpleUploadedFile("other.pdf", PDF), owner_id_hash="x" * 64, actor=SYSTEM
    )
    with pytest.raises(NotPermitted):
        dossier_services.reuse_document(open_dossier, actor=citizen, document=stranger)
    assert not open_dossier.documents.exists()
    assert not open_dossier.events.filter(action="reuse_document").exists()


def test_only_the_owner_changes_a_draft(cast, citizen):
    draft = services.draft_for(user=citizen, procedure=cast.procedure)
    with pytest.raises(NotPermitted):
        services.save_draft(draft, actor=cast.clerk_a, data={"address": "x"})


def test_opening_the_form_stores_nothing_until_the_citizen_saves(client, cast, citizen, form_url):
    client.force_login(citizen)
    page = client.get(form_url)
    assert page.status_code == 200
    assert not Draft.objects.exists()
    html = page.content.decode()
    # the account's details are offered, and the agency list gets its search box
    assert citizen.full_name in html
    assert 'data-filterable="' in html and 'name="receiving_agency"' in html
    response = client.post(form_url, {**fields(cast), "action": "save"})
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.data["address"] == "1 Tràng Tiền, Hoàn Kiếm"
    again = client.get(form_url).content.decode()
    assert "1 Tràng Tiền, Hoàn Kiếm" in again
    assert Draft.objects.count() == 1


def test_two_tabs_saving_a_new_draft_make_one_draft(cast, citizen):
    first = services.draft_for(user=citizen, procedure=cast.procedure)
    second = services.draft_for(user=citizen, procedure=cast.procedure)
    assert first.pk is None and second.pk is None
    services.save_draft(first, actor=citizen, data={"address": "một"})
    services.save_draft(second, actor=citizen, data={"request": "hai"})
    draft = Draft.objects.get()
    assert draft.data["address"] == "một" and draft.data["request"] == "hai"


def test_the_online_form_submitted_again_makes_one_dossier(client, cast, citizen, form_url):
    """Back after submitting, then submit the same page again: the citizen is taken to the
    dossier already made, not given a second one; saving a draft is not held to its key."""
    import re

    client.force_login(citizen)
    key = re.findall(
        r'name="form_key" value="([0-9a-f]{32})"', client.get(form_url).content.decode()
    )
    assert len(key) == 1
    saved = {**fields(cast), "action": "save", "form_key": key[0]}
    assert client.post(form_url, saved).status_code == 302
    assert client.post(form_url, saved).status_code == 302  # a draft may be saved again
    rd = component(cast)

    def submit():
        upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
        sent = {**fields(cast), "action": "submit", "form_key": key[0], f"file_{rd.pk}": upload}
        return client.post(form_url, sent)

    first = submit()
    assert first.status_code == 302, first.content.decode()[:2000]
    again = submit()
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Dossier.objects.count() == 1
    assert "Biểu mẫu này đã được gửi" in client.get(again["Location"]).content.decode()


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_draft_submitted_meanwhile_leads_to_its_dossier_not_an_error_page(
    client, cast, citizen, form_url, monkeypatch, action
):
    """Another tab (or the first of two clicks) submitted the draft after this request had
    read it: saving it again is refused by the service, and the citizen is taken to the
    dossier it became, with a word, instead of a server error."""
    client.force_login(citizen)
    rd = component(cast)
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    first = client.post(form_url, {**fields(cast), "action": "submit", f"file_{rd.pk}": upload})
    assert first.status_code == 302
    draft = Draft.objects.get()
    dossier = draft.submitted_dossier
    stale = Draft.objects.get(pk=draft.pk)
    stale.submitted_dossier = None  # as read before the other tab submitted it
    monkeypatch.setattr(services, "draft_for", lambda **kwargs: stale)
    if action == "submit":  # submitted between this request's save and its submission
        monkeypatch.setattr(services, "save_draft", lambda draft, **kwargs: draft)
    response = client.post(form_url, {**fields(cast), "action": action})
    assert response.status_code == 302
    assert response.url == reverse("portal:dossier", args=[dossier.code])
    page = client.get(response.url).content.decode()
    assert dossier.code in page and "đã được nộp" in page
    assert Dossier.objects.count() == 1


def test_a_refused_upload_also_says_the_agency_is_not_chosen(client, cast, citizen, form_url):
    """A bad file and no receiving agency: both are said on the first try (the page showed
    only the file's error, and the agency's came back on the next submission)."""
    client.force_login(citizen)
    rd = component(cast)
    fake = SimpleUploadedFile("giay-to.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    response = client.post(
        form_url,
        {**fields(cast, receiving_agency=""), "action": "submit", f"file_{rd.pk}": fake},
    )
    assert response.status_code == 400
    errors = response.context["errors"]
    assert errors["receiving_agency"] == "Vui lòng chọn cơ quan tiếp nhận hồ sơ."
    assert "giay-to.pdf" in errors[f"doc_{rd.pk}"]
    page = response.content.decode()
    assert "Vui lòng chọn cơ quan tiếp nhận hồ sơ." in page
    assert "Đăng ký khai sinh cho con" in page and not Dossier.objects.exists()


def test_the_one_agency_that_receives_the_procedure_is_chosen_already(
    client, cast, citizen, form_url
):
    """Only one agency receives the procedure: the form shows it chosen, with no "Choose…"
    in front of it (a company submitting to the one Department was refused for not
    choosing it)."""
    cast.procedure.agencies.set([cast.agency_a])
    client.force_login(citizen)
    field = client.get(form_url).context["applicant_form"]["receiving_agency"]
    assert field.field.choices == [(cast.agency_a.pk, cast.agency_a.name)]
    assert '<option value="">' not in str(field)


def test_a_procedure_no_agency_receives_says_so_before_the_form(client, cast, citizen, form_url):
    """No agency receives the procedure today: the procedure page says it cannot be
    submitted online and the form is not offered (it ended in a refusal over an empty list
    of agencies, with a "choose a valid choice" message)."""
    cast.procedure.agencies.clear()
    client.force_login(citizen)
    response = client.get(form_url, follow=True)
    assert response.redirect_chain == [
        (reverse("portal:procedure", args=[cast.procedure.code]), 302)
    ]
    page = response.content.decode()
    assert page.count("Hiện không có cơ quan nào tiếp nhận thủ tục này") == 2  # message, page
    assert form_url not in page
    assert not Draft.objects.exists()


def test_a_draft_naming_a_closed_agency_is_not_sent_there(client, cast, citizen, form_url):
    """The draft was saved with an agency closed since (merged away): the dossier is not
    sent to it, and the citizen is told once that it is no longer in the list."""
    import datetime as dt

    closed = cast.agency_b
    closed.valid_from, closed.valid_to = dt.date(2000, 1, 1), dt.date(2020, 1, 1)
    closed.save()
    response = submit_with_the_form(
        client, cast, citizen, form_url, receiving_agency=str(closed.pk)
    )
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert response.context["applicant_form"].errors["receiving_agency"] == [
        "Lựa chọn này không còn trong danh sách (đã sáp nhập, đổi tên hoặc bãi bỏ)."
    ]


def test_the_fields_a_submission_needs_are_marked_before_the_citizen_tries(
    client, cast, citizen, form_url
):
    # the form asked for name, phone, e-mail, address and agency alike, none marked; a citizen
    # who left the address empty (it looked as optional as the e-mail) was refused for it
    client.force_login(citizen)
    empty = fields(cast, applicant_name="", address="", receiving_agency="", phone="", email="")
    response = client.post(form_url, {**empty, "request": "", "action": "submit"})
    refused = {name for name in response.context["errors"] if not name.startswith("doc_")}
    assert {"applicant_name", "address", "receiving_agency"} <= refused
    page = client.get(form_url)
    form = page.context["applicant_form"]
    html = page.content.decode()
    for name in refused:
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S)
        assert label and '<span aria-hidden="true">*</span>' in label.group(1), name
        assert 'aria-required="true"' in str(form[name]), name
    for name in ("email", "phone", "request"):  # these may stay empty
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S)
        assert label and "*" not in label.group(1), name
