"""Rating a handled dossier (đánh giá mức độ hài lòng): by the applicant on the status page, and
at a counter kiosk a clerk registered (the proof asked like the look-up's, no name shown)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.dossiers.models import Dossier, Evaluation
from cchc.portal import kiosk, services, throttle
from cchc.portal.forms import EvaluationForm, KioskProofForm
from cchc.portal.views.status import may_view_as_applicant, proven_dossier, too_many


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
        return too_many(request)
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
        found = proven_dossier(
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
