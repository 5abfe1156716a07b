"""The PDF results report of a campaign (issue 13.10): the province's figure (and its row of
component figures at the head of the table), then per unit
its SIPAS with the 95 % interval, n valid / n invalid, its rank within its ranking group and
its component profile; then each unit's weakest items. Drawn with the paperwork module's
fonts and styles (cchc.paperwork.pdf), numbers in Vietnamese notation (86,50)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, TableStyle

from cchc.core.calendar import LOCAL_TZ
from cchc.paperwork.pdf import Styles, build_pdf, p
from cchc.surveys.models import Campaign, Item, Method
from cchc.surveys.results import judging_minimum, method_of, target_verdict


def number(value: float | int | None) -> str:
    """A figure as the report prints it: two decimals, Vietnamese notation; "—" when none."""
    from cchc.indices.export import vi_number

    if value is None:
        return "—"
    return vi_number(float(value)) if isinstance(value, float) else vi_number(value)


def band(interval: list[float] | None) -> str:
    return f"{number(interval[0])} – {number(interval[1])}" if interval else "—"


def components_of(method: Method) -> list[tuple[str, str]]:
    return [(c["code"], c["name"]) for f in method.structure for c in f["components"]]


def _component_scores(unit: dict[str, Any]) -> dict[str, float | None]:
    return {
        code: comp["score"]
        for group in unit["groups"].values()
        for code, comp in group["components"].items()
    }


PADDING = 3  # points left and right of a cell's text (reportlab's default is 6)
WIDTH = 267 * mm  # landscape A4 less the margins
# the columns' widths before any widening: group, rank (or "insufficient sample"), unit,
# SIPAS, interval, n valid, n invalid; the components share what is left of the page
NOMINAL = (20 * mm, 24 * mm, 40 * mm, 14 * mm, 26 * mm, 12 * mm, 12 * mm)
# with the target's column after SIPAS (as on the results page) the unit's name and the
# interval give it room: nine components of "100,00" need 12 mm each, and the table spilled
# off the page's right edge with the other columns at their widths above
WITH_TARGET = (20 * mm, 24 * mm, 34 * mm, 14 * mm, 22 * mm, 20 * mm, 12 * mm, 12 * mm)


def nominal_widths(with_target: bool) -> tuple[float, ...]:
    return WITH_TARGET if with_target else NOMINAL


def fitting_width(cells: list[Any]) -> float:
    """The narrowest width that holds every word of `cells` (paragraphs) whole: a header
    wraps between words, never inside one (reportlab splits a word that does not fit its
    column, and "số phiếu hợp lệ" read "số p / hiếu hợp lệ")."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widest = max(
        (
            stringWidth(word, cell.style.fontName, cell.style.fontSize)
            for cell in cells
            for word in cell.getPlainText().split()
        ),
        default=0.0,
    )
    return widest + 2 * PADDING + 1  # a point to spare for rounding


def column_widths(
    rows: list[list[Any]], n_components: int, nominal: tuple[float, ...] = NOMINAL
) -> list[float]:
    """Each column at least as wide as its widest word (`fitting_width`), the fixed columns
    at least their nominal width, the components sharing what is left of the page."""
    needed = [fitting_width(list(cells)) for cells in zip(*rows, strict=True)]
    fixed = [max(width, need) for width, need in zip(nominal, needed, strict=False)]
    share = (WIDTH - sum(fixed)) / max(n_components, 1)
    return fixed + [max(share, need) for need in needed[len(nominal) :]]


def target_summary(campaign: Campaign, doc: dict[str, Any], minimum: int) -> str:
    """The target's line, as the results page words it (`results.html`, #target-summary):
    the target, how many of the units judged reached it, how many have too few answers to
    judge, and the province's verdict."""
    judged = [
        campaign.meets_target(a["total"], n_valid=a["n_valid"], minimum=minimum)
        for a in doc["agencies"]
    ]
    too_few = sum(
        1
        for a in doc["agencies"]
        if campaign.too_few_to_judge(a["total"], n_valid=a["n_valid"], minimum=minimum)
    )
    text = _(
        "SIPAS at least %(target)s %% — reached by %(met)s of the %(judged)s units with a figure"
    ) % {
        "target": number(float(campaign.target_index or 0)),
        "met": sum(1 for met in judged if met),
        "judged": sum(1 for met in judged if met is not None),
    }
    if too_few:
        text += "; " + ngettext(
            "%(n)s unit has too few answers to judge (fewer than %(minimum)s valid questionnaires)",
            "%(n)s units have too few answers to judge (fewer than %(minimum)s valid questionnaires)",
            too_few,
        ) % {"n": too_few, "minimum": minimum}
    province = doc["province"]
    verdict = target_verdict(campaign, province["total"], province.get("n_valid") or 0, minimum)
    if verdict:
        text += f" · {_('Province')}: {verdict}"
    return f"{_('Target')}: {text}"


