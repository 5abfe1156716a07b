"""Official forms as PDF, for staff who can see the dossier (form 01 also for the applicant)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import DomainError
from cchc.core.params import day_or
from cchc.dossiers import policies
from cchc.dossiers.models import Dossier
from cchc.paperwork import builders, pdf
from cchc.paperwork.forms import LogbookForm


def pdf_response(
    request: HttpRequest, dossier: Dossier, key: str, seq: int | None = None
) -> HttpResponse:
    try:
        content = builders.dossier_form(dossier, key, seq)
    except DomainError as exc:
        return HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{key}-{dossier.code}.pdf"'
    return response


def may_print(user, dossier: Dossier, key: str) -> bool:  # type: ignore[no-untyped-def]
    """Staff (and province-wide readers) who can see the dossier print every form; the
    applicant's own account may print only the receipt (form 01)."""
    if not policies.can_view(user, dossier):
        return False
    if key == "01":
        return True
    is_applicant_only = (
        dossier.applicant_id == user.pk
        and not permissions.is_staff_member(user)
        and not permissions.sees_whole_province(user, dossier.receiving_agency.province_code)
    )
    return not is_applicant_only


@login_required
def dossier_form(request: HttpRequest, code: str, key: str) -> HttpResponse:
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure", "receiving_agency", "competent_agency"),
        code=code,
    )
    if not may_print(request.user, dossier, key):
        raise Http404
    seq = request.GET.get("event")
    return pdf_response(request, dossier, key, int(seq) if seq and seq.isdigit() else None)


@login_required
def dossier_forms(request: HttpRequest, code: str) -> HttpResponse:
    """The forms that can be printed for a dossier now."""
    dossier = get_object_or_404(Dossier, code=code)
    if not may_print(request.user, dossier, "06"):
        raise Http404
    return render(
        request,
        "paperwork/dossier_forms.html",
        {"dossier": dossier, "forms": builders.available_forms(dossier)},
    )


def _may_see_agency(user, agency: Agency) -> bool:  # type: ignore[no-untyped-def]
    return agency.pk in permissions.agency_ids(user) or permissions.sees_whole_province(
        user, agency.province_code
    )


@login_required
def logbook(request: HttpRequest) -> HttpResponse:
    """Form 07, the dossier log book of one agency over a date range (PDF), with a small
    page to choose them."""
    today = timezone.now().astimezone(LOCAL_TZ).date()
    mine = Agency.objects.filter(pk__in=permissions.agency_ids(request.user)).order_by("name")
    if request.user.is_superuser or request.user.kind in ("PROVINCE_ADMIN", "INSPECTOR"):
        mine = (
            Agency.objects.all().order_by("name")
            if request.user.is_superuser
            else Agency.objects.filter(province_code=request.user.province_code).order_by("name")
        )
    start = day_or(request.GET.get("start"), today.replace(day=1))
    end = day_or(request.GET.get("end"), today)
    # a date that cannot be read (start=2026-02-30) is said, and nothing is printed: the log
    # book of the default period printed in its place reads as the period asked for
    unreadable = [
        _("“%(value)s” is not a date (%(field)s); nothing was printed.")
        % {"value": request.GET[name][:40], "field": label}
        for name, label in (("start", _("From")), ("end", _("To")))
        if request.GET.get(name) and day_or(request.GET[name], None) is None
    ]
    error = " ".join(unreadable)
    if request.GET.get("agency") and not error:
        agency = Agency.objects.filter(code=request.GET["agency"]).first()
        if agency is None or not _may_see_agency(request.user, agency):
            raise Http404
        try:
            content = pdf.render(builders.form_07(agency, start, end))
        except DomainError as exc:
            error = exc.message
        else:
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'inline; filename="so-theo-doi-{agency.code}-{start}-{end}.pdf"'
            )
            return response
    if not mine.exists():
        raise Http404
    return render(
        request,
        "paperwork/logbook.html",
        {
            "form": LogbookForm(
                initial={"agency": request.GET.get("agency"), "start": start, "end": end},
                agencies=mine,
            ),
            "error": error,
            "title": _("Dossier log book"),
        },
        status=400 if error else 200,
    )
