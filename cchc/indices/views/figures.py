"""The page where the Department of Home Affairs enters the published figures of counters the
platform holds no data for (cchc.indices.figures), with the figures already entered and
their history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.indices import figures
from cchc.indices.forms import PublishedFigureForm
from cchc.indices.models import PublishedFigure
from cchc.indices.periods import current
from cchc.indices.views._shared import _viewer, period_choices


@login_required
@require_http_methods(["GET", "POST"])
def published_figures(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if not figures.may_enter(request.user, province):
        raise PermissionDenied(
            _("Only the Department of Home Affairs may enter or import published figures.")
        )
    agencies = Agency.objects.filter(province_code=province).order_by("code")
    # the same periods and the same default as the dashboard (the current quarter), so the
    # figure entered is the one the dashboard then shows
    shown = current("quarter")
    groups = period_choices(shown)
    form = PublishedFigureForm(
        request.POST or None,
        agencies=agencies,
        groups=groups,
        initial={"period": str(shown), **request.GET.dict()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            figures.enter_figures(
                actor=request.user,
                province_code=province,
                rows=[
                    figures.FigureRow(
                        agency_code=d["agency"].code,
                        period=d["period"],
                        counter=d["counter"],
                        value=d["value"],
                        source=d["source"],
                    )
                ],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The figure was recorded."))
            return redirect("indices:figures")
    entered = (
        PublishedFigure.objects.filter(agency__province_code=province)
        .select_related("agency")
        .prefetch_related("events")
        .order_by("-period", "agency__code", "counter")[:200]
    )
    return render(request, "indices/figures.html", {"form": form, "entered": entered})
