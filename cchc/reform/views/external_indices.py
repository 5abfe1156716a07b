"""External indices (PAPI, the national PAR INDEX, SIPAS) as published for the province,
and its targets: the page that lists them and the forms Home Affairs records them with
(through `external`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.reform import access, external
from cchc.reform.forms import ExternalValueForm, TargetForm
from cchc.reform.models import ExternalIndex, ExternalValue, Target
from cchc.reform.views._shared import fail, province, require_ha, sees_results, valid_data


@login_required
def external_page(request: HttpRequest) -> HttpResponse:
    if not sees_results(request.user):
        raise PermissionDenied
    ha = access.is_home_affairs(request.user)
    value_form, target_form = ExternalValueForm(auto_id="value-%s"), TargetForm(auto_id="target-%s")
    if request.method == "POST":
        require_ha(request)
        action = request.POST.get("action")
        data = valid_data(
            request, (ExternalValueForm if action == "value" else TargetForm)(request.POST)
        )
        if data is None:
            return redirect("reform:external")
        try:
            if action == "value":
                external.record_value(
                    actor=request.user,
                    index=data["index"],
                    year=data["year"],
                    province_code=data["province_code"] or province(),
                    node_code=data["node_code"].strip(),
                    node_name=data["node_name"].strip(),
                    score=data["score"],
                    max_score=data["max_score"],
                    rank=data["rank"],
                    group=data["group"].strip(),
                    lead_agency=data["lead_agency"],
                )
            else:
                external.save_target(
                    actor=request.user,
                    year=data["year"],
                    index=data["index"],
                    kind=data["kind"],
                    value=data["value"],
                    node_code=data["node_code"].strip(),
                    owner=data["owner"],
                    note=data["note"].strip(),
                )
            messages.success(request, _("Saved."))
        except DomainError as exc:
            fail(request, exc)
        return redirect("reform:external")
    index = request.GET.get("index", ExternalIndex.PAPI)
    own = ExternalValue.objects.filter(index=index, province_code=province()).select_related(
        "lead_agency"
    )
    rows = []
    for v in own.order_by("-year", "node_code"):
        fig = external.figure(v.index, v.year, v.node_code)
        rows.append({"v": v, "fig": fig})
    targets = [external.assess_target(t) for t in Target.objects.select_related("owner")]
    return render(
        request,
        "reform/external.html",
        {
            "ha": ha,
            "index": index,
            "indices": ExternalIndex.choices,
            "rows": rows,
            "targets": targets,
            "value_form": value_form,
            "target_form": target_form,
        },
    )
