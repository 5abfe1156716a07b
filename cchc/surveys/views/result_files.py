"""A campaign's indices as files (Excel, CSV, SPSS .sav), with what the pages show beside
each figure: how many chose each answer (1 to 5) of every item, the province's figure and
the difference from it, and last year's published figure and the change since."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.surveys.models import Campaign, Item
from cchc.surveys.policies import can_follow
from cchc.surveys.results import answer_splits, judging_minimum, method_of, target_verdict
from cchc.surveys.views.results import (
    _gap,
    _number_formatter,
    _previous_campaign,
    _published_summary,
    _results_doc,
    answer_labels,
    ranking_order,
    rounded,
    split_counts,
)


@dataclass
class ResultFigures:
    """What every export of a campaign's indices is written from."""

    campaign: Campaign
    doc: dict[str, Any]
    agencies: list[dict[str, Any]]  # in the ranking's order
    previous: Campaign | None  # last year's published campaign
    before: dict[str, float | None]  # unit code -> its SIPAS in `previous`
    province_before: float | None  # the province's SIPAS in `previous`
    method: Any
    texts: dict[str, str]  # item code -> its wording
    scale: list[int]  # the answers counted (1 to 5)
    labels: dict[int, str]  # answer -> its wording
    splits: dict[str, dict[str, dict[int, int]]]  # unit -> item -> answer -> how many

    def province_split(self, item: str) -> dict[int, int]:
        """How many chose each answer of `item` over every unit's valid questionnaires."""
        return {
            answer: sum(s.get(item, {}).get(answer, 0) for s in self.splits.values())
            for answer in self.scale
        }


def _figures(request: HttpRequest, code: str) -> ResultFigures:
    """The campaign's figures for whoever may read its results page (anyone once published,
    else Home Affairs, survey staff and the province's inspectors)."""
    campaign = get_object_or_404(Campaign.objects.select_related("method"), code=code)
    if not campaign.is_published and not can_follow(request.user, campaign.province_code):
        raise Http404
    doc = _results_doc(campaign, actor=request.user)
    previous = _previous_campaign(campaign)
    summary = _published_summary(previous) if previous is not None else {}
    method = method_of(campaign, doc)
    items = list(method.items.filter(kind=Item.Kind.SATISFACTION))
    from cchc.surveys.methods import MethodSpec

    return ResultFigures(
        campaign=campaign,
        doc=doc,
        agencies=sorted(doc["agencies"], key=ranking_order),
        previous=previous,
        before={a["code"]: a["total"] for a in summary.get("agencies", [])},
        province_before=summary.get("province", {}).get("total"),
        method=method,
        texts={i.code: i.text for i in items},
        scale=sorted(MethodSpec.load(method).valid_answers),
        labels=answer_labels(items),
        splits=answer_splits(campaign),
    )


def _province_items(figures: ResultFigures) -> dict[str, float | None]:
    """The province's index of every component and item, which a unit's are read against."""
    return {
        code: value["score"]
        for f in ((figures.doc.get("province") or {}).get("groups") or {}).values()
        for c, comp in f["components"].items()
        for code, value in [(c, comp), *comp["items"].items()]
    }


def _unit_items(figures: ResultFigures) -> list[dict[str, Any]]:
    """One row per unit and item, in the ranking's order: the unit's SIPAS and its change since
    last year, the item's figures, the province's and the difference, and its answers' split."""
    province = _province_items(figures)
    rows = []
    for a in figures.agencies:
        before = figures.before.get(a["code"])
        for f in a["groups"].values():
            for c in f["components"].values():
                for item, v in c["items"].items():
                    rows.append(
                        {
                            "unit": a,
                            "before": before,
                            "change": _gap(a["total"], before),
                            "item": item,
                            "figures": v,
                            "province": province.get(item),
                            "difference": _gap(v["score"], province.get(item)),
                            "split": split_counts(
                                figures.splits.get(a["code"], {}).get(item),
                                v["denominator"],
                                figures.scale,
                            ),
                        }
                    )
    return rows


def _answered(figures: ResultFigures, answer: int) -> str:
    """The heading of the column counting `answer`: 'Chọn 1 (Rất không hài lòng)'."""
    label = figures.labels.get(answer)
    text = _("Answered %(answer)s") % {"answer": answer}
    return f"{text} ({label})" if label else text