def render_report(campaign: Campaign, doc: dict[str, Any]) -> bytes:
    """`doc` is the campaign's results document (published and frozen, or live)."""
    st = Styles()
    method = method_of(campaign, doc)
    components = components_of(method)
    province = doc["province"]
    agencies = sorted(
        doc["agencies"],
        key=lambda a: (a.get("group") or "", a["rank"] or 10**6, -(a["total"] or -1), a["code"]),
    )
    state = (
        _("Published on %(date)s")
        % {"date": timezone.localtime(campaign.published_at, LOCAL_TZ).strftime("%d/%m/%Y")}
        if campaign.is_published and campaign.published_at
        else _("Live figures, not published")
    )
    story: list[Any] = [
        p(_("SATISFACTION INDEX REPORT (SIPAS)"), st.title),
        p(campaign.name, st.bold_center),
        p(
            _("Period %(period)s · method %(method)s · %(state)s")
            % {"period": campaign.period, "method": doc.get("version", ""), "state": state},
            st.center,
        ),
        Spacer(1, 5 * mm),
        p(
            _(
                "Province: SIPAS %(total)s %% (95 %% interval %(band)s), %(valid)s valid and "
                "%(invalid)s invalid questionnaires."
            )
            % {
                "total": number(province["total"]),
                "band": band(province["interval"]),
                "valid": number(province["n_valid"]),
                "invalid": number(province["n_invalid"]),
            },
            st.body,
        ),
    ]
    with_target = campaign.target_index is not None
    minimum = judging_minimum(method)
    if with_target:
        story.append(p(target_summary(campaign, doc, minimum), st.body))
    story.append(Spacer(1, 3 * mm))

    def verdict(figures: dict[str, Any], style: Any) -> list[Any]:
        """The target column's cell (none without a target): the workbook's words."""
        if not with_target:
            return []
        said = target_verdict(campaign, figures["total"], figures.get("n_valid") or 0, minimum)
        return [p(said or "", style)]

    # "% i" in these two strings reads to xgettext as a conversion directive; they are never
    # %-formatted, and msgfmt -c rejects a python-format entry whose translation ends in "%"
    # xgettext:no-python-format
    interval_heading = _("95 % interval")
    head = [_("Group"), _("Rank"), _("Unit"), "SIPAS %"]
    head += [_("Target")] if with_target else []
    head += [interval_heading]
    head += [pgettext("a column header", "n valid"), pgettext("a column header", "invalid")]
    head += [code for code, _name in components]
    rows: list[list[Any]] = [[p(h, st.narrow_bold) for h in head]]
    # the province's own row first, over every unit's questionnaires: its component figures
    # are what the results page reads the province's weak criteria from
    province_scores = _component_scores(province) if province.get("groups") else {}
    rows.append(
        [
            p("", st.narrow_bold),
            p("", st.narrow_bold),
            p(_("Province"), st.narrow_bold),
            p(number(province["total"]), st.narrow_bold),
            *verdict(province, st.narrow_bold),
            p(band(province["interval"]), st.narrow_bold),
            p(number(province["n_valid"]), st.narrow_bold),
            p(number(province["n_invalid"]), st.narrow_bold),
        ]
        + [p(number(province_scores.get(code)), st.narrow_bold) for code, _name in components]
    )
    for a in agencies:
        scores = _component_scores(a)
        rank = str(a["rank"]) if a["rank"] is not None else (a.get("note") or "—")
        rows.append(
            [
                p(a.get("group") or "", st.narrow),
                p(rank, st.narrow),
                p(a["name"], st.narrow),
                p(number(a["total"]), st.narrow),
                *verdict(a, st.narrow),
                p(band(a["interval"]), st.narrow),
                p(number(a["n_valid"]), st.narrow),
                p(number(a["n_invalid"]), st.narrow),
            ]
            + [p(number(scores.get(code)), st.narrow) for code, _name in components]
        )
    table = LongTable(
        rows,
        colWidths=column_widths(rows, len(components), nominal_widths(with_target)),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
                ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#f3f4f6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 3 * mm)]
    story.append(
        p(
            "; ".join(f"{code}: {name}" for code, name in components),
            st.small,
        )
    )
    items = dict(method.items.filter(kind=Item.Kind.SATISFACTION).values_list("code", "text"))
    weak = [a for a in agencies if a.get("weakest_items")]
    if weak:
        story += [Spacer(1, 4 * mm), p(_("Weakest items of each unit"), st.small_bold)]
        for a in weak:
            story.append(
                p(
                    f"{a['name']}: "
                    + "; ".join(f"{c} {items.get(c, '')}".strip() for c in a["weakest_items"]),
                    st.small,
                )
            )
    story += [
        Spacer(1, 4 * mm),
        p(
            _(
                # xgettext:no-python-format
                "The 95 % interval is computed by Taylor linearisation of the index (a mean "
                "of item proportions); units with fewer valid questionnaires than the method's "
                "minimum are not ranked."
            ),
            st.small,
        ),
    ]
    return build_pdf(
        story,
        pagesize=landscape(A4),
        margins=(15, 15, 12, 12),
        title=f"SIPAS {campaign.code}",
        subject=campaign.name,
    )
