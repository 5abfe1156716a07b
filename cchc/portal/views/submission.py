"""Online submission (nộp hồ sơ trực tuyến): the form, drafts kept for a citizen who signs in
halfway, the documents (uploaded or reused digitised ones), and the submission itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.catalogue.models import Procedure
from cchc.core.errors import DomainError, TransitionNotAllowed
from cchc.core.idempotency import once_per_form
from cchc.portal import applicant_types, reuse, services
from cchc.portal.forms import DraftApplicantForm
from cchc.portal.models import Draft
from cchc.portal.views.status import remember_lookup

STASH_SESSION_KEY = "portal_stash"


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
    errors.update(_process_other_reuse(request, draft))
    return errors


def _process_other_reuse(request: HttpRequest, draft: Draft) -> dict[str, str]:
    """The earlier documents that fit none of the components by name, each offered once
    with a choice of component (`reuse_other_<document>` = component): a component given a
    file or a document of its own in the same request keeps that one."""
    errors: dict[str, str] = {}
    for key, value in request.POST.items():
        if not key.startswith("reuse_other_") or not value:
            continue
        component = value
        if request.FILES.get(f"file_{component}") or request.POST.get(f"reuse_{component}"):
            continue
        try:
            services.add_draft_reuse(
                draft,
                actor=request.user,
                required_document_id=int(component),
                document_id=int(key.removeprefix("reuse_other_")),
            )
        except (DomainError, ValueError) as exc:
            errors[f"doc_{component}"] = getattr(exc, "message", _("Invalid choice."))
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
        remember_lookup(request, dossier)
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
    if not procedure.agencies.current().exists():
        # nowhere to send it: said before anything is typed, not as a refusal at the end
        messages.error(
            request,
            _("No agency receives this procedure at the moment, so it cannot be submitted online."),
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
    if not services.has_applicant_identity(request.user):
        messages.error(
            request,
            _(
                "Online submission needs a citizen account with a verified citizen ID, or an "
                "organisation's account with its tax code."
            ),
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
        if request.POST.get("action") == "submit" and errors:
            # an upload refused: the other reasons the dossier cannot go yet are said now too
            # (the agency not chosen, a missing paper), not one by one on each new try
            errors = {
                **services.draft_errors(draft, organisation=request.user.is_organisation),
                **errors,
            }
        elif request.POST.get("action") == "submit":
            try:
                dossier = services.submit_draft(draft, actor=request.user)
            except TransitionNotAllowed as exc:
                return _draft_gone(request, draft, exc)
            except DomainError as exc:
                errors = getattr(exc, "errors", None) or {"general": exc.message}
            else:
                remember_lookup(request, dossier)
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
    required = list(procedure.required_documents.all())
    offers = reuse.offers(request.user, required)
    components = [
        {
            "component": c,
            "attachment": attachments.get(c.pk),
            "error": errors.get(f"doc_{c.pk}"),
            "reusable": offers.by_component[c.pk],
        }
        for c in required
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
                organisation=request.user.is_organisation,
            ),
            "applicant_notice": applicant_types.mismatch(procedure, request.user),
            "errors": errors,
            "components": components,
            "other_reusable": offers.others,
            "MAX_UPLOAD_MB": settings.MAX_UPLOAD_MB,
        },
        status=400 if errors else 200,
    )