# -- CSV and SPSS: one row per unit and item ------------------------------------------------
def _columns(figures: ResultFigures) -> list[tuple[str, str]]:
    """(variable name, label) of the CSV's and the .sav's columns."""
    period = figures.previous.period if figures.previous is not None else ""
    return [
        ("Nhom", _("Group")),
        ("MaDonVi", _("Unit code")),
        ("DonVi", _("Unit")),
        ("SIPAS", "SIPAS %"),
        ("SIPAS_KyTruoc", _("SIPAS %% in %(period)s") % {"period": period}),
        ("ThayDoi", _("Change (points)")),
        ("MaCauHoi", _("Item")),
        ("NoiDung", _("Question wording")),
        ("HaiLong", pgettext("a column header", "satisfied")),
        ("HopLe", pgettext("a column header", "valid")),
        ("ChiSo", _("Index (%)")),
        ("ToanTinh", _("Province (%)")),
        ("ChenhLech", _("Difference from the province (points)")),
        *((f"Chon{answer}", _answered(figures, answer)) for answer in figures.scale),
    ]


def _long_table(figures: ResultFigures) -> list[list[Any]]:
    return [
        [
            row["unit"]["group"],
            row["unit"]["code"],
            row["unit"]["name"],
            rounded(row["unit"]["total"], 2),
            rounded(row["before"], 2),
            row["change"],
            row["item"],
            figures.texts.get(row["item"], ""),
            row["figures"]["numerator"],
            row["figures"]["denominator"],
            rounded(row["figures"]["score"], 2),
            rounded(row["province"], 2),
            row["difference"],
            *row["split"],
        ]
        for row in _unit_items(figures)
    ]


def results_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every unit's item indices as CSV, one row per unit and item (variable names as the
    .sav's; the .sav carries their Vietnamese labels)."""
    import csv

    figures = _figures(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sipas-{figures.campaign.code}-chi-so.csv"'
    )
    response.write("\ufeff")  # Excel reads UTF-8 (the units' Vietnamese names) by this mark
    writer = csv.writer(response)
    writer.writerow([name for name, _label in _columns(figures)])
    writer.writerows(_long_table(figures))
    return response


def results_sav(request: HttpRequest, code: str) -> HttpResponse:
    """Every unit's item indices as an SPSS .sav (one row per unit and item) with the
    columns' Vietnamese labels."""
    import tempfile
    from pathlib import Path

    import pandas as pd
    import pyreadstat

    figures = _figures(request, code)
    columns = _columns(figures)
    frame = pd.DataFrame(_long_table(figures), columns=[name for name, _label in columns])
    for name in ("Nhom", "MaDonVi", "DonVi", "MaCauHoi", "NoiDung"):
        frame[name] = frame[name].map(lambda v: "" if v is None else str(v)).astype(object)
    for name, _label in columns:
        if name not in ("Nhom", "MaDonVi", "DonVi", "MaCauHoi", "NoiDung"):
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sipas.sav"
        pyreadstat.write_sav(frame, str(path), column_labels=[label for _n, label in columns])
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/x-spss-sav")
    response["Content-Disposition"] = (
        f'attachment; filename="sipas-{figures.campaign.code}-chi-so.sav"'
    )
    return response


