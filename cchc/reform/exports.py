"""Excel and PDF of the ranking and of a unit's scoring sheet with its evidence list."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from cchc.reform.models import Assessment


def _num(v: Any) -> Any:
    return None if v is None else round(float(v), 2)


def ranking_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
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
    ]
    rows = [
        [
            r["group"] or "",
            r["rank"],
            r["rank_change"],
            r["code"],
            r["name"],
            _num(r["points"]),
            _num(r["max"]),
            _num(r["total"]),
            r.get("grade") or "",
        ]
        for r in doc["agencies"]
    ]
    return header, rows


def sheet_rows(assessment: Assessment) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Code"),
        _("Content"),
        _("Maximum"),
        _("Method"),
        _("Self score"),
        _("Appraised score"),
        _("Survey score"),
        _("Appraisal comment"),
        _("Evidence"),
        _("Explanation"),
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
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
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
    data += [[p("" if c is None else str(c), st.small) for c in r] for r in rows]
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
