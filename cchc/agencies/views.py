"""Home Affairs' screens for the province's agencies: the list (in force and closed, with
successors), one agency with its change log, a rename or group change, a merger. Thin: every
write is a call to `services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.agencies import hours, services
from cchc.agencies.forms import AgencyChangeForm, AgencyMergeForm, ReceptionHoursForm
from cchc.agencies.models import Agency, AgencyEvent, AgencyLevel
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.core.text import fold

PAGE_SIZE = 30


def _own(request: HttpRequest, code: str) -> Agency:
    if not services.may_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Agency, code=code, province_code=services._province())


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    if not services.may_manage(request.user):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()
    rows = list(
        Agency.objects.in_province(services._province())
        .select_related("group")
        .prefetch_related("successors")
        .order_by("code")
    )
    if q:
        words = fold(q).split()[:8]
        rows = [a for a in rows if all(w in fold(f"{a.name} {a.code}") for w in words)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/manage_list.html",
        {"page": page, "q": q, "query": f"q={q}" if q else "", "today": services.today()},
    )


@login_required
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    agency = _own(request, code)
    form = AgencyChangeForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_agency(agency, actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The agency's record was changed."))
            return redirect("rulebook:agency_edit", code=agency.code)
    merge = AgencyMergeForm(agency=agency)
    return _agency_page(request, agency, form, merge)


@login_required
def agency_merge(request: HttpRequest, code: str) -> HttpResponse:
    agency = _own(request, code)
    merge = AgencyMergeForm(request.POST if request.method == "POST" else None, agency=agency)
    if request.method == "POST" and merge.is_valid():
        data = merge.cleaned_data
        try:
            services.merge_agency(agency, actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(merge, exc)
        else:
            messages.success(
                request,
                _("%(old)s is merged into %(new)s from %(day)s.")
                % {
                    "old": agency.name,
                    "new": data["successor"].name,
                    "day": data["effective_from"].strftime("%d/%m/%Y"),
                },
            )
            return redirect("rulebook:agency_edit", code=agency.code)
    return _agency_page(request, agency, None, merge)


@login_required
def agency_hours(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's reception hours: Home Affairs for every agency of the province, an
    agency's administrator for their own."""
    agency = get_object_or_404(Agency, code=code, province_code=services._province())
    if not services.may_edit_hours(request.user, agency):
        raise PermissionDenied
    if request.method == "POST":
        form = ReceptionHoursForm(request.POST)
        if form.is_valid():
            try:
                services.change_reception_hours(
                    agency,
                    actor=request.user,
                    entered=form.entered(),  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The reception hours were saved."))
                return redirect("rulebook:agency_hours", code=agency.code)
    else:
        form = ReceptionHoursForm(
            initial=ReceptionHoursForm.initial_for(
                agency.reception_periods(), agency.reception_note
            )
        )
    return render(
        request,
        "agencies/manage_hours.html",
        {"agency": agency, "form": form, "manager": services.may_manage(request.user)},
    )


def _log(agency: Agency) -> list[AgencyEvent]:
    """The agency's change log, each changed field by its name as a reader knows it."""
    rows = list(agency.events.order_by("-seq")[:50])
    for event in rows:
        event.lines = [  # type: ignore[attr-defined]
            (_field_label(field), [_shown(field, value) for value in pair])
            for field, pair in (event.data or {}).items()
        ]
    return rows


LABELS = {
    "reception_hours": gettext_lazy("Reception hours"),
    "parent": gettext_lazy("Parent agency"),
    "group": gettext_lazy("Ranking group"),
    "successors": gettext_lazy("Successor agencies"),
}


def _shown(field: str, value: object) -> str:
    """A logged value as a reader knows it: a date d/m/Y, a level by its name, a list of
    successor codes joined."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field == "level":
        return str(dict(AgencyLevel.choices).get(str(value), value))
    if isinstance(value, str) and field.startswith("valid_"):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _field_label(field: str) -> str:
    if field in LABELS:
        return str(LABELS[field])
    try:
        return str(getattr(Agency._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field


def _agency_page(
    request: HttpRequest, agency: Agency, form: AgencyChangeForm | None, merge: AgencyMergeForm
) -> HttpResponse:
    if form is None:
        form = AgencyChangeForm(
            initial={
                "name": agency.name,
                "group": agency.group_id,
                "address": agency.address,
                "phone": agency.phone,
            }
        )
    return render(
        request,
        "agencies/manage_detail.html",
        {
            "agency": agency,
            "form": form,
            "merge": merge,
            "open": agency.valid_to is None,
            "successors": agency.successors.all(),
            "predecessors": agency.predecessors.all(),
            "log": _log(agency),
            "today": services.today(),
            "hours": hours.rows(agency.reception_periods()),
        },
    )