# -- the Excel workbook ---------------------------------------------------------------------
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The ranking and every unit's item figures as an Excel workbook, in the page's order
    and with its two decimals (the cells hold the rounded figures, shown as 0.00)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    figures = _figures(request, code)
    campaign, doc, agencies, previous = (
        figures.campaign,
        figures.doc,
        figures.agencies,
        figures.previous,
    )
    before = figures.before
    book = Workbook()
    sheet = book.active
    sheet.title = "SIPAS"
    sheet.append(
        [
            _("Group"),
            _("Rank"),
            _("Unit code"),
            _("Unit"),
            "SIPAS %",
            pgettext("a column header", "low"),
            pgettext("a column header", "high"),
            pgettext("a column header", "n valid"),
            pgettext("a column header", "invalid"),
            _("Note"),
            # last year's figure and the change, as the page shows them (K, L)
            *([f"SIPAS % {previous.period}", _("Change (points)")] if previous is not None else []),
            # last, so the columns before it stay where readers' formulas expect them
            *(
                [f"{_('Target')} (SIPAS ≥ {_number_formatter()(campaign.target_index, 2)} %)"]
                if campaign.target_index is not None
                else []
            ),
        ]
    )
    minimum = judging_minimum(figures.method)

    def verdict(total: float | None, n_valid: int) -> str | None:
        """The target column's cell: reached, not reached, or too few answers to judge (the
        PDF report's words: `target_verdict`)."""
        return target_verdict(campaign, total, n_valid, minimum)

    for a in agencies:
        low, high = a["interval"] or (None, None)
        sheet.append(
            [
                a["group"],
                a["rank"],
                a["code"],
                a["name"],
                rounded(a["total"], 2),
                rounded(low, 2),
                rounded(high, 2),
                a["n_valid"],
                a["n_invalid"],
                a.get("note") or None,
                *(
                    [rounded(before.get(a["code"]), 2), _gap(a["total"], before.get(a["code"]))]
                    if previous is not None
                    else []
                ),
                *([verdict(a["total"], a["n_valid"])] if campaign.target_index is not None else []),
            ]
        )
    texts = figures.texts
    answered = [_answered(figures, answer) for answer in figures.scale]
    items = book.create_sheet(_("Items"))
    # the province's figure, the difference and the answers' split after the unit's own
    # (H onwards), so the columns before them stay where readers' formulas expect them
    items.append(
        [
            _("Unit code"),
            _("Unit"),
            _("Item"),
            _("Question wording"),
            pgettext("a column header", "satisfied"),
            pgettext("a column header", "valid"),
            "%",
            _("Province (%)"),
            _("Difference from the province (points)"),
            *answered,
        ]
    )
    for row in _unit_items(figures):
        items.append(
            [
                row["unit"]["code"],
                row["unit"]["name"],
                row["item"],
                texts.get(row["item"], ""),
                row["figures"]["numerator"],
                row["figures"]["denominator"],
                rounded(row["figures"]["score"], 2),
                rounded(row["province"], 2),
                row["difference"],
                *row["split"],
            ]
        )
    # the province's own figures, which the units are read against: its SIPAS with the base
    # and interval (and last year's with the change), then every component's and item's
    # index over all units' questionnaires with the answers' split
    province = doc.get("province") or {}
    whole = book.create_sheet(_("Province"))
    whole.append(
        [
            _("Province"),
            "SIPAS %",
            pgettext("a column header", "low"),
            pgettext("a column header", "high"),
            pgettext("a column header", "n valid"),
            pgettext("a column header", "invalid"),
            *([f"SIPAS % {previous.period}", _("Change (points)")] if previous is not None else []),
            *([_("Target")] if campaign.target_index is not None else []),
        ]
    )
    low, high = province.get("interval") or (None, None)
    whole.append(
        [
            _("Province"),
            rounded(province.get("total"), 2),
            rounded(low, 2),
            rounded(high, 2),
            province.get("n_valid"),
            province.get("n_invalid"),
            *(
                [
                    rounded(figures.province_before, 2),
                    _gap(province.get("total"), figures.province_before),
                ]
                if previous is not None
                else []
            ),
            *(
                [verdict(province.get("total"), province.get("n_valid") or 0)]
                if campaign.target_index is not None
                else []
            ),
        ]
    )
    whole.append([])
    whole.append(
        [
            _("Item"),
            _("Question wording"),
            "%",
            pgettext("a column header", "satisfied"),
            pgettext("a column header", "valid"),
            *answered,
        ]
    )
    names = {c["code"]: c["name"] for f in figures.method.structure for c in f["components"]}
    for f in (province.get("groups") or {}).values():
        for c, comp in f["components"].items():
            whole.append([c, names.get(c, c), rounded(comp["score"], 2)])
            whole.cell(whole.max_row, 1).font = Font(bold=True)
            whole.cell(whole.max_row, 2).font = Font(bold=True)
            for item_code, v in comp["items"].items():
                whole.append(
                    [
                        item_code,
                        texts.get(item_code, ""),
                        rounded(v["score"], 2),
                        v["numerator"],
                        v["denominator"],
                        *split_counts(
                            figures.province_split(item_code), v["denominator"], figures.scale
                        ),
                    ]
                )
    for row in (whole[1], whole[4]):
        for cell in row:
            cell.font = Font(bold=True)
    for column in "BCD" + ("GH" if previous is not None else ""):
        for cell in whole[column][1:2]:
            cell.number_format = "0.00"
    for cell in whole["C"][4:]:
        cell.number_format = "0.00"
    whole.column_dimensions["B"].width = 60
    for ws, percent_columns in ((sheet, "EFG"), (items, "GHI")):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in percent_columns:
            for cell in ws[column][1:]:
                cell.number_format = "0.00"
    if previous is not None:  # last year's figure and the change: the sheet's last columns
        for column in sheet.iter_cols(min_col=11, max_col=12, min_row=2):
            for cell in column:
                cell.number_format = "0.00"
    sheet.column_dimensions["D"].width = 40
    items.column_dimensions["B"].width = 30
    items.column_dimensions["D"].width = 60
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="sipas-{campaign.code}.xlsx"'
    return response
