"""Public portal: catalogue, agencies, citizen accounts, online submission, status lookup,
evaluation. Views are thin: they parse input, call services and render."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.agencies.models import Agency
from cchc.catalogue import services as catalogue_services
from cchc.catalogue.models import Field, Procedure, RequiredDocument
from cchc.core import personal
from cchc.core.collation import vietnamese_sort_key
from cchc.core.errors import DomainError, TransitionNotAllowed
from cchc.core.htmx import render_page
from cchc.core.idempotency import once_per_form
from cchc.core.rendering import add_domain_error
from cchc.core.text import fold
from cchc.dossiers import policies
from cchc.dossiers import queries as dossier_queries
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import DigitizedDocument, Dossier, DossierDocument, Evaluation, Status
from cchc.dossiers.services import due_derivation
from cchc.portal import kiosk, services, throttle
from cchc.portal.forms import (
    CodeForm,
    DraftApplicantForm,
    EvaluationForm,
    KioskProofForm,
    LookupForm,
    ProcedureFilterForm,
    SignupForm,
    SupplementForm,
)
from cchc.portal.models import Draft, Notification
from cchc.portal.validators import normalise_phone

User = get_user_model()
PAGE_SIZE = 20
LOOKUP_SESSION_KEY = "portal_lookups"
STASH_SESSION_KEY = "portal_stash"
SIGNUP_SESSION_KEY = "portal_signup_user"
SIGNUP_DECOY_KEY = "portal_signup_decoy"


# -- public catalogue ---------------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    procedures = Procedure.objects.published()
    context = {
        "procedure_count": procedures.count(),
        "online_count": procedures.filter(online_level="full").count(),
        "agency_count": Agency.objects.current()
        .filter(procedures__status=Procedure.Status.PUBLISHED)
        .distinct()
        .count(),
        "fields": Field.objects.filter(procedures__status=Procedure.Status.PUBLISHED)
        .annotate(n=Count("procedures", filter=Q(procedures__status=Procedure.Status.PUBLISHED)))
        .order_by("-n", "name")[:12],
    }
    return render(request, "portal/home.html", context)


def procedures(request: HttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None)
    qs = Procedure.objects.published().select_related("field")
    filters: dict[str, Any] = {}
    if form.is_bound:
        # every valid filter applies even when another is not (an agency merged since, a
        # too-long search): cleaned_data holds the valid ones, errors name the others
        form.is_valid()
        filters = form.cleaned_data
    if filters.get("q"):
        qs = qs.search(filters["q"])
    if filters.get("field"):
        qs = qs.filter(field_id=filters["field"])
    if filters.get("agency"):
        qs = qs.filter(agencies__id=filters["agency"])
    if filters.get("online"):
        qs = qs.filter(online_level=filters["online"])
    page = Paginator(qs.distinct().order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        # shown with the results, which htmx replaces without the form
        "ignored_filters": [
            {"label": form[name].label, "error": " ".join(errors)}
            for name, errors in form.errors.items()
            if name in form.fields
        ],
    }
    return render_page(
        request, "portal/procedure_list.html", context, fragment="portal/_procedure_results.html"
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.published().select_related("field"), code=code)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "documents": procedure.required_documents.all(),
            "steps": procedure.step_templates.all(),
            "agencies": in_vietnamese_order(procedure.agencies.current()),
        },
    )


def procedure_template(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The blank form of a dossier component: public once the procedure is published; before
    that (a draft, or withdrawn) only staff who may read the catalogue get it."""
    from django.http import FileResponse

    component = get_object_or_404(
        RequiredDocument.objects.select_related("procedure"), pk=pk, procedure__code=code
    )
    if not component.procedure.is_published and not catalogue_services.can_read(request.user):
        raise Http404
    if not component.has_template:
        raise Http404
    return FileResponse(
        component.template_file.open("rb"),
        content_type=component.template_content_type or "application/octet-stream",
        filename=component.template_download_name,
        as_attachment=True,
    )


def in_vietnamese_order(agencies: Any) -> list[Agency]:
    """Agencies in the order a Vietnamese reader looks a name up (Đống Đa with the D's, Ô Chợ
    Dừa with the O's), not the database's code-point order that puts Đ and Ô after Y."""
    return sorted(agencies, key=lambda agency: vietnamese_sort_key(agency.name))


