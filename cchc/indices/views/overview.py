"""The scorecard: every unit's place in each index of the province on one page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.indices import overview
from cchc.indices.export import table_response
from cchc.indices.views._shared import _common, _export, _period, _viewer, planned

PAGE_SIZE = 50


@login_required
@planned
def scorecard(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    period = _period(request)
    card = overview.scorecard(province, period=period, viewer=request.user)
    columns, rows = card["columns"], card["rows"]
    q, group = request.GET.get("q", ""), request.GET.get("group", "")
    low_only = request.GET.get("low") == "1"
    shown = overview.matching(rows, q=q, group=group, low_only=low_only)
    if fmt := _export(request):
        headers = [_("Agency code"), _("Agency"), _("Ranking group")]
        for c in columns:
            headers += [f"{c.title} {c.period_label}", _("Rank in its group")]
        headers.append(_("Indices in the lowest fifth"))
        data = []
        for r in shown:
            line = [r.code, r.name, r.group]
            for s in r.standings:
                line += (
                    [s.total, f"{s.rank}/{s.size}" if s.rank else _("not ranked")]
                    if s is not None
                    else ["", ""]
                )
            data.append([*line, r.low_count])
        notes = [
            _("Lowest fifth: a rank in the last fifth of the unit's ranking group."),
            *[
                f"{c.title} {c.period_label}: "
                + (_("published figures") if c.frozen else _("live figures"))
                for c in columns
            ],
        ]
        return table_response(fmt, _("Units in every index"), headers, data, notes)
    own = set()
    if not permissions.sees_whole_province(request.user, province):
        own = set(
            Agency.objects.filter(pk__in=permissions.agency_ids(request.user)).values_list(
                "code", flat=True
            )
        )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indices/overview.html",
        _common(
            request,
            period,
            columns=columns,
            page=page,
            table=[{"row": r, "cells": list(zip(columns, r.standings, strict=True))} for r in page],
            own_rows=[
                {"row": r, "cells": list(zip(columns, r.standings, strict=True))}
                for r in rows
                if r.code in own
            ],
            own=own,
            groups=sorted({r.group for r in rows if r.group}),
            q=q,
            group=group,
            low_only=low_only,
            units=len(rows),
            low_units=sum(1 for r in rows if r.low_count >= 2),
            missing=[
                name
                for scheme, name in overview.other_schemes()
                if scheme not in {c.scheme for c in columns}
            ],
        ),
    )
