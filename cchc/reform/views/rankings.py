"""PAR INDEX results: the year's ranking (with its search, downloads and year-on-year chart),
publishing the results, a unit's result page (where the points were lost, the charts, the
what-if) and the published results for everyone. Before publication a unit's staff open
their own units' pages only."""

from __future__ import annotations

from collections.abc import Container
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.core.text import fold
from cchc.reform import access, assessments, charts, exports, publishing, results
from cchc.reform.forms import WhatIfForm
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    Method,
    ResultSet,
    Template,
    TemplateNode,
)
from cchc.reform.views._shared import download, fail, province, require_ha, sees_results


def _unit_pages(user: Any, year: int) -> Container[str]:
    """The codes of the units whose result page of `year` `user` may open (access.unit_pages)."""
    return access.unit_pages(user, year, province())


def shown_2dp(value: float | None) -> str:
    """A figure as the pages write it: rounded once, half up, to 2 decimals, then formatted
    (the bar's label and the table's cell of one row are the same text: a float formatted
    twice by two filters read 41,68 in one place and 41,69 in the other)."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(rounded, 2)


def rank_change_text(row: dict[str, Any], rows: list[dict[str, Any]], last: dict | None) -> str:
    """The change of rank against last year in words, with both ranks and how many units the
    group ranked each year: a bare "6" said neither the direction nor that the unit was 7th
    of 9 last year and 1st of 1 this year."""
    return rank_change(row, rows, last)[1]


def rank_change(
    row: dict[str, Any], rows: list[dict[str, Any]], last: dict | None
) -> tuple[str, str]:
    """The ranking's change column (▲ 2, ▼ 1, =, —) and its words. A change of rank means
    something only where the group ranked as many units this year as last year: while the year
    is partly appraised, "up 6 (rank 7 of 16 → 1 of 1)" compared last year's sixteen units
    with this year's one. Otherwise no arrow, and the words say plainly the ranks are not
    comparable yet, with both ranks."""
    change = row.get("rank_change")
    if change is None or not last or not last.get("rank"):
        return "—", ""
    ranks = _ranks(row, rows, last, change)
    if comparable_change(row, rows, last) is None:
        return "—", _(
            "not comparable: the group ranked %(last_n)s units last year and %(now_n)s this "
            "year (rank %(last)s of %(last_n)s → %(now)s of %(now_n)s)"
        ) % ranks
    if change > 0:
        return f"▲ {change}", _(
            "up %(n)s (rank %(last)s of %(last_n)s → %(now)s of %(now_n)s)"
        ) % ranks
    if change < 0:
        return f"▼ {-change}", _(
            "down %(n)s (rank %(last)s of %(last_n)s → %(now)s of %(now_n)s)"
        ) % ranks
    return "=", _("unchanged (rank %(last)s of %(last_n)s → %(now)s of %(now_n)s)") % ranks


def comparable_change(
    row: dict[str, Any], rows: list[dict[str, Any]], last: dict | None
) -> int | None:
    """The change of rank against last year where it means something (the group ranked as
    many units both years), else None: what the ranking's downloads write."""
    change = row.get("rank_change")
    if change is None or not last or not last.get("rank"):
        return None
    if last["ranked"] != results.ranked_in_group(rows, row["group"]):
        return None
    return int(change)


def _ranks(
    row: dict[str, Any], rows: list[dict[str, Any]], last: dict, change: int
) -> dict[str, Any]:
    return {
        "last": last["rank"],
        "last_n": last["ranked"],
        "now": row["rank"],
        "now_n": results.ranked_in_group(rows, row["group"]),
        "n": abs(change),
    }


def _doc(year: int) -> dict[str, Any]:
    if results.published(year, province()) is None:
        return results.live_document(year, province())
    return results.index_document(str(year), province_code=province())


def _groups(doc: dict[str, Any]) -> list[tuple[str, list[dict]]]:
    out: dict[str, list[dict]] = {}
    for r in doc["agencies"]:
        out.setdefault(r["group"] or _("No group"), []).append(r)
    return list(out.items())