def agencies(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    qs = Agency.objects.current().annotate(
        n=Count("procedures", filter=Q(procedures__status=Procedure.Status.PUBLISHED))
    )
    listed = in_vietnamese_order(qs)
    if q:
        # folded in Python: "ba dinh", "ba đình" and "BA ĐÌNH" all find "UBND Phường Ba Đình"
        # (the database's icontains folds only ASCII on SQLite, and no database drops the
        # tones); a province has a few hundred agencies
        words = fold(q).split()[:8]
        listed = [a for a in listed if all(w in fold(f"{a.name} {a.code}") for w in words)]
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/agency_list.html",
        {"page": page, "q": q, "query": urlencode({"q": q}) if q else ""},
    )


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    qs = agency.procedures.published().select_related("field").order_by("code")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/agency_detail.html", {"agency": agency, "page": page})


# -- accounts -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.start_signup(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                national_id=data["national_id"],
                password=data["password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if user is None:  # already registered: answered like a new sign-up
                request.session.pop(SIGNUP_SESSION_KEY, None)
                request.session[SIGNUP_DECOY_KEY] = {
                    "destination": _mask(data["email"] or data["phone"]),
                    "attempts": 0,
                }
            else:
                request.session.pop(SIGNUP_DECOY_KEY, None)
                request.session[SIGNUP_SESSION_KEY] = user.pk
            return redirect("portal:verify")
    return render(request, "portal/signup.html", {"form": form})


def _decoy_verify(request: HttpRequest, decoy: dict[str, Any]) -> HttpResponse:
    """The verify step of a sign-up whose address or ID already has an account: it looks and
    answers like the real one (codes are "wrong", then "too many"), and creates nothing."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        messages.success(request, _("A new code has been sent."))
        return redirect("portal:verify")
    if request.method == "POST" and form.is_valid():
        decoy["attempts"] = int(decoy.get("attempts", 0)) + 1
        request.session[SIGNUP_DECOY_KEY] = decoy
        left = services.CODE_MAX_ATTEMPTS - decoy["attempts"]
        form.add_error(
            "code",
            _("Wrong code. %(left)s attempt(s) left.") % {"left": left}
            if left > 0
            else _("Too many wrong codes. Please ask for a new one."),
        )
    return render(
        request, "portal/verify.html", {"form": form, "destination": decoy["destination"]}
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    decoy = request.session.get(SIGNUP_DECOY_KEY)
    if decoy and not request.session.get(SIGNUP_SESSION_KEY):
        return _decoy_verify(request, decoy)
    user = User.objects.filter(pk=request.session.get(SIGNUP_SESSION_KEY), is_active=False).first()
    if user is None:
        messages.info(request, _("Please create your account first."))
        return redirect("portal:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        try:
            services.send_code(user=user)
            messages.success(request, _("A new code has been sent."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("portal:verify")
    if request.method == "POST" and form.is_valid():
        try:
            user = services.verify_code(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("portal:my_dossiers")
    destination = user.email or user.phone
    return render(request, "portal/verify.html", {"form": form, "destination": _mask(destination)})


def _mask(destination: str) -> str:
    if "@" in destination:
        name, domain = destination.split("@", 1)
        return f"{name[:2]}***@{domain}"
    return f"******{destination[-4:]}"


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = (
        Dossier.objects.filter(applicant=request.user)
        .select_related("procedure")
        .order_by("-submitted_at")
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = Draft.objects.of(request.user).open().select_related("procedure")
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "page": page,
            "drafts": drafts,
            # the dossiers where the agency waits for the citizen: said in the list, not
            # only on each dossier's page
            "waiting_for_me": set(dossiers.waiting_supplement().values_list("pk", flat=True)),
            "notifications": notifications_of(request.user),
        },
    )


MY_NOTIFICATIONS = 10


def notifications_of(user: Any) -> list[Notification]:
    """The latest messages sent about the citizen's own dossiers, so an e-mail in spam or an
    SMS on a lost phone can still be read. One row per message: the same text went by e-mail
    and by SMS (cchc/portal/notifications.py queues it once per channel)."""
    rows = (
        Notification.objects.filter(dossier__applicant=user)
        .select_related("dossier")
        .order_by("-created_at", "-pk")[: MY_NOTIFICATIONS * 2]
    )
    seen: set[tuple[int | None, str, str]] = set()
    shown: list[Notification] = []
    for row in rows:
        key = (row.dossier_id, row.subject, row.body)
        if key not in seen:
            seen.add(key)
            shown.append(row)
    return shown[:MY_NOTIFICATIONS]


# -- online submission --------------------------------------------------------------------
def _stash_anonymous_post(request: HttpRequest, procedure: Procedure) -> None:
    """The session expired mid-form: keep what was entered (text and valid files) in the new
    anonymous session; after sign-in it is merged into the citizen's server-side draft."""
    stash = {
        "procedure": procedure.pk,
        "data": {k: request.POST.get(k, "") for k in services.DRAFT_FIELDS if k in request.POST},
        "files": {},
    }
    for key, upload in request.FILES.items():
        if not key.startswith("file_"):
            continue
        try:
            doc = services.store_upload(upload=upload, owner_id_hash="", actor=request.user)
        except DomainError:
            continue
        stash["files"][key[5:]] = doc.pk
    request.session[STASH_SESSION_KEY] = stash


def _restore_stash(request: HttpRequest, draft: Draft) -> Draft | None:
    """The draft with what the expired session had kept merged in (stored now), or None."""
    stash = request.session.get(STASH_SESSION_KEY)
    if not stash or stash.get("procedure") != draft.procedure_id:
        return None
    request.session.pop(STASH_SESSION_KEY, None)
    draft = services.save_draft(draft, actor=request.user, data=stash.get("data", {}))
    for component_id, doc_pk in stash.get("files", {}).items():
        services.adopt_stashed_upload(
            draft, actor=request.user, required_document_id=int(component_id), document_id=doc_pk
        )
    draft.refresh_from_db()
    return draft


def _process_documents(request: HttpRequest, draft: Draft) -> dict[str, str]:
    errors: dict[str, str] = {}
    for component in draft.procedure.required_documents.all():
        key = str(component.pk)
        try:
            if request.POST.get(f"remove_{key}"):
                services.remove_draft_attachment(
                    draft, actor=request.user, required_document_id=component.pk
                )
            upload = request.FILES.get(f"file_{key}")
            if upload is not None:
                services.add_draft_upload(
                    draft, actor=request.user, required_document_id=component.pk, upload=upload
                )
            elif request.POST.get(f"reuse_{key}"):
                services.add_draft_reuse(
                    draft,
                    actor=request.user,
                    required_document_id=component.pk,
                    document_id=int(request.POST[f"reuse_{key}"]),
                )
        except (DomainError, ValueError) as exc:
            errors[f"doc_{key}"] = getattr(exc, "message", _("Invalid choice."))
    return errors


def _submitting(request: HttpRequest) -> bool:
    """The online form's "submit" button (saving a draft may be sent again freely)."""
    return request.user.is_authenticated and request.POST.get("action") == "submit"


def _draft_gone(request: HttpRequest, draft: Draft, exc: DomainError) -> HttpResponse:
    """The draft can no longer be changed: it was submitted meanwhile (another tab, a double
    click racing the first). The citizen is taken to the dossier it became, or, if there is
    none, to the form again, with a word either way (never an error page)."""
    stored = Draft.objects.filter(pk=draft.pk).select_related("submitted_dossier").first()
    dossier = stored.submitted_dossier if stored is not None else None
    if dossier is not None:
        _remember_lookup(request, dossier)
        messages.info(
            request,
            _("This form had already been submitted as dossier %(code)s: here it is.")
            % {"code": dossier.code},
        )
        return redirect("portal:dossier", code=dossier.code)
    messages.error(request, exc.message)
    return redirect("portal:submit", code=draft.procedure.code)


@require_http_methods(["GET", "POST"])
@once_per_form(when=_submitting)
def submit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.published(), code=code)
    if procedure.online_level == "none":
        messages.error(
            request,
            _("This procedure cannot be submitted online. Please go to the receiving address."),
        )
        return redirect("portal:procedure", code=code)
    if not request.user.is_authenticated:
        if request.method == "POST":
            _stash_anonymous_post(request, procedure)
            messages.warning(
                request,
                _(
                    "Your session has expired. Please sign in again: what you entered has been kept."
                ),
            )
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
    if not request.user.national_id_hash:
        messages.error(
            request, _("Online submission needs a citizen account with a verified citizen ID.")
        )
        return redirect("portal:procedure", code=code)
    draft = services.draft_for(user=request.user, procedure=procedure)
    restored = _restore_stash(request, draft)
    if restored is not None:
        draft = restored
        messages.info(request, _("What you entered before your session expired has been restored."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            draft = services.save_draft(draft, actor=request.user, data=request.POST)
        except DomainError as exc:
            # submitted meanwhile (another tab, a second click racing the first)
            return _draft_gone(request, draft, exc)
        # an over-long text is reported on its field, never cut (the draft keeps it whole)
        errors = {**services.draft_length_errors(draft.data), **_process_documents(request, draft)}
        if request.POST.get("action") == "submit" and not errors:
            try:
                dossier = services.submit_draft(draft, actor=request.user)
            except TransitionNotAllowed as exc:
                return _draft_gone(request, draft, exc)
            except DomainError as exc:
                errors = getattr(exc, "errors", None) or {"general": exc.message}
            else:
                _remember_lookup(request, dossier)
                messages.success(
                    request,
                    _("Dossier %(code)s has been submitted. Keep this code to follow it.")
                    % {"code": dossier.code},
                )
                return redirect("portal:dossier", code=dossier.code)
        if errors:
            messages.error(
                request,
                _("Please correct the items marked below. Everything you entered has been kept."),
            )
        elif request.POST.get("action") != "submit":
            messages.success(request, _("Draft saved."))
            return redirect("portal:submit", code=code)
    attachments = (
        {a.required_document_id: a for a in draft.attachments.select_related("document")}
        if draft.pk
        else {}
    )
    components = [
        {"component": c, "attachment": attachments.get(c.pk), "error": errors.get(f"doc_{c.pk}")}
        for c in procedure.required_documents.all()
    ]
    return render(
        request,
        "portal/submit.html",
        {
            "procedure": procedure,
            "draft": draft,
            "applicant_form": DraftApplicantForm(
                draft.data,
                agencies=procedure.agencies.current(),
                errors=errors,
            ),
            "errors": errors,
            "components": components,
            "reusable": services.reusable_documents(request.user)[:50],
            "MAX_UPLOAD_MB": settings.MAX_UPLOAD_MB,
        },
        status=400 if errors else 200,
    )


# -- status lookup ------------------------------------------------------------------------
def _remember_lookup(request: HttpRequest, dossier: Dossier) -> None:
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


def _proven_dossier(
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
        return _too_many(request)
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
    """Code + proof (see _proven_dossier)."""
    if request.method == "POST":
        form = LookupForm(request.POST)
        found = _proven_dossier(
            request,
            form,
            Dossier.objects.all(),
            lambda status: render(request, "portal/lookup.html", {"form": form}, status=status),
        )
        if isinstance(found, HttpResponse):
            return found
        _remember_lookup(request, found)
        return redirect("portal:dossier", code=found.code)
    form = LookupForm(initial={"code": request.GET.get("code", "")})
    return render(request, "portal/lookup.html", {"form": form})


# Notes the applicant must read (what to supplement, why refused/late/stopped); other notes
# are internal hand-over remarks and stay with staff.
PUBLIC_NOTES = {"request_supplement", "refuse", "apologize", "stop", "withdraw"}


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


def _parse_moment(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/too_many.html",
        {"minutes": throttle.CODE_WINDOW_SECONDS // 60},
        status=429,
    )


@require_http_methods(["GET", "POST"])
def dossier_status(request: HttpRequest, code: str) -> HttpResponse:
    if not throttle.code_request_allowed(request, code):
        return _too_many(request)
    dossier = (
        Dossier.objects.select_related(
            "procedure", "receiving_agency", "current_agency", "rule_version"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not may_view_as_applicant(request, dossier):
        messages.info(
            request, _("Enter the dossier code and the last 4 digits of the applicant's ID number.")
        )
        return redirect(f"{reverse('portal:lookup')}?{urlencode({'code': code})}")
    supplement_form = SupplementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and supplement_form.is_valid():
        try:
            dossier_services.submit_supplement(
                dossier,
                actor=request.user,
                uploads=supplement_form.cleaned_data["files"],
                applicant_proven=True,  # may_view_as_applicant above
            )
        except DomainError as exc:
            supplement_form.add_error("files" if exc.field == "files" else None, exc.message)
        else:
            messages.success(
                request,
                _("Your supplement has been sent. The agency will check it and let you know."),
            )
            return redirect(reverse("portal:dossier", args=[dossier.code]))
    derivation = due_derivation(dossier)
    apologies = [
        {
            "at": e.at,
            "reason": e.note,
            "new_appointment": _parse_moment(e.data.get("new_appointment_at")),
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
            "pauses": supplement_pauses(dossier),
            "apologies": apologies,
            "evaluation": Evaluation.objects.filter(dossier=dossier).first(),
            "payment_request": payment_request(dossier),
            "can_rate": dossier.status == Status.RETURNED,
            "has_receipt": dossier.received_at is not None,
            "has_result_file": dossier.is_returned
            and dossier.documents.filter(role=DossierDocument.Role.RESULT).exists(),
            "documents": dossier_queries.dossier_documents(dossier),
            # the upload form while a supplement is awaited (and its answer to a late upload)
            "supplement_form": supplement_form
            if (dossier.is_paused or supplement_form.errors)
            else None,
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
        return _too_many(request)
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
        return _too_many(request)
    if len(code) > 60 or not code.replace(".", "").replace("-", "").isalnum():
        raise Http404
    url = request.build_absolute_uri(reverse("portal:lookup")) + "?" + urlencode({"code": code})
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 for the applicant (signed in, or verified by code + ID in this session)."""
    from cchc.paperwork.views import pdf_response

    if not throttle.code_request_allowed(request, code):
        return _too_many(request)
    dossier = get_object_or_404(Dossier, code=code)
    staff = policies.can_view(request.user, dossier)
    if not may_view_as_applicant(request, dossier) and not staff:
        raise Http404
    owner = request.user.is_authenticated and dossier.applicant_id == request.user.pk
    if not owner and not staff:
        mask_contact(dossier)  # code + four ID digits prove little: no address, phone, e-mail
    return pdf_response(request, dossier, "01")


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
        and doc.owner_id_hash == getattr(user, "national_id_hash", None)
    )
    if not allowed:
        allowed = Dossier.objects.visible_to(user).filter(documents__document=doc).exists()
    if not allowed:
        raise Http404
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.name)


# -- evaluation ---------------------------------------------------------------------------
def _evaluation_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    channel: str,
    template: str,
    done_url: str,
    kiosk_label: str = "",
) -> HttpResponse:
    existing = Evaluation.objects.filter(dossier=dossier).first()
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluate(
                dossier,
                # at the kiosk the applicant is not signed in (the session is the staff member's)
                actor=request.user if channel == "PORTAL" else AnonymousUser(),
                scores=form.scores(),
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                channel=channel,
                actor_label=kiosk_label if channel == "KIOSK" else "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            existing = Evaluation.objects.filter(dossier=dossier).first()
        else:
            messages.success(request, _("Thank you! Your evaluation has been recorded."))
            return redirect(done_url)
    elif request.method == "POST":
        form.add_error(None, _("Please answer every question. Your answers so far have been kept."))
    return render(
        request,
        template,
        {"dossier": dossier, "form": form, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, code: str) -> HttpResponse:
    if not throttle.code_request_allowed(request, code):
        return _too_many(request)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not may_view_as_applicant(request, dossier):
        # the same answer whether the code exists or not
        return redirect(f"{reverse('portal:lookup')}?{urlencode({'code': code})}")
    return _evaluation_page(
        request,
        dossier,
        channel="PORTAL",
        template="portal/evaluate.html",
        done_url=reverse("portal:dossier", args=[dossier.code]),
    )


def _kiosk_dossiers(agency: Agency) -> Any:
    """The dossiers a kiosk of `agency` may rate: those whose result that agency returns."""
    return Dossier.objects.filter(Q(receiving_agency=agency) | Q(receiving_place=agency))


@require_http_methods(["GET", "POST"])
def kiosk_evaluate(request: HttpRequest, code: str) -> HttpResponse:
    """A counter kiosk: a device the agency registered (cchc.portal.kiosk) shows the rating
    form of a dossier whose result that agency returns, once the citizen at the kiosk proved
    it as on the public look-up (kiosk_start). Any other browser, a signed-in member of
    staff's included, is refused; so is an inspector even on a kiosk."""
    from cchc.accounts import permissions

    if permissions.is_inspector(request.user):
        raise Http404
    registration = kiosk.registered_agency(request)
    if registration is None:
        return render(request, "portal/kiosk_unregistered.html", status=403)
    agency, registrar = registration
    if not kiosk.is_proven(request, agency=agency, code=code):
        # the same answer whether the code exists or not: prove it first
        return redirect(f"{reverse('portal:kiosk_start')}?{urlencode({'code': code})}")
    dossier = get_object_or_404(_kiosk_dossiers(agency).select_related("procedure"), code=code)
    if request.user.is_authenticated and dossier.applicant_id == request.user.pk:
        raise Http404  # the applicant rates through their own link
    response = _evaluation_page(
        request,
        dossier,
        channel="KIOSK",
        template="portal/kiosk.html",
        done_url=reverse("portal:kiosk_start"),
        kiosk_label=_("Applicant at the counter kiosk of %(agency)s (registered by %(user)s)")
        % {"agency": agency.code, "user": registrar.get_username()},
    )
    if request.method == "POST" and response.status_code == 302:
        kiosk.forget_proof(request)  # rated: the next citizen starts from the code again
    return response


@require_http_methods(["GET", "POST"])
def kiosk_start(request: HttpRequest) -> HttpResponse:
    """The kiosk's home: the citizen types the dossier code and the same proof as on the
    public look-up (the ID's last 4 digits or the phone number, counted by the same
    throttles); only then, and only for a dossier of the kiosk's agency, the rating form.
    A kiosk shows no name: anyone standing at it could type a code."""
    registration = kiosk.registered_agency(request)
    if registration is None or permissions_is_inspector(request.user):
        return render(request, "portal/kiosk_unregistered.html", status=403)
    agency = registration[0]
    kiosk.forget_proof(request)  # whatever the citizen before proved
    if request.method == "POST":
        form = KioskProofForm(request.POST)
        found = _proven_dossier(
            request,
            form,
            _kiosk_dossiers(agency),
            lambda status: render(
                request,
                "portal/kiosk_start.html",
                {"agency": agency, "form": form},
                status=status,
            ),
        )
        if isinstance(found, HttpResponse):
            return found
        kiosk.remember_proof(request, agency=agency, code=found.code)
        return redirect("portal:kiosk_evaluate", code=found.code)
    form = KioskProofForm(initial={"code": (request.GET.get("code") or "").strip().upper()})
    return render(request, "portal/kiosk_start.html", {"agency": agency, "form": form})


def permissions_is_inspector(user: Any) -> bool:
    from cchc.accounts import permissions

    return permissions.is_inspector(user)


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_register(request: HttpRequest) -> HttpResponse:
    """A counter clerk or agency administrator makes this browser their agency's kiosk."""
    agencies = kiosk.agencies_user_may_register(request.user)
    if not agencies:
        raise Http404
    current = kiosk.registered_agency(request)
    if request.method == "POST":
        if request.POST.get("action") == "unregister":
            response = redirect("portal:kiosk_register")
            kiosk.unregister(response)
            services.audit_kiosk("kiosk_unregistered", actor=request.user)
            messages.success(request, _("This device is no longer a kiosk."))
            return response
        chosen = next((a for a in agencies if a.code == request.POST.get("agency")), None)
        if chosen is None:
            messages.error(request, _("Choose one of your agencies."))
            return redirect("portal:kiosk_register")
        response = redirect("portal:kiosk_start")
        kiosk.register(response, agency=chosen, user=request.user)
        services.audit_kiosk("kiosk_registered", actor=request.user, agency=chosen.code)
        messages.success(
            request, _("This device is now a kiosk of %(agency)s.") % {"agency": chosen.name}
        )
        return response
    return render(
        request,
        "portal/kiosk_register.html",
        {"agencies": agencies, "current": current[0] if current else None},
    )
