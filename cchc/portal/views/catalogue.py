"""The public catalogue: the home page, procedures (searched without diacritics), a procedure's
page and its templates, and the agencies."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode

from cchc.agencies.models import Agency
from cchc.catalogue import services as catalogue_services
from cchc.catalogue.models import Field, Procedure, RequiredDocument, TimeUnit
from cchc.core.collation import vietnamese_sort_key
from cchc.core.htmx import render_page
from cchc.core.text import fold
from cchc.portal import applicant_types, services
from cchc.portal.forms import ProcedureFilterForm

PAGE_SIZE = 20


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
    procedure = Procedure.objects.published().select_related("field").filter(code=code).first()
    if procedure is None:
        withdrawn = Procedure.objects.filter(code=code, status=Procedure.Status.WITHDRAWN).first()
        if withdrawn is None:
            raise Http404
        # a citizen with a dossier of an abolished procedure (a link in a notice, a bookmark)
        # learns it was abolished and that dossiers already submitted continue, not "not found"
        return render(
            request, "portal/procedure_withdrawn.html", {"procedure": withdrawn}, status=410
        )
    # an amendment of the time limit waiting for its day: the limit in force now, and the
    # new one from that day (the record already holds the new one)
    now = timezone.now()
    amount, unit = procedure.terms_at(now)
    in_force = None
    if (amount, unit) != (procedure.processing_time, procedure.time_unit):
        pending = procedure.pending_amendments(now)
        in_force = {
            "amount": amount,
            "unit": unit,
            "unit_label": TimeUnit(unit).label,
            "changes_on": pending[-1].effective_from if pending else None,
        }
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "in_force": in_force,
            "documents": procedure.required_documents.all(),
            "steps": procedure.step_templates.all(),
            "agencies": in_vietnamese_order(procedure.agencies.current()),
            "applicant_notice": applicant_types.mismatch(procedure, request.user),
            # signed in without a citizen ID or tax code (a staff account): told what to do
            # here, before a form, not by a refusal after clicking "Submit online"
            "needs_identity": request.user.is_authenticated
            and not services.has_applicant_identity(request.user),
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
        # tones); a province has a few hundred agencies. A citizen looking up their old ward
        # after a merger finds it too, marked, with the agencies that took its work over.
        closed = (
            Agency.objects.exclude(pk__in=qs.values("pk"))
            .filter(successors__isnull=False)
            .prefetch_related("successors")
            .distinct()
        )
        words = fold(q).split()[:8]
        listed = [
            a
            for a in [*listed, *in_vietnamese_order(closed)]
            if all(w in fold(f"{a.name} {a.code}") for w in words)
        ]
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