@login_required
def ranking(request: HttpRequest, year: int) -> HttpResponse:
    # an appraiser who is no unit's staff reads the rows of the units their teams appraise
    if not (sees_results(request.user) or access.appraises_year(request.user, year)):
        raise PermissionDenied
    doc = results.ranking_document(year, province())
    everyone = doc["agencies"]
    seen = _unit_pages(request.user, year)
    if seen is not permissions.EVERYTHING:
        # before publication a unit's staff see their own units' rows only: not another
        # unit's provisional points, grade or weakest criteria, nor a mean made of them
        doc = dict(doc)
        doc["agencies"] = [r for r in doc["agencies"] if r["code"] in seen]
        doc["not_submitted"] = [u for u in doc.get("not_submitted", []) if u["code"] in seen]
    trend = _group_trend_chart(_year_docs(year, doc["agencies"]))
    q = fold(request.GET.get("q", "").strip())
    if q:
        doc = dict(doc)
        doc["agencies"] = [
            r for r in doc["agencies"] if q in fold(r["name"]) or q in r["code"].lower()
        ]
    # the drafts the page lists apart, under the same search; the downloads end with them
    doc = dict(doc)
    doc["not_submitted"] = [
        u
        for u in doc.get("not_submitted", [])
        if not q or q in fold(u["name"]) or q in u["code"].lower()
    ]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        last_ranks = results.rank_history(year, province()) if doc["agencies"] else {}
        changes = {
            r["code"]: comparable_change(r, everyone, last_ranks.get(r["code"]))
            for r in doc["agencies"]
        }
        header, rows = exports.ranking_rows(doc, changes, criterion_names(year))
        title = (
            _("PAR INDEX ranking %(year)s")
            if doc["frozen"]
            else _("PAR INDEX ranking %(year)s (provisional, not published)")
        ) % {"year": year}
        return download(title, header, rows, fmt, f"par-{year}")
    history = (
        ResultSet.objects.filter(year=year, province_code=province())
        .defer("document", "summary")
        .order_by("-version")
    )
    ha = access.is_home_affairs(request.user)
    current = next((h for h in history if h.current), None) if doc["frozen"] else None
    readiness = results.readiness(year, province()) if ha and not doc["frozen"] else None
    return render(
        request,
        "reform/ranking.html",
        {
            "year": year,
            "doc": doc,
            "groups": _ranking_groups(doc, year, seen, everyone),
            "not_submitted": doc["not_submitted"],
            "history": history,
            # a restated year says why; appraisals changed since are named until restated
            "current": current,
            "changed_since": publishing.changed_since_publication(year, province())
            if current is not None
            else [],
            "ha": ha,
            "readiness": readiness,
            "unfinished_message": publishing.unfinished_message(readiness) if readiness else "",
            "templates": Template.objects.filter(year=year, status="PUBLISHED").order_by("code")
            if readiness and readiness["unfinished"]
            else [],
            "q": request.GET.get("q", ""),
            # the downloads hold what the page shows: the search is kept
            "export_query": {
                fmt: urlencode({**({"q": request.GET["q"]} if q else {}), "format": fmt})
                for fmt in ("xlsx", "pdf")
            },
            "trend": trend,
        },
    )


def _year_docs(year: int, rows: list[dict[str, Any]]) -> list[tuple[int, list[dict]]]:
    """The rows of the published years before this one (at most five, current versions, from
    their summaries) and this year's rows, oldest first (for the year-on-year charts)."""
    docs = [
        (rs.year, rs.summary)
        for rs in ResultSet.objects.filter(
            province_code=province(), current=True, year__gte=year - 5, year__lt=year
        )
        .only("year", "summary")
        .order_by("year")
    ]
    docs.append((year, rows))
    return docs


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _group_trend_chart(docs: list[tuple[int, list[dict]]]) -> dict[str, Any] | None:
    """Mean index % of each ranking group, year on year."""
    by_year: list[dict[str, list[float]]] = []
    for _y, rows in docs:
        by_group: dict[str, list[float]] = {}
        for r in rows:
            if r["total"] is not None:
                by_group.setdefault(r["group"] or _("No group"), []).append(r["total"])
        by_year.append(by_group)
    names = sorted({g for d in by_year for g in d})
    return charts.line_chart(
        [y for y, _rows in docs],
        [
            (_("%(group)s (mean)") % {"group": g}, [_mean(d.get(g, [])) for d in by_year])
            for g in names
        ],
        x_label=_("Year"),
        y_label=_("Index (%)"),
    )


