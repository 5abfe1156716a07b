"""Closing a period (its figures frozen in a PeriodReport) and restating a closed one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.accounts import permissions
from cchc.core.errors import DomainError
from cchc.indices import reports as period_reports
from cchc.indices import scoring
from cchc.indices.forms import PeriodPickerForm
from cchc.indices.models import PeriodReport
from cchc.indices.views._shared import SCHEME, _viewer, period_choices


@login_required
@require_http_methods(["GET", "POST"])
def periods(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if request.method == "POST":
        try:
            if request.POST.get("report"):
                report = get_object_or_404(
                    PeriodReport, pk=request.POST["report"], province_code=province
                )
                period_reports.restate_period(
                    actor=request.user, report=report, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The period was restated."))
            else:
                period = scoring.reportable(request.POST.get("period", ""), SCHEME)
                period_reports.close_period(
                    actor=request.user, scheme_code=SCHEME, period=period, province_code=province
                )
                messages.success(
                    request,
                    _("Period %(p)s is closed: its figures are frozen.") % {"p": period.label},
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("indices:periods")
    reports = (
        PeriodReport.objects.filter(province_code=province)
        .select_related("version__scheme", "closed_by")
        .prefetch_related("restatements__actor")
        .order_by("-period")
    )
    closed = {r.period for r in reports}
    return render(
        request,
        "indices/periods.html",
        {
            "reports": reports,
            "may_close": permissions.is_province_admin(request.user, province or None),
            # only periods still open: a closed one is restated, not closed again
            "period_form": PeriodPickerForm(
                [
                    (name, [p for p in periods if str(p) not in closed])
                    for name, periods in period_choices()
                ]
            ),
        },
    )
