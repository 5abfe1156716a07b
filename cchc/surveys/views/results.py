"""Results: the ranking with intervals and the bias check (public once published), one
unit's profile and trend, the Excel workbook and the PDF report."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.agencies.models import Agency
from cchc.surveys.bias import bias_check, bias_margin
from cchc.surveys.models import Campaign, Item
from cchc.surveys.policies import can_follow, can_see_all_answers, can_see_answers
from cchc.surveys.results import answer_split, judging_minimum, method_of, too_few_text


def _downloads(campaign: Campaign, user: Any) -> dict[str, Any] | None:
    """What the results page offers for download of raw answers to `user`: the units whose
    answers they may read, whether all units at once, and open data; None for no one."""
    if not getattr(user, "is_authenticated", False):
        return None
    units = [u.agency for u in campaign.units_in_order()]
    everything = can_see_all_answers(user, campaign.province_code)
    if not everything:
        units = [a for a in units if can_see_answers(user, a)]
    if not units and not everything:
        return None
    from cchc.surveys import prepared_answers

    return {
        "units": units,
        "everything": everything,
        "files": prepared_answers.files_of(campaign) if everything else [],
        "open_data": everything and campaign.is_published,
    }


def _results_doc(campaign: Campaign, *, actor: Any) -> dict[str, Any]:
    """The frozen figures of a published campaign, else the last computed live ones (a
    recomputation is asked for when they are stale: cchc/surveys/live.py)."""
    from cchc.surveys import live

    if campaign.is_published:
        return campaign.published_results or {}
    return live.snapshot(campaign, actor=actor, load=()).document()


def _published_summary(campaign: Campaign) -> dict[str, Any]:
    """What the ranking shows of the frozen figures: a few kilobytes read from the cache
    instead of the whole document (about 1 MB for 180 units) on every view."""
    from cchc.surveys import live

    return live.cached(
        campaign, "summary", lambda: live.summarise(campaign.published_results or {})
    )


def results(request: HttpRequest, code: str) -> HttpResponse:
    """Ranking with intervals; public once published, else Home Affairs, survey staff and
    the province's inspectors (read-only: the page has no action)."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("method").defer("published_results"), code=code
    )
    if not campaign.is_published and not can_follow(request.user, campaign.province_code):
        raise Http404
    from cchc.surveys import live

    staff = can_follow(request.user, campaign.province_code)
    snapshot = None
    if campaign.is_published:
        doc = _published_summary(campaign)
    else:  # the last computed figures, stamped when newer responses are being counted
        snapshot = live.snapshot(campaign, actor=request.user)
        doc = snapshot.summary or {}
    # the figures of the 180-odd rows formatted here: the template's floatformat filter cost
    # a third of the page's time (bench_surveys.py, profile_pages.py)
    number = _number_formatter()
    # one reverse() for every row's link; the bars' coordinates as plain (unlocalised) text
    placeholder = "UNIT-CODE"
    unit_url = reverse("surveys:unit_results", args=[campaign.code, placeholder])
    previous = _previous_campaign(campaign)
    previous_summary = _published_summary(previous) if previous is not None else None
    before = (
        {a["code"]: a["total"] for a in previous_summary["agencies"]}
        if previous_summary is not None
        else {}
    )

    def change(a: dict[str, Any]) -> str:
        """Points gained (+) or lost since the previous campaign, as the two are printed."""
        old = before.get(a["code"])
        if old is None or a["total"] is None:
            return ""
        points = round((rounded(a["total"], 2) or 0) - (rounded(old, 2) or 0), 2)
        return ("+" if points > 0 else "") + number(points, 2)

    minimum = judging_minimum(method_of(campaign, doc))
    agencies = [
        {
            **a,
            "meets_target": campaign.meets_target(
                a["total"], n_valid=a["n_valid"], minimum=minimum
            ),
            "too_few": (
                too_few_text(a["n_valid"], minimum)
                if campaign.too_few_to_judge(a["total"], n_valid=a["n_valid"], minimum=minimum)
                else ""
            ),
            "before_text": number(before.get(a["code"]), 2),
            "change_text": change(a),
            "url": unit_url.replace(placeholder, quote(a["code"], safe="")),
            "bar": repr(a["total"]) if a["total"] is not None else "",
            "bar_low": repr(a["interval"][0]) if a["interval"] else "",
            "bar_high": repr(a["interval"][1]) if a["interval"] else "",
            "total_text": number(a["total"], 2),
            "interval_text": (
                f"{number(a['interval'][0], 1)}–{number(a['interval'][1], 1)}"
                if a["interval"]
                else ""
            ),
        }
        for a in sorted(doc["agencies"], key=ranking_order)
    ]
    target = None
    if campaign.target_index is not None:
        judged = [a["meets_target"] for a in agencies if a["meets_target"] is not None]
        target = {
            "text": number(float(campaign.target_index), 2),
            "x": f"{float(campaign.target_index):.2f}",  # the bars' notation, not the page's
            "met": sum(judged),
            "judged": len(judged),
            # units with a figure on fewer valid questionnaires than the method's minimum
            "too_few": sum(1 for a in agencies if a["too_few"]),
            "minimum": minimum,
            "province_met": campaign.meets_target(
                doc["province"]["total"], n_valid=doc["province"]["n_valid"], minimum=minimum
            ),
            "province_too_few": (
                too_few_text(doc["province"]["n_valid"], minimum)
                if campaign.too_few_to_judge(
                    doc["province"]["total"], n_valid=doc["province"]["n_valid"], minimum=minimum
                )
                else ""
            ),
        }
    # the province's index of each criterion (component): where the province loses its points
    names = {
        c["code"]: c["name"] for f in method_of(campaign, doc).structure for c in f["components"]
    }
    criteria = [
        {"code": code, "name": names.get(code, code), "text": number(score, 2)}
        for code, score in (doc["province"].get("components") or {}).items()
    ]
    province_interval = doc["province"].get("interval")
    bias = None
    margin: float | None = None
    if staff:
        margin = bias_margin(campaign)
        bias = [
            {
                **b,
                **{
                    f"{key}_text": number(b[key], 1)
                    for key in ("desk", "counter_rating", "independent", "gap")
                },
            }
            for b in bias_check(
                campaign, margin=margin, split=snapshot.bias_split if snapshot else None
            )
        ]
    columns = [
        _("Group"),
        _("Rank"),
        _("Unit"),
        "SIPAS %",
        *([_("Target")] if target else []),
        *(
            [_("SIPAS %% in %(period)s") % {"period": previous.period}, _("Change (points)")]
            if previous is not None
            else []
        ),
        _("95 % interval"),
        # the header, capitalised; "n valid" alone is also used mid-sentence
        pgettext("a column header", "n valid"),
    ]
    return render(
        request,
        "surveys/results.html",
        {
            "campaign": campaign,
            "doc": doc,
            "agencies": agencies,
            "target": target,
            "criteria": criteria,
            "ranking_labels": _ranking_labels(columns),
            "province_interval": (
                f"{number(province_interval[0], 1)}–{number(province_interval[1], 1)}"
                if province_interval
                else ""
            ),
            "previous": previous,
            # the province's own change since last year, beside the units' in the ranking
            "province_last_year": _last_year_of(
                previous,
                doc["province"].get("total"),
                (previous_summary or {}).get("province", {}).get("total"),
            ),
            "staff": staff,
            "bias": bias,
            "bias_margin": margin,
            "stamp": snapshot.stamp if snapshot else "",
            "downloads": _downloads(campaign, request.user),
        },
    )