def _unit_trend_chart(
    docs: list[tuple[int, list[dict]]], code: str, *, peers_of: Container[int] = ()
) -> dict[str, Any] | None:
    """The unit's index % against its ranking group's best and mean, year on year (the group
    of each year, as it was ranked then); the group's figures only for the years in
    `peers_of` or published (see unit_result)."""
    unit, best, mean = [], [], []
    for y, rows in docs:
        mine = next((r for r in rows if r["code"] == code), None)
        peers = (
            [r["total"] for r in rows if r["group"] == mine["group"] and r["total"] is not None]
            if mine and y in peers_of
            else []
        )
        unit.append(mine["total"] if mine else None)
        best.append(max(peers) if peers else None)
        mean.append(_mean(peers))
    return charts.line_chart(
        [y for y, _rows in docs],
        [(_("This unit"), unit), (_("Group best"), best), (_("Group mean"), mean)],
        x_label=_("Year"),
        y_label=_("Index (%)"),
    )


def _unit_radar_chart(
    row: dict[str, Any], lost: list[dict[str, Any]], names: dict[str, str], *, peers_shown: bool
) -> dict[str, Any] | None:
    """The unit's index % per field (template order; fields with points only) against its
    ranking group's median and best, from the figures of the "where the points were lost"
    table (the unit alone while its group's figures are not shown)."""
    peers = {f["code"]: f for f in lost}
    fields = [(c, g["max"]) for c, g in row["groups"].items() if g["max"] and c in peers]
    series = [(_("This unit"), [row["groups"][c]["score"] / m * 100 for c, m in fields])]
    if peers_shown:
        series += [
            (_("Group median"), [peers[c]["median"] / m * 100 for c, m in fields]),
            (_("Group best"), [peers[c]["best"] / m * 100 for c, m in fields]),
        ]
    return charts.radar_chart([(c, names.get(c, c)) for c, _m in fields], series)


