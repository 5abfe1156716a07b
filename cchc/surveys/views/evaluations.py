"""The per-dossier evaluation through the survey engine: per unit and criterion, for a
year, a quarter or a month (method `danh-gia-ho-so`, issue 13.9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cchc.surveys.methods import period_window
from cchc.surveys.policies import can_follow


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """The per-dossier evaluation through the survey engine (method `danh-gia-ho-so`): per
    unit and criterion, for a year, a quarter or a month (issue 13.9); read by survey staff
    and the province's inspectors."""
    from django.utils import timezone

    from cchc.surveys.methods import evaluation_criteria
    from cchc.surveys.results import evaluation_results

    province = getattr(request.user, "province_code", "")
    if not can_follow(request.user, province):
        raise PermissionDenied
    period = request.GET.get("period") or str(timezone.localdate().year)
    window = period_window(period)
    if window is None:
        messages.error(request, _("Write the period as 2026, 2026-Q2 or 2026-05."))
        period = str(timezone.localdate().year)
        window = period_window(period)
    assert window is not None
    doc = evaluation_results(*window, province_code=province)
    criteria = evaluation_criteria(window[1])  # the version evaluation_results uses
    rows = [
        {
            **unit,
            "criteria": [
                unit["groups"]["EVALUATION"]["components"]["EVAL"]["items"].get(code, {})
                for code, _text in criteria
            ],
        }
        for unit in sorted(doc["agencies"], key=lambda a: (a["rank"] or 10**6, a["code"]))
    ]
    return render(
        request,
        "surveys/evaluations.html",
        {
            "period": period,
            "window": window,
            "doc": doc,
            "rows": rows,
            "criteria": criteria,
            "province_items": [
                doc["province"]["groups"]["EVALUATION"]["components"]["EVAL"]["items"].get(c, {})
                for c, _t in criteria
            ],
        },
    )
