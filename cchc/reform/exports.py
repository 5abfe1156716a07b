"""Excel and PDF of the ranking, of a unit's scoring sheet with its evidence list and of a
template's criteria; a template as a bundle (par_templates.csv + par_nodes.csv in a zip,
interchange.md §6) that import_bundle loads into another installation."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.spreadsheets import header_row, sheet_name
from cchc.interchange.formats import csv_text, format_decimal
from cchc.reform import bundle
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    Score,
    Template,
    TemplateNode,
    TemplateStatus,
)


def _num(v: Any) -> Any:
    """A figure of the downloads as the pages show it: rounded once, half up, to 2 decimals
    (round() of the float read 8,15 where the page read 8,16)."""
    if v is None:
        return None
    return float(Decimal(str(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _pdf_cell(c: Any) -> str:
    """A cell of a PDF as the pages write it: a figure with 2 decimals and the language's
    decimal comma (91,93, not 91.93); counts and ranks (int) as they are."""
    if c is None:
        return ""
    if isinstance(c, float | Decimal):
        return number_format(c, 2)
    return str(c)


def ranking_rows(
    doc: dict[str, Any],
    changes: dict[str, int | None],
    names: dict[tuple[str, str], str] | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """The ranking's download; `changes`: each unit's change of rank where it is comparable
    (views.rankings.comparable_change), empty otherwise, as the page shows "—"; `names`:
    (template code, criterion code) -> name, so the weakest criteria read "2.3 <name>" as on
    the page (a leader handed the file read bare codes)."""
    names = names or {}
    header = [
        _("Ranking group"),
        _("Rank"),
        _("Rank change"),
        _("Code"),
        _("Unit"),
        _("Points"),
        _("Maximum"),
        _("Index %"),
        _("Grade"),
        _("Weakest criteria"),
        _("Status of the result"),
    ]
    rows = [
        [
            r["group"] or "",
            r["rank"],
            changes.get(r["code"]),
            r["code"],
            r["name"],
            _num(r["points"]),
            _num(r["max"]),
            _num(r["total"]),
            r.get("grade") or "",
            "; ".join(
                " ".join(filter(None, (code, names.get((r.get("template") or "", code)))))
                for code in r.get("weakest") or []
            ),
            _result_status(doc, r),
        ]
        for r in doc["agencies"]
    ]
    if doc.get("not_submitted"):
        # the page's "not submitted yet" units, after the ranked ones as on the page: a file
        # without them read as if every unit that opened a sheet had been ranked
        blank: list[Any] = [None] * len(header)
        rows += [blank, [_("Not submitted yet (not ranked)"), *blank[1:]]]
        rows += [
            [
                u["group"] or "",
                *blank[1:3],
                u["code"],
                u["name"],
                *blank[5:-1],
                _("not submitted: still a draft"),
            ]
            for u in doc["not_submitted"]
        ]
    return header, rows


def _result_status(doc: dict[str, Any], row: dict[str, Any]) -> str:
    """What the page says with its "Provisional" and "not appraised yet" badges, in each row
    of the download: a provisional ranking passed on as a file read as the published one."""
    if doc.get("frozen"):
        return _("published (version %(v)s)") % {"v": doc.get("result_version") or 1}
    if row.get("status", AssessmentStatus.FINAL) != AssessmentStatus.FINAL:
        return _("provisional: not appraised yet, not published")
    return _("provisional: appraised, not published")


def lost_rows(
    lost: list[dict[str, Any]], names: dict[str, str], *, peers_shown: bool
) -> tuple[list[str], list[list[Any]]]:
    """The unit page's "where the points were lost" table (`results.where_points_lost`), each
    field followed by its criteria, for a leader to take to a meeting; the group's best and
    median only where the page shows them."""
    header = [
        _("Code"),
        _("Content"),
        _("Score"),
        _("Maximum"),
        _("Points lost"),
        _("Lost, % of maximum"),
    ]
    if peers_shown:
        header += [_("Group best"), _("Group median")]
    rows = []
    for field in lost:
        for item in [field, *field["criteria"]]:
            row = [
                item["code"],
                names.get(item["code"], ""),
                _num(item["score"]),
                _num(item["max"]),
                _num(item["lost"]) if item["counted"] else _("not counted"),
                _num(item.get("lost_share")),
            ]
            if peers_shown:
                row += [_num(item["best"]), _num(item["median"])]
            rows.append(row)
    return header, rows


def sheet_rows(assessment: Assessment) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Code"),
        _("Content"),
        _("Maximum"),
        pgettext("scoring", "Method"),
        _("Self score"),
        _("Appraised score"),
        _("Survey score"),
        _("Appraisal comment"),
        _("Evidence"),
        pgettext("PAR evidence", "Explanation"),
    ]
    scores = {
        s.node_id: s for s in assessment.scores.prefetch_related("evidence", "evidence__file")
    }
    rows = []
    for n in assessment.template.nodes.all().order_by("order", "id"):
        s = scores.get(n.pk)
        evidence = (
            "; ".join(
                f"{e.doc_number} ({e.issuer}, {e.doc_date:%d/%m/%Y})"
                + (f" [{e.file.name}]" if e.file else "")
                for e in s.evidence.all()
            )
            if s
            else ""
        )
        rows.append(
            [
                n.code,
                n.name,
                _num(n.max_points),
                n.get_method_display() if n.method else "",
                _num(s.self_score) if s else None,
                _num(s.appraised_score) if s else None,
                _num(s.survey_score) if s else None,
                s.appraisal_comment if s else "",
                evidence,
                s.explanation if s else "",
            ]
        )
    return header, rows


def xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(title)
    header_row(ws, header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, TableStyle

    from cchc.paperwork.pdf import Styles, build_pdf, p

    st = Styles()
    data = [[p(str(h), st.small_bold) for h in header]]
    data += [[p(_pdf_cell(c), st.small) for c in r] for r in rows]
    table = LongTable(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return build_pdf(
        [p(title, st.title), table],
        pagesize=landscape(A4),
        margins=(12, 12, 12, 12),
        title=title,
    )


def _tree(template: Template) -> list[TemplateNode]:
    """The template's nodes, each after its parent, in the page's order."""
    nodes = list(template.nodes.select_related("parent").order_by("order", "pk"))
    kids: dict[int | None, list[TemplateNode]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    out: list[TemplateNode] = []

    def walk(parent_id: int | None) -> None:
        for n in kids.get(parent_id, []):
            out.append(n)
            walk(n.pk)

    walk(None)
    return out


def template_rows(template: Template) -> tuple[list[str], list[list[Any]]]:
    """The criteria as units read them: every node with its maximum, method, scoring
    guidance and the evidence it asks for."""
    header = [
        _("Code"),
        _("Parent"),
        _("Kind"),
        _("Content"),
        _("Maximum"),
        pgettext("scoring", "Method"),
        _("Scoring guidance"),
        _("Required evidence"),
    ]
    rows = [
        [
            n.code,
            n.parent.code if n.parent else "",
            str(n.get_kind_display()),
            n.name,
            _num(n.max_points),
            str(n.get_method_display()) if n.method else "",
            n.guidance,
            n.evidence_required,
        ]
        for n in _tree(template)
    ]
    return header, rows


def _template_files(templates: list[Template]) -> tuple[str, str]:
    """par_templates.csv and par_nodes.csv of `templates` as `import_bundle` reads them: the
    nodes each after its parent, with the optional columns (guidance, evidence, the measure
    of a computed node and its rule), so a template arrives whole."""
    template_csv = csv_text(
        list(bundle.TEMPLATE_COLUMNS),
        [[t.code, str(t.year), t.name, str(int(t.survey_optional))] for t in templates],
    )
    nodes_csv = csv_text(
        [*bundle.NODE_COLUMNS, *bundle.OPTIONAL_NODE_COLUMNS],
        [
            [
                t.code,
                n.code,
                n.parent.code if n.parent else "",
                n.kind,
                n.name,
                format_decimal(n.max_points),
                n.method,
                n.guidance,
                n.evidence_required,
                n.measure,
                json.dumps(n.measure_rule, ensure_ascii=False) if n.measure_rule else "",
            ]
            for t in templates
            for n in _tree(t)
        ],
    )
    return template_csv, nodes_csv


def template_bundle(template: Template) -> bytes:
    """par_templates.csv and par_nodes.csv of the template, zipped: unzipped into a folder,
    `import_bundle` loads it (as a published template, its tree checked again)."""
    templates, nodes = _template_files([template])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(bundle.TEMPLATES, templates)
        z.writestr(bundle.NODES, nodes)
    return out.getvalue()


def par_files(years: Iterable[int]) -> dict[str, str]:
    """The PAR INDEX part of an exported bundle (interchange.md §6): the published templates
    of `years` and the scores of their finalised assessments, one row per unit and
    sub-criterion, as `import_bundle` reads them ("a bundle's scores are final": a
    self-assessment still in progress stays where it is worked on). Without them an
    installation moved with export_bundle lost its PAR INDEX years."""
    templates = list(
        Template.objects.filter(status=TemplateStatus.PUBLISHED, year__in=list(years)).order_by(
            "year", "code"
        )
    )
    template_csv, nodes_csv = _template_files(templates)
    scores = (
        Score.objects.filter(
            assessment__template__in=templates,
            assessment__status=AssessmentStatus.FINAL,
            node__children__isnull=True,
        )
        .select_related("assessment__template", "assessment__agency", "node")
        .order_by(
            "assessment__template__year",
            "assessment__template__code",
            "assessment__agency__code",
            "node__order",
            "node__pk",
        )
    )

    def cell(value: Any) -> str:
        return "" if value is None else format_decimal(value)

    scores_csv = csv_text(
        list(bundle.SCORE_COLUMNS),
        [
            [
                s.assessment.template.code,
                s.assessment.agency.code,
                s.node.code,
                cell(s.self_score),
                cell(s.appraised_score),
                cell(s.survey_score),
            ]
            for s in scores
        ],
    )
    return {bundle.TEMPLATES: template_csv, bundle.NODES: nodes_csv, bundle.SCORES: scores_csv}