def _without_peers(lost: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "where the points were lost" rows with the group's best and median taken out: before
    publication they are made of the other units' provisional scores (a group's best is one
    unit's score), which a unit's staff may not see. Criteria then come most points lost
    first, since the gap to the best is not known."""
    hidden = {"best": None, "median": None, "behind_best": None}
    return [
        f
        | hidden
        | {
            "criteria": sorted(
                (c | hidden for c in f["criteria"]),
                key=lambda c: -round(c["lost"] or 0.0, 9),
            )
        }
        for f in lost
    ]


def criterion_names(year: int) -> dict[tuple[str, str], str]:
    """(template code, criterion code) -> the criterion's name, for the weakest criteria of the
    ranking (a bare "2.3" says nothing to a reader, on the page or in its downloads)."""
    return {
        (tcode, code): name
        for tcode, code, name in TemplateNode.objects.filter(template__year=year).values_list(
            "template__code", "code", "name"
        )
    }


def _ranking_groups(
    doc: dict[str, Any], year: int, linked: Container[str], everyone: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The ranking table per group with every cell formatted here: a province ranks hundreds of
    units and the template engine's filters per cell were most of the page's time. A unit's
    name links to its page where its code is in `linked`."""
    unit_base = reverse("reform:unit", args=[year, "CODE"]).removesuffix("CODE/")

    num = shown_2dp

    names = criterion_names(year)
    history = results.rank_history(year, province()) if doc["agencies"] else {}
    out = []
    for group, rows in _groups(doc):
        table = []
        for r in rows:
            mark, words = rank_change(r, everyone, history.get(r["code"]))
            url = f"{unit_base}{quote(r['code'])}/" if r["code"] in linked else ""
            table.append(
                {
                    "rank": r["rank"] or "—",
                    "change": mark,
                    "change_words": words,
                    "name": r["name"],
                    "url": url,
                    "points": num(r["points"]),
                    "max": num(r["max"]),
                    "total": num(r["total"]),
                    "grade": r.get("grade") or "",
                    # each with its name and, where the unit's page opens, a link to the
                    # criterion's row there
                    "weakest": [
                        {
                            "code": code,
                            "name": names.get((r.get("template") or "", code), ""),
                            "url": f"{url}#c-{code}" if url else "",
                        }
                        for code in r.get("weakest") or []
                    ],
                    # the bar's length in per cent of the chart (_bars.html)
                    "pct": round(max(0.0, min(100.0, r["total"] or 0.0)), 2),
                    "shown": num(r["total"]),
                    # ranked on self scores nobody has appraised yet (domain.md §7)
                    "provisional": r.get("status", AssessmentStatus.FINAL)
                    != AssessmentStatus.FINAL,
                }
            )
        out.append({"name": group, "rows": table})
    return out


@login_required
@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    require_ha(request)
    try:
        publishing.publish_results(
            year,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            confirm_incomplete=bool(request.POST.get("confirm_incomplete")),
        )
        messages.success(request, _("Results published."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("reform:ranking", year=year)


@login_required
def unit_result(request: HttpRequest, year: int, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if agency.code not in _unit_pages(request.user, year):
        raise PermissionDenied
    doc = _doc(year)
    try:
        row = results.unit_row(doc, code)
        lost = results.where_points_lost(doc, code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    # the group's figures are the other units' scores: shown to whoever sees every unit's row
    # of the ranking, to a unit's own staff only once the year is published
    peers_shown = _unit_pages(request.user, year) is permissions.EVERYTHING
    if not peers_shown:
        lost = _without_peers(lost)
    # the names of the unit's own template: a province scores its departments and its
    # communes with two templates of the same year, whose codes "1.2" name different criteria
    nodes = TemplateNode.objects.filter(template__year=year)
    if row.get("template"):
        nodes = nodes.filter(template__code=row["template"])
    names = dict(nodes.values_list("code", "name"))
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        header, rows = exports.lost_rows(lost, names, peers_shown=peers_shown)
        title = _("PAR INDEX %(year)s: where %(unit)s lost points") % {
            "year": year,
            "unit": agency.name,
        }
        return download(title, header, rows, fmt, f"par-{year}-{agency.code}-diem-bi-mat")
    whatif = None
    a = (
        Assessment.objects.filter(template__year=year, agency=agency)
        .select_related("template")
        .first()
    )
    leaves = []
    if a is not None:
        leaves = list(
            a.template.nodes.filter(children__isnull=True)
            .select_related("parent")
            .order_by("order", "id")
        )
    measures = sorted({n.measure for n in leaves if n.method == Method.COMPUTED})
    asked = bool(request.GET.get("whatif")) and a is not None
    whatif_form = WhatIfForm(
        request.GET if asked else None, leaves=leaves, measures=measures, auto_id="wi-%s"
    )
    if asked and whatif_form.is_valid():
        changes: dict[str, float | None] = dict(whatif_form.changes())
        metric = whatif_form.cleaned_data.get("metric")
        pct = whatif_form.cleaned_data.get("metric_value")
        if metric and pct is not None:
            for n in leaves:
                if n.method == Method.COMPUTED and n.measure == metric:
                    pts = assessments.measure_points(n, float(pct))
                    changes[n.code] = float(pts) if pts is not None else None
        whatif = results.what_if(year, code, changes, province())
        whatif["changes"] = changes
    return render(
        request,
        "reform/unit.html",
        {
            "year": year,
            "agency": agency,
            "row": row,
            # "64/64": a bare rank did not say the unit was its group's last
            "ranked_in_group": results.ranked_in_group(doc["agencies"], row["group"]),
            # the ranking's weakest criteria, each a link to its row of the table below
            "weakest": [{"code": c, "name": names.get(c, "")} for c in row.get("weakest") or []],
            # marked in the table, where a weakest criterion may sit below one that lost more
            "weakest_codes": set(row.get("weakest") or []),
            "rank_change": rank_change_text(
                row, doc["agencies"], results.rank_history(year, province()).get(code)
            ),
            "lost": lost,
            "names": names,
            "radar": _unit_radar_chart(row, lost, names, peers_shown=peers_shown),
            "peers_shown": peers_shown,
            "whatif": whatif,
            "leaves": leaves,
            "assessment": a,
            "can_sheet": a is not None and access.can_view(request.user, a),
            # each field's and criterion's code leads to its row of the scoring sheet, where
            # the items' scores, evidence and appraisal comments behind its points are
            "sheet_url": reverse("reform:assessment", args=[a.pk]) if a is not None else "",
            "whatif_form": whatif_form,
            "frozen": doc.get("frozen", False),
            "trend": _unit_trend_chart(
                _year_docs(year, doc["agencies"]),
                code,
                # the published years before this one; this year's once published or seen whole
                peers_of=range(year + 1) if peers_shown else range(year),
            ),
        },
    )


def public(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Published results, for everyone."""
    sets = (
        ResultSet.objects.filter(province_code=province(), current=True)
        .defer("document")
        .order_by("-year")
    )
    chosen = sets.filter(year=year).first() if year else sets.first()
    doc = {"agencies": chosen.summary} if chosen else None
    groups = [
        (
            name,
            [
                r
                | {
                    "pct": round(max(0.0, min(100.0, r["total"] or 0.0)), 2),
                    "shown": shown_2dp(r["total"]),
                }
                for r in rows
            ],
        )
        for name, rows in (_groups(doc) if doc else [])
    ]
    return render(
        request,
        "reform/public.html",
        {
            "chosen": chosen,
            "years": list(sets.values_list("year", flat=True)),
            "groups": groups,
        },
    )