def _ranking_labels(columns: list[str]) -> str:
    """The style rules that name each figure of the ranking on a phone, where a unit is a
    block of lines (static/cchc/surveys.css): column k's cells are preceded by its header."""
    from django.utils.safestring import mark_safe

    def text(label: str) -> str:
        escaped = "".join(c if c.isalnum() or c in " %.,()–-" else f"\\{ord(c):x} " for c in label)
        return f'"{escaped}"'

    return mark_safe(  # noqa: S308 - every character but letters, digits and a few is escaped
        "@media (max-width: 480px) {"
        + "".join(
            f"#ranking td:nth-child({k})::before{{content:{text(label)}}}"
            for k, label in enumerate(columns, start=1)
        )
        + "}"
    )


def _last_year_of(
    previous: Campaign | None, total: float | None, before: float | None
) -> dict[str, Any] | None:
    """A SIPAS in last year's published campaign and the change since, in points as both are
    printed; None without last year's figure."""
    if previous is None or before is None:
        return None
    return {"period": previous.period, "total": before, "change": _gap(total, before)}


def _previous_campaign(campaign: Campaign) -> Campaign | None:
    """The province's last published campaign of an earlier period (last year's survey),
    whose unit figures the ranking compares with."""
    return (
        Campaign.objects.filter(
            province_code=campaign.province_code,
            status=Campaign.Status.PUBLISHED,
            period__lt=campaign.period,
        )
        .exclude(pk=campaign.pk)
        .defer("published_results")
        .order_by("-period", "-published_at")
        .first()
    )


def ranking_order(agency: dict[str, Any]) -> tuple[Any, ...]:
    """The order the results page lists units in, which the Excel workbook keeps: by ranking
    group, then SIPAS from the highest (units without a figure last)."""
    return (agency["group"] or "", -(agency["total"] if agency["total"] is not None else -1))


