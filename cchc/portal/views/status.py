"""A dossier's status for its applicant: the look-up by code and proof, the status page with its
timeline, pauses and payment request, and the files it offers (receipt, result, QR code,
documents)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from cchc.core import personal
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.dossiers import policies
from cchc.dossiers import queries as dossier_queries
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import (
    DigitizedDocument,
    Dossier,
    DossierDocument,
    DossierEvent,
    Evaluation,
    Status,
)
from cchc.dossiers.services import due_derivation
from cchc.dossiers.state import permitted
from cchc.portal import throttle
from cchc.portal.forms import LookupForm, SupplementForm, WithdrawForm
from cchc.portal.validators import normalise_phone

LOOKUP_SESSION_KEY = "portal_lookups"


def remember_lookup(request: HttpRequest, dossier: Dossier) -> None:
    codes = [c for c in request.session.get(LOOKUP_SESSION_KEY, []) if c != dossier.code][-19:]
    request.session[LOOKUP_SESSION_KEY] = [*codes, dossier.code]


def may_view_as_applicant(request: HttpRequest, dossier: Dossier) -> bool:
    """The applicant signed in, or someone who proved the code and the ID's last 4 digits
    (or the phone number) in this session."""
    if request.user.is_authenticated and dossier.applicant_id == request.user.pk:
        return True
    return dossier.code in request.session.get(LOOKUP_SESSION_KEY, [])


_NEVER = "\x00" * 4  # compared against when the dossier holds no such proof: never equal


def _proves_applicant(dossier: Dossier, data: dict[str, Any]) -> bool:
    """Every proof the citizen gave matches the dossier: the ID's last 4 digits and/or the
    phone number (normalised on both sides, so "+84 912 345 678" matches "0912345678").
    Both comparisons always run, in constant time, whether the dossier has the field or not."""
    last4, phone = data.get("id_last4") or "", data.get("phone") or ""
    id_ok = constant_time_compare(dossier.applicant_id_last4 or _NEVER, last4 or _NEVER[:3])
    phone_ok = constant_time_compare(
        normalise_phone(dossier.applicant_phone) or _NEVER, phone or _NEVER[:3]
    )
    return bool(last4 or phone) and (id_ok or not last4) and (phone_ok or not phone)


def proven_dossier(
    request: HttpRequest,
    form: LookupForm,
    dossiers: Any,
    show_form: Any,
) -> Dossier | HttpResponse:
    """The dossier of `dossiers` whose code and proof (the ID's last 4 digits and/or the
    phone number) `form` carries, or the form page (`show_form(status)`) with one answer for
    an unknown code, a wrong proof and a dossier outside `dossiers` alike. Wrong proofs are
    counted per dossier code (small limit: guessing one dossier's four digits) and per address
    (large limit: scanning many codes); see cchc/portal/throttle.py for the numbers and why.
    Shared by the public look-up and the counter kiosk, so both ask the same and count alike."""
    ip = throttle.client_ip(request)
    minutes = throttle.LOOKUP_WINDOW_SECONDS // 60
    if throttle.lookup_blocked(ip):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many unsuccessful look-ups from your connection. Please wait "
                "%(minutes)s minutes and try again."
            )
            % {"minutes": minutes},
        )
        return show_form(429)
    if not form.is_valid():
        return show_form(400)
    code = form.cleaned_data["code"].strip().upper()
    if throttle.lookup_code_blocked(code):
        form.add_error(
            None,
            _(
                "Too many unsuccessful look-ups of dossier %(code)s. To protect it, "
                "please wait %(minutes)s minutes and try again, or sign in to your "
                "account to see your dossiers."
            )
            % {"code": code, "minutes": minutes},
        )
        return show_form(429)
    if not throttle.code_request_allowed(request, code):
        return too_many(request)
    dossier = (
        dossiers.filter(code=code)
        .only("pk", "code", "applicant_id_last4", "applicant_phone")
        .first()
    )
    if dossier is not None and _proves_applicant(dossier, form.cleaned_data):
        return dossier
    throttle.record_lookup_failure(ip, code)
    # only for a complete request: an empty or partial one shows its field errors
    form.add_error(
        None,
        _(
            "No dossier matches this code and ID number or phone number. Please check them and try again."
        ),
    )
    return show_form(400)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Code + proof (see proven_dossier)."""
    if request.method == "POST":
        form = LookupForm(request.POST)
        found = proven_dossier(
            request,
            form,
            Dossier.objects.all(),
            lambda status: render(request, "portal/lookup.html", {"form": form}, status=status),
        )
        if isinstance(found, HttpResponse):
            return found
        remember_lookup(request, found)
        return redirect("portal:dossier", code=found.code)
    form = LookupForm(initial={"code": request.GET.get("code", "")})
    return render(request, "portal/lookup.html", {"form": form})


# Notes the applicant must read (what to supplement, why refused/late/stopped); other notes
# are internal hand-over remarks and stay with staff.
PUBLIC_NOTES = {"request_supplement", "refuse", "apologize", "stop", "withdraw"}


# The way a dossier goes, as the citizen sees it: the status row alone ("Mới đăng ký", no
# appointment yet) said neither how far it had come nor what was still ahead.
PROGRESS_STEPS = (
    pgettext_lazy("dossier progress step", "Submitted"),
    pgettext_lazy("dossier progress step", "Received"),
    pgettext_lazy("dossier progress step", "Being processed"),
    pgettext_lazy("dossier progress step", "Result ready"),
    pgettext_lazy("dossier progress step", "Result returned"),
)
_STEP_OF_STATUS = {
    Status.SUBMITTED: 0,
    Status.RECEIVED: 1,
    Status.PROCESSING: 2,
    Status.SUPPLEMENT: 2,
    Status.FINANCIAL: 2,
    Status.FINISHED: 3,
    Status.RETURNED: 4,
}


def progress_steps(dossier: Dossier) -> list[dict[str, Any]]:
    """The steps with the dossier's own marked: done, current or ahead; none for a dossier
    that left the way (refused, withdrawn, stopped), whose status says it all."""
    current = _STEP_OF_STATUS.get(Status(dossier.status))
    if current is None:
        return []
    return [
        {"label": label, "done": i < current, "current": i == current}
        for i, label in enumerate(PROGRESS_STEPS)
    ]


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """Status history by agency, without staff names (citizens see units, not people).
    A hand-over within one agency (from one of its staff to another) tells the citizen
    nothing and reads like a mistake ("UBND Phường Ba Đình → UBND Phường Ba Đình"): it is
    left out here, unless it is the step that moved the dossier on (received → being
    handled), which stays without the "→ same agency"; the staff history keeps them all."""
    rows = []
    for ev in dossier.events.select_related("agency", "target_agency").order_by("seq"):
        within = ev.action == "transfer" and ev.target_agency_id == ev.agency_id
        if within and ev.from_status == ev.to_status:
            continue
        rows.append(
            {
                "at": ev.at,
                "label": ev.action_label(),
                "agency": ev.agency.name if ev.agency else "",
                "target": ev.target_agency.name
                if ev.target_agency and ev.action == "transfer" and not within
                else "",
                "status": Status(ev.to_status).label,
                "note": ev.note if ev.action in PUBLIC_NOTES else "",
                "new_appointment": ev.data.get("new_appointment_at")
                if ev.action == "apologize"
                else None,
            }
        )
    return rows


def payment_request(dossier: Dossier) -> dict[str, Any] | None:
    """While the agency waits for the applicant's fees (status 6, nghĩa vụ tài chính): how
    much, asked when, and the clerk's note to the applicant (how and where to pay). The page
    said only the status's name, so the citizen could not know what to pay."""
    if dossier.status != Status.FINANCIAL:
        return None
    event = dossier.events.filter(action="request_payment").order_by("-seq").first()
    return {
        "amount": (event.data.get("amount") if event else None) or dossier.fee_amount,
        "at": event.at if event else None,
        "note": event.note if event else "",
    }


def supplement_pauses(dossier: Dossier) -> list[dict[str, Any]]:
    pauses: list[dict[str, Any]] = []
    for ev in dossier.events.order_by("seq").only("to_status", "at", "note", "data", "action"):
        if ev.to_status == Status.SUPPLEMENT and ev.action == "request_supplement":
            pauses.append({"from": ev.at, "to": None, "reason": ev.note})
        elif pauses and pauses[-1]["to"] is None and ev.to_status != Status.SUPPLEMENT:
            pauses[-1]["to"] = ev.at
    return pauses


def awaited_supplements(dossiers: list[Dossier]) -> dict[int, dict[str, Any]]:
    """For each of `dossiers` paused for the applicant's supplement: since when (the clock
    stands still, so its appointment is not a date to count on) and what the agency asked
    for (the last request's note). The status page and "My dossiers" showed the appointment
    as if the clock were running. One query for the whole list."""
    paused = {d.pk: d for d in dossiers if d.is_paused}
    if not paused:
        return {}
    asked = {
        ev.dossier_id: ev.note
        for ev in DossierEvent.objects.filter(
            dossier_id__in=paused, action="request_supplement"
        ).order_by("seq")
    }
    return {pk: {"since": d.paused_since, "awaited": asked.get(pk, "")} for pk, d in paused.items()}


def _parse_moment(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/too_many.html",
        {"minutes": throttle.CODE_WINDOW_SECONDS // 60},
        status=429,
    )


@require_http_methods(["GET", "POST"])
def dossier_status(request: HttpRequest, code: str) -> HttpResponse:
    if not throttle.code_request_allowed(request, code):
        return too_many(request)
    dossier = (
        Dossier.objects.select_related(
            "procedure", "receiving_agency", "receiving_place", "current_agency", "rule_version"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not may_view_as_applicant(request, dossier):
        messages.info(
            request, _("Enter the dossier code and the last 4 digits of the applicant's ID number.")
        )
        return redirect(f"{reverse('portal:lookup')}?{urlencode({'code': code})}")
    # the applicant signed in may withdraw a dossier the agency has not finished (the same
    # check as the service's): the other way out was a trip to the counter
    can_withdraw = permitted(dossier, "withdraw", request.user)
    withdrawing = request.method == "POST" and "withdraw" in request.POST
    withdraw_form = WithdrawForm(request.POST if withdrawing else None) if can_withdraw else None
    if withdraw_form is not None and withdrawing and withdraw_form.is_valid():
        try:
            dossier_services.withdraw(
                dossier, actor=request.user, reason=withdraw_form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(withdraw_form, exc)
        else:
            messages.success(
                request,
                _("Your dossier has been withdrawn. The agency will not process it further."),
            )
            return redirect(reverse("portal:dossier", args=[dossier.code]))
    supplement_form = SupplementForm(
        None if withdrawing else (request.POST or None), request.FILES or None
    )
    if request.method == "POST" and not withdrawing and supplement_form.is_valid():
        try:
            dossier_services.submit_supplement(
                dossier,
                actor=request.user,
                uploads=supplement_form.cleaned_data["files"],
                applicant_proven=True,  # may_view_as_applicant above
            )
        except DomainError as exc:
            add_domain_error(supplement_form, exc)
        else:
            messages.success(
                request,
                _("Your supplement has been sent. The agency will check it and let you know."),
            )
            return redirect(reverse("portal:dossier", args=[dossier.code]))
    derivation = due_derivation(dossier)
    issued = notices(dossier)
    letters = {n["seq"]: n for n in issued}
    apologies = [
        {
            "at": e.at,
            "reason": e.note,
            "new_appointment": _parse_moment(e.data.get("new_appointment_at")),
            # the signed letter (form 04), linked where the citizen reads of the apology
            "letter": letters.get(e.seq),
        }
        for e in dossier.events.filter(action="apologize").order_by("seq")
    ]
    return render(
        request,
        "portal/dossier.html",
        {
            "dossier": dossier,
            "derivation": derivation,
            "timeline": timeline(dossier),
            "steps": progress_steps(dossier),
            "pauses": supplement_pauses(dossier),
            "waiting": awaited_supplements([dossier]).get(dossier.pk),
            "apologies": apologies,
            "evaluation": Evaluation.objects.filter(dossier=dossier).first(),
            "payment_request": payment_request(dossier),
            "can_rate": dossier.status == Status.RETURNED,
            "has_receipt": dossier.received_at is not None,
            "notices": issued,
            "has_result_file": dossier.is_returned
            and dossier.documents.filter(role=DossierDocument.Role.RESULT).exists(),
            "documents": dossier_queries.dossier_documents(dossier),
            # the upload form while a supplement is awaited (and its answer to a late upload)
            "supplement_form": supplement_form
            if (dossier.is_paused or supplement_form.errors)
            else None,
            "withdraw_form": withdraw_form,
            "supplement_uploads": dossier.supplement_uploads.select_related("document").filter(
                received_at__isnull=True
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def result_file(request: HttpRequest, code: str) -> HttpResponse:
    """The electronic result, for the applicant once it has been returned (status 10)."""
    from django.http import FileResponse

    if not throttle.code_request_allowed(request, code):
        return too_many(request)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not may_view_as_applicant(request, dossier) or not dossier.is_returned:
        raise Http404
    link = (
        dossier.documents.filter(role=DossierDocument.Role.RESULT)
        .select_related("document")
        .order_by("-pk")
        .first()
    )
    if link is None:
        raise Http404
    doc = link.document
    return FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, filename=doc.name, as_attachment=True
    )


def dossier_qr(request: HttpRequest, code: str) -> HttpResponse:
    """QR code (SVG) that opens the lookup page with this dossier code filled in. Drawn for
    any well-formed code, existing or not: the picture tells nobody whether a code exists."""
    if not throttle.code_request_allowed(request, code):
        return too_many(request)
    if len(code) > 60 or not code.replace(".", "").replace("-", "").isalnum():
        raise Http404
    url = request.build_absolute_uri(reverse("portal:lookup")) + "?" + urlencode({"code": code})
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 for the applicant (signed in, or verified by code + ID in this session)."""
    return _applicant_form(request, code, "01", None)


def notice_pdf(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """A form the agency issued to the applicant for one event of the dossier (`?event=`):
    02 supplement request, 03 refusal, 04 apology with the new date, 05 notice of stopping.
    Circular 03/2025 has them given or sent to the applicant; an online applicant had only
    the line in the timeline, not the signed notice to keep."""
    from cchc.paperwork.builders import EVENT_FORMS

    if key not in EVENT_FORMS:
        raise Http404
    seq = request.GET.get("event", "")
    if (
        not seq.isdigit()
        or not Dossier.objects.filter(
            code=code, events__seq=int(seq), events__action=EVENT_FORMS[key]
        ).exists()
    ):
        raise Http404
    return _applicant_form(request, code, key, int(seq))


def _applicant_form(request: HttpRequest, code: str, key: str, seq: int | None) -> HttpResponse:
    from cchc.paperwork.views import pdf_response

    if not throttle.code_request_allowed(request, code):
        return too_many(request)
    dossier = get_object_or_404(Dossier, code=code)
    staff = policies.can_view(request.user, dossier)
    if not may_view_as_applicant(request, dossier) and not staff:
        raise Http404
    owner = request.user.is_authenticated and dossier.applicant_id == request.user.pk
    if not owner and not staff:
        mask_contact(dossier)  # code + four ID digits prove little: no address, phone, e-mail
    return pdf_response(request, dossier, key, seq)


def notices(dossier: Dossier) -> list[dict[str, Any]]:
    """The forms issued to the applicant so far (02, 03, 04, 05), one per event, oldest first,
    each named as printed on it ("Phiếu từ chối tiếp nhận giải quyết hồ sơ") with its day."""
    from cchc.paperwork.builders import EVENT_FORMS
    from cchc.paperwork.pdf import form_set

    titles = form_set(dossier.form_set)["forms"]
    form_of = {action: key for key, action in EVENT_FORMS.items() if key in titles}
    return [
        {
            "key": form_of[e.action],
            "title": titles[form_of[e.action]][1].capitalize(),
            "seq": e.seq,
            "at": e.at,
        }
        for e in dossier.events.filter(action__in=form_of).order_by("seq")
    ]


def mask_contact(dossier: Dossier) -> None:
    """Hide the applicant's address, phone and e-mail on this (unsaved) instance (the shared
    masks of cchc/core/personal.py)."""
    dossier.applicant_phone = personal.mask_phone(dossier.applicant_phone)
    dossier.applicant_email = personal.mask_email(dossier.applicant_email)
    dossier.applicant_address = personal.mask_address(dossier.applicant_address)


def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An attached document, for its owner or staff who can see a dossier that uses it."""
    from django.http import FileResponse

    doc = get_object_or_404(DigitizedDocument, pk=pk)
    user = request.user
    allowed = (
        user.is_authenticated
        and doc.owner_id_hash
        # the person's citizen ID or the organisation's tax code (an organisation's account
        # has no citizen ID: its own papers were refused it)
        and doc.owner_id_hash == getattr(user, "applicant_id_hash", None)
    )
    if not allowed:
        allowed = Dossier.objects.visible_to(user).filter(documents__document=doc).exists()
    if not allowed:
        raise Http404
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.name)
