"""Official forms as PDF, for staff who can see the dossier (form 01 also for the applicant)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import DomainError
from cchc.core.params import day_or
from cchc.dossiers import policies
from cchc.dossiers.models import Dossier
from cchc.paperwork import builders, exports, pdf, register
from cchc.paperwork.forms import LogbookForm, RegisterForm


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


def _agencies_for(user) -> QuerySet[Agency]:  # type: ignore[no-untyped-def]
    """The agencies whose log book the user may read: their own, or the province's for its
    administrators and inspectors (all for a superuser)."""
    if user.is_superuser:
        return Agency.objects.all().order_by("name")
    if user.kind in ("PROVINCE_ADMIN", "INSPECTOR"):
        return Agency.objects.filter(province_code=user.province_code).order_by("name")
    return Agency.objects.filter(pk__in=permissions.agency_ids(user)).order_by("name")


@login_required
def logbook(request: HttpRequest) -> HttpResponse:
    """Form 07, the dossier log book of one agency over a date range (PDF), with a small
    page to choose them (shown with the values asked for, not printed, when `choose` is
    given: the register sends a year too long to print here)."""
    today = timezone.now().astimezone(LOCAL_TZ).date()
    mine = _agencies_for(request.user)
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
    if request.GET.get("agency") and not error and "choose" not in request.GET:
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


REGISTER_PAGE_SIZE = 50


def _logbook_by_period(agency: Agency, year: int) -> str:
    """The period log book's page, its form filled with the agency and the year's first
    month: where a year too long to print as one log book is printed period by period."""
    query = {
        "agency": agency.code,
        "start": dt.date(year, 1, 1).isoformat(),
        "end": dt.date(year, 1, 31).isoformat(),
        "choose": "1",
    }
    return f"{reverse('paperwork:logbook')}?{urlencode(query)}"


def _register_choice(request: HttpRequest) -> tuple[RegisterForm, Agency | None, int, str]:
    """The register asked for: the agency (the user's first if none is named), the year (this
    year if none) and the search; an agency the user may not read is a 404."""
    mine = _agencies_for(request.user)
    if not mine.exists():
        raise Http404
    this_year = timezone.now().astimezone(LOCAL_TZ).year
    data = {
        "agency": request.GET.get("agency") or mine[0].code,
        "year": request.GET.get("year") or this_year,
        "q": request.GET.get("q", ""),
    }
    form = RegisterForm(data, agencies=mine, this_year=this_year)
    if not form.is_valid():
        if "agency" in form.errors and request.GET.get("agency"):
            raise Http404
        return form, None, this_year, ""
    agency = mine.get(code=form.cleaned_data["agency"])
    return form, agency, form.cleaned_data["year"], form.cleaned_data["q"]


@login_required
def register_page(request: HttpRequest) -> HttpResponse:
    """The reception register (Sổ theo dõi hồ sơ) of an agency for a year: its lines in order
    of reception, paged and searchable by dossier code or applicant name, each under the line
    number form 01 prints."""
    form, agency, year, q = _register_choice(request)
    page = None
    too_long = False
    if agency is not None:
        rows = builders.logbook_dossiers(
            agency, dt.date(year, 1, 1), dt.date(year, 12, 31), q
        ).select_related("receiving_agency")
        page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
        lines = register.lines_of(page.object_list)
        page.object_list = [(lines[d.pk], d) for d in page.object_list]
        # the year's log book as one PDF holds at most LOGBOOK_MAX_ROWS lines: past them the
        # page offers the log book by period instead of a link that cannot print
        too_long = page.paginator.count > builders.LOGBOOK_MAX_ROWS
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "paperwork/register.html",
        {
            "form": form,
            "agency": agency,
            "year": year,
            "q": q,
            "book": register.book_number(year),
            "page": page,
            "params": params.urlencode(),
            "too_long": too_long,
            "max_rows": builders.LOGBOOK_MAX_ROWS,
            "by_period": _logbook_by_period(agency, year) if agency is not None else "",
            "title": _("Reception register"),
        },
        status=200 if agency is not None else 400,
    )


def _unreadable_register() -> HttpResponse:
    return HttpResponse(
        _("The register asked for cannot be read."),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    """The register of a year (or its lines matching the search) as a workbook."""
    _form, agency, year, q = _register_choice(request)
    if agency is None:
        return _unreadable_register()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = builders.logbook_dossiers(agency, start, end, q)
    lines = register.lines_between(agency, *builders.period(start, end))
    content = exports.register_xlsx(agency, year, ((lines[d.pk], d) for d in rows.iterator()))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-{agency.code}-{year}.xlsx"'
    )
    return response


@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    """The register of a year (or its lines matching the search) as the printed log book."""
    _form, agency, year, q = _register_choice(request)
    if agency is None:
        return _unreadable_register()
    try:
        content = pdf.render(
            builders.form_07(agency, dt.date(year, 1, 1), dt.date(year, 12, 31), q=q)
        )
    except DomainError as exc:
        # a year too long for one log book (an old link, a bookmark): the period log book,
        # filled with the year's first month, says why, instead of a bare text page
        messages.error(request, exc.message)
        return redirect(_logbook_by_period(agency, year))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-theo-doi-{agency.code}-{year}.pdf"'
    return response