def rounded(value: Any, places: int) -> float | None:
    """A figure rounded as the page prints it (half up, from the shortest decimal text of the
    float: 66.225 → 66.23 where round() gives 66.22)."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _number_formatter() -> Any:
    """`number(value, places)`: what `{{ value|floatformat:places }}` prints (half up, the
    active language's decimal separator, "" for no value), without the filter's cost."""
    from django.utils.formats import get_format

    separator = str(get_format("DECIMAL_SEPARATOR"))

    def number(value: Any, places: int) -> str:
        if value is None:
            return ""
        return f"{rounded(value, places):.{places}f}".replace(".", separator)

    return number


def results_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The results report as PDF: ranking with intervals, components, weakest items."""
    from cchc.surveys.report import render_report

    campaign = get_object_or_404(Campaign.objects.select_related("method"), code=code)
    if not campaign.is_published and not can_follow(request.user, campaign.province_code):
        raise Http404
    response = HttpResponse(
        render_report(campaign, _results_doc(campaign, actor=request.user)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="sipas-{campaign.code}.pdf"'
    return response


def unit_results(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """One unit: component profile chart, items, weakest items."""
    from cchc.surveys import live

    campaign = get_object_or_404(
        Campaign.objects.select_related("method").defer("published_results"), code=code
    )
    if not campaign.is_published and not can_follow(request.user, campaign.province_code):
        raise Http404

    def figures_of(doc: dict[str, Any]) -> dict[str, Any]:
        found = next((a for a in doc.get("agencies", []) if a["code"] == unit), None)
        province = doc.get("province") or {}
        return {
            "version": doc.get("version", ""),
            "figures": found,
            # how many chose each answer of each item (answer_split): read with the figures
            "split": answer_split(campaign, unit) if found is not None else {},
            "province_total": province.get("total"),
            # how many units of the unit's group are ranked: the base its rank is read against
            "ranked_in_group": sum(
                1
                for a in doc.get("agencies", [])
                if found is not None and a.get("group") == found.get("group") and a["rank"]
            ),
            # the province's component and item indices, which the unit's are read against
            "province": {
                code: value["score"]
                for f in (province.get("groups") or {}).values()
                for c, comp in f["components"].items()
                for code, value in [(c, comp), *comp["items"].items()]
            },
        }

    # one unit's figures cached on their own: not the whole document on every view
    stamp = ""
    if campaign.is_published:
        cached = live.cached(
            campaign, f"unit-figures:{unit}", lambda: figures_of(campaign.published_results or {})
        )
    else:
        snapshot = live.snapshot(campaign, actor=request.user, load=())
        cached = snapshot.cached(
            campaign, f"unit-figures:{unit}", lambda: figures_of(snapshot.document())
        )
        stamp = snapshot.stamp
    figures = cached["figures"]
    if figures is None:
        raise Http404
    method = method_of(campaign, cached)
    minimum = judging_minimum(method)
    items = {i.code: i for i in method.items.filter(kind=Item.Kind.SATISFACTION)}
    names = {c["code"]: c["name"] for f in method.structure for c in f["components"]}
    province = cached.get("province") or {}
    components = [
        {
            "code": c,
            "name": names.get(c, c),
            "score": comp["score"],
            "province": province.get(c),
            "gap": _gap(comp["score"], province.get(c)),
            # the bar's length as a percentage of the chart's width, in SVG's notation
            # (a point whatever the page's language: "66,67%" would draw nothing)
            "bar": f"{rounded(comp['score'], 2):.2f}" if comp["score"] is not None else "",
            "items": [
                {
                    "code": ic,
                    "text": items[ic].text if ic in items else ic,
                    **iv,
                    "province": province.get(ic),
                    "gap": _gap(iv["score"], province.get(ic)),
                }
                for ic, iv in comp["items"].items()
            ],
        }
        for f in figures["groups"].values()
        for c, comp in f["components"].items()
    ]
    split = cached.get("split") or {}
    labels = answer_labels(items.values())
    for c in components:
        for i in c["items"]:
            i["split"] = _split_bars(split.get(i["code"]), i["denominator"], labels)
    by_code = {i["code"]: i for c in components for i in c["items"]}
    agency = Agency.objects.filter(code=unit).first()
    # the unit's figure in last year's published campaign and the change since, as the
    # ranking prints them (a published document has no `change` of its own)
    previous = _previous_campaign(campaign)
    previous_summary = _published_summary(previous) if previous is not None else {}
    before = next(
        (a for a in previous_summary.get("agencies", []) if a["code"] == unit),
        None,
    )
    last_year = _last_year_of(previous, figures["total"], before and before["total"])
    # the province's SIPAS and its change since last year, which the unit's is read against
    province_total = cached.get("province_total")
    province_last_year = _last_year_of(
        previous, province_total, previous_summary.get("province", {}).get("total")
    )
    return render(
        request,
        "surveys/unit.html",
        {
            "campaign": campaign,
            "unit": figures,
            "components": components,
            "has_province": bool(province),
            # the weakest items with their figures, each a link to its row in the tables below
            "weakest": [by_code[c] for c in figures.get("weakest_items", []) if c in by_code],
            # what each answer's colour in the items' bars stands for
            "split_legend": next((i["split"] for i in by_code.values() if i["split"]), []),
            "answers_url": (
                f"{reverse('surveys:responses', args=[campaign.code])}?unit={quote(unit)}"
                if agency is not None and can_see_answers(request.user, agency)
                else ""
            ),
            "trend": _trend(campaign, unit),
            "last_year": last_year,
            "province_total": province_total,
            "province_last_year": province_last_year,
            "ranked_in_group": cached.get("ranked_in_group"),
            "meets_target": campaign.meets_target(
                figures["total"], n_valid=figures["n_valid"], minimum=minimum
            ),
            "too_few": (
                too_few_text(figures["n_valid"], minimum)
                if campaign.too_few_to_judge(
                    figures["total"], n_valid=figures["n_valid"], minimum=minimum
                )
                else ""
            ),
            "staff": can_follow(request.user, campaign.province_code),
            "stamp": stamp,
        },
    )


def answer_labels(items: Any) -> dict[int, str]:
    """The wording of each answer of the scale ({4: "Hài lòng"}), from the items' options."""
    return {
        option[0]: str(option[1])
        for item in items
        for option in item.options
        if isinstance(option, list | tuple) and len(option) == 2
    }


def split_counts(
    counts: dict[int, int] | None, base: int | None, scale: list[int]
) -> list[int | None]:
    """How many chose each answer of `scale`, or blanks where the counts do not add up to the
    item's valid answers (responses changed after the figures were frozen), as `_split_bars`
    leaves such a bar out: a split that disagrees with the figure beside it would mislead."""
    if not counts or not base or sum(counts.values()) != base:
        return [None] * len(scale)
    return [counts.get(answer, 0) for answer in scale]


def _split_bars(
    counts: dict[int, int] | None, base: int, labels: dict[int, str]
) -> list[dict[str, Any]]:
    """One item's answers as a stacked bar: each answer's count, its label and its stretch of
    the bar (x and width in per cent, SVG's notation). None where the counts do not add up to
    the item's valid answers (responses changed after the figures were frozen): a split that
    disagrees with the figure beside it would mislead."""
    if not counts or not base or sum(counts.values()) != base:
        return []
    bars, x = [], 0.0
    for answer, count in sorted(counts.items()):
        width = 100.0 * count / base
        bars.append(
            {
                "answer": answer,
                "label": labels.get(answer, str(answer)),
                "count": count,
                "x": f"{x:.2f}",
                "width": f"{width:.2f}",
                "colour": SPLIT_COLOURS.get(answer, "#9ca3af"),
            }
        )
        x += width
    return bars


# from red (1, very dissatisfied) through grey (3) to blue (5, very satisfied)
SPLIT_COLOURS = {1: "#b91c1c", 2: "#f87171", 3: "#9ca3af", 4: "#60a5fa", 5: "#1d4ed8"}


def _gap(value: float | None, province: float | None) -> float | None:
    """A figure minus another (the province's, last year's), in points as both are printed."""
    if value is None or province is None:
        return None
    return round((rounded(value, 2) or 0) - (rounded(province, 2) or 0), 2)


def _trend(campaign: Campaign, unit: str) -> list[dict[str, Any]]:
    """The unit's published SIPAS across the province's campaigns, oldest first. Read once
    per publication: the cache key changes with the number of published campaigns and the
    last publication (each published document is ~1 MB of JSON to read)."""
    from django.core.cache import cache
    from django.db.models import Count, Max

    published = Campaign.objects.filter(
        province_code=campaign.province_code, status=Campaign.Status.PUBLISHED
    )
    stamp = published.aggregate(n=Count("id"), last=Max("published_at"))
    last = stamp["last"].timestamp() if stamp["last"] else ""
    key = f"surveys:trend:{campaign.province_code}:{unit}:{stamp['n']}:{last}"
    found = cache.get(key)
    if found is not None:
        return list(found)
    out = []
    for c in published.order_by("period", "published_at"):
        figures = next(
            (a for a in (c.published_results or {}).get("agencies", []) if a["code"] == unit), None
        )
        if figures and figures["total"] is not None:
            out.append({"period": c.period, "name": c.name, "total": figures["total"]})
    cache.set(key, out, settings.SURVEY_LIVE_RESULTS_SECONDS)
    return out
