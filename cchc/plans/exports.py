"""Excel (openpyxl) and PDF (reportlab, through cchc.paperwork.pdf's fonts and grid) exports,
and the inline SVG chart of a unit's year (no JavaScript, prints as it shows)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.spreadsheets import header_row
from cchc.core.text import fold
from cchc.paperwork import pdf
from cchc.plans import status as st


def disposition(title: str, *details: Any, extension: str, inline: bool = False) -> str:
    """The Content-Disposition of one of the app's downloads, named for what it holds: the
    Vietnamese title folded to lower-case ASCII ("Thi đua" → "thi-dua"), then the details that
    tell two downloads apart (unit code, plan, year, day) as they are written ("H26.100"), the
    empty ones left out: "thi-dua-2026.xlsx", "nhiem-vu-qua-han-H26.100-20260512.xlsx" (the
    task list and the emulation ranking were both "nhiem-vu-…")."""
    words = [fold(title), *(str(d) for d in details if d)]
    name = re.sub(r"[^A-Za-z0-9.]+", "-", " ".join(words)).strip("-.")
    return f'{"inline" if inline else "attachment"}; filename="{name}.{extension}"'


def _tasks_total() -> str:
    """The heading of a count of tasks (not a sum of points)."""
    return pgettext("number of tasks", "Total")


def chart_svg(monthly: list[dict[str, Any]]) -> str:
    """Stacked bars per month: done on time, done late, overdue (of the tasks due that month)."""
    width, height, pad = 600, 180, 24
    top = max([m["due"] for m in monthly] + [1])
    bar = (width - 2 * pad) / 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 30}" '
        f'role="img" aria-label="{escape(_("Tasks due per month"))}" class="plans-chart">'
    ]
    colours = (("on_time", "#2e7d32"), ("late", "#f9a825"), ("overdue", "#c62828"))
    for i, m in enumerate(monthly):
        x = pad + i * bar
        y = height
        for key, colour in colours:
            h = (height - pad) * m[key] / top
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x + 4:.1f}" y="{y:.1f}" width="{bar - 8:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{m["month"]:02d}: {m[key]}</title></rect>'
                )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 16}" font-size="11" '
            f'text-anchor="middle">{m["month"]:02d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def task_state(task: Any, today: dt.date) -> str:
    """The national status word of a task as the list shows it (its deadline in force)."""
    if task.completed_on is not None:
        return st.DONE_ON_TIME if task.completed_on <= task.deadline_in_force else st.DONE_LATE
    return st.OVERDUE if task.deadline_in_force < today else st.WITHIN_DEADLINE


def _day_sheet(today: dt.date, headings: list[Any]) -> tuple[Any, Any]:
    """A workbook of one sheet named after the day (dd-mm-yyyy), its headings written."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = today.strftime("%d-%m-%Y")
    header_row(ws, headings)
    return wb, ws


def tasks_xlsx(tasks: Iterable[Any], today: dt.date) -> bytes:
    """The task list as a sheet: dates are date cells shown dd/mm/yyyy, progress a number."""
    wb, ws = _day_sheet(
        today,
        [
            _("Code"),
            _("Title"),
            _("Lead unit"),
            _("Source document"),
            _("Assigned on"),
            _("Deadline"),
            _("Completed on"),
            _("Status"),
            _("Days late"),
            _("Progress (%)"),
        ],
    )
    for t in tasks:
        state = task_state(t, today)
        late_until = t.completed_on or today
        ws.append(
            [
                t.code,
                t.title,
                t.lead_agency.name,
                t.source_document,
                t.assigned_on,
                t.deadline_in_force,
                t.completed_on,
                str(st.LABELS[state]),
                max((late_until - t.deadline_in_force).days, 0),
                t.progress,
            ]
        )
    for column in "EFG":
        for cell in ws[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJ", (16, 60, 32, 20, 12, 12, 12, 28, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def inspections_xlsx(inspections: Iterable[Any], today: dt.date) -> bytes:
    """The inspection list as a sheet: one row per inspection with its findings counted (all,
    still open) and where their remediation stands; dates are date cells shown dd/mm/yyyy."""
    from cchc.plans.inspection_models import REMEDIATION_LABELS, remediation_state

    wb, ws = _day_sheet(
        today,
        [
            _("Code"),
            _("Unit"),
            _("Inspection plan"),
            _("Kind"),
            _("Scheduled on"),
            _("Inspected on"),
            _("Concluded on"),
            _("Status"),
            _("Findings"),
            _("Open findings"),
            _("Remediation due"),
            _("Remediation"),
        ],
    )
    for insp in inspections:
        ws.append(
            [
                insp.code,
                insp.agency.name,
                str(insp.plan) if insp.plan_id else "",
                _("Surprise") if insp.surprise else _("Planned"),
                insp.scheduled_on,
                insp.inspected_on,
                insp.concluded_on,
                insp.status_label,
                insp.findings_count,
                insp.open_findings,
                insp.remediation_due,
                str(REMEDIATION_LABELS[remediation_state(insp, today)]),
            ]
        )
    for column in "EFGK":
        for cell in ws[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    widths = (16, 36, 36, 12, 12, 12, 12, 26, 10, 10, 12, 32)
    for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def emulation_xlsx(rows: list[dict[str, Any]], year: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    header = [
        _("Group"),
        _("Code"),
        _("Unit"),
        _tasks_total(),
        str(st.LABELS[st.DONE_ON_TIME]),
        str(st.LABELS[st.DONE_LATE]),
        str(st.LABELS[st.WITHIN_DEADLINE]),
        str(st.LABELS[st.OVERDUE]),
        _("Completion rate (%)"),
        _("On-time rate (%)"),
        _("Score"),
        _("Rank"),
    ]
    header_row(ws, header)
    for r in rows:
        ws.append(
            [
                r["group"],
                r["code"],
                str(r["agency"] or ""),
                r["total"],
                r["done_on_time"],
                r["done_late"],
                r["within_deadline"],
                r["overdue"],
                r["completion_rate"],
                r["on_time_rate"],
                r["score"],
                r["rank"],
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unit_xlsx(report: dict[str, Any]) -> bytes:
    """A unit's year as its page shows it: the counts and rates, by source document, then
    every task counted with its status; dates are date cells shown dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    c, rates = report["counts"], report["rates"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    ws.append([report["agency"].name])
    ws.append(
        [
            _("Assigned tasks of %(unit)s, %(year)s")
            % {"unit": report["agency"].name, "year": report["year"]},
        ]
    )
    ws.append([_("As of"), report["as_of"]])
    ws["B3"].number_format = "DD/MM/YYYY"
    ws.append([])
    header = [
        _tasks_total(),
        *[str(st.LABELS[k]) for k in st.VOCABULARY],
        _("Completion rate (%)"),
        _("On-time rate (%)"),
    ]
    ws.append(header)
    ws.append(
        [
            c["total"],
            *[c[k] for k in st.VOCABULARY],
            rates["completion_rate"],
            rates["on_time_rate"],
        ]
    )
    bold_rows = [1, 5]
    ws.append([])
    ws.append([_("By source document")])
    ws.append(
        [
            _("Source document"),
            _tasks_total(),
            str(st.LABELS[st.OVERDUE]),
            _("Completion rate (%)"),
            _("On-time rate (%)"),
        ]
    )
    bold_rows += [ws.max_row - 1, ws.max_row]
    for d in report["by_document"]:
        ws.append([d["key"], d["total"], d["overdue"], d["completion_rate"], d["on_time_rate"]])
    for row in bold_rows:
        for cell in ws[row]:
            cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (32, 14, 14, 20, 14, 16, 16), strict=True):
        ws.column_dimensions[column].width = width

    tasks = wb.create_sheet(_("Tasks"))
    header_row(
        tasks,
        [
            _("Code"),
            _("Title"),
            _("Source document"),
            _("Assigned on"),
            _("Deadline"),
            _("Completed on"),
            _("Status"),
        ],
    )
    for t in report["tasks"]:
        tasks.append(
            [
                t["code"],
                t["title"],
                t["source_document"],
                t["assigned_on"],
                t["deadline_in_force"],
                t["completed_on"],
                str(st.LABELS[t["status"]]),
            ]
        )
    for column in "DEF":
        for cell in tasks[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFG", (16, 60, 24, 12, 12, 12, 28), strict=True):
        tasks.column_dimensions[column].width = width
    tasks.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unit_pdf(report: dict[str, Any]) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    styles = pdf.Styles()
    c = report["counts"]
    rates = report["rates"]
    title = _("Assigned tasks of %(unit)s, %(year)s") % {
        "unit": report["agency"].name,
        "year": report["year"],
    }
    story: list[Any] = [
        pdf.p(report["agency"].name.upper(), styles.bold_center),
        pdf.p(title, styles.title),
        pdf.p(_("As of %(d)s") % {"d": report["as_of"].strftime("%d/%m/%Y")}, styles.italic_center),
        Spacer(1, 4 * mm),
    ]
    rows = [
        [_tasks_total(), *[str(st.LABELS[k]) for k in st.VOCABULARY], _("On-time rate (%)")],
        [str(c["total"]), *[str(c[k]) for k in st.VOCABULARY], str(rates["on_time_rate"] or "—")],
    ]
    story.append(pdf.grid(rows, [25 * mm] * 6, styles))
    story += [Spacer(1, 4 * mm), pdf.p(_("By source document"), styles.bold_center)]
    rows = [
        [_("Source document"), _tasks_total(), str(st.LABELS[st.OVERDUE]), _("On-time rate (%)")]
    ]
    for d in report["by_document"]:
        rows.append([d["key"], str(d["total"]), str(d["overdue"]), str(d["on_time_rate"] or "—")])
    story.append(pdf.grid(rows, [80 * mm, 25 * mm, 30 * mm, 30 * mm], styles))
    story += [Spacer(1, 4 * mm), pdf.p(_("Overdue tasks"), styles.bold_center)]
    rows = [[_("Code"), _("Title"), _("Deadline")]]
    for t in report["overdue"]:
        deadline = t["deadline_in_force"].strftime("%d/%m/%Y")
        if t["extended"]:
            deadline += (
                "\n(" + _("extended from %(d)s") % {"d": t["deadline"].strftime("%d/%m/%Y")} + ")"
            )
        rows.append([t["code"], t["title"], deadline])
    story.append(pdf.grid(rows, [35 * mm, 100 * mm, 30 * mm], styles))
    return pdf.build_pdf(story, title=title)


def conclusion_pdf(inspection: Any) -> bytes:
    """The conclusion notice (thông báo kết luận kiểm tra) with the remediation deadline."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    styles = pdf.Styles()
    title = _("Conclusion notice of inspection %(code)s") % {"code": inspection.code}
    story: list[Any] = [
        pdf.p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles.bold_center),
        pdf.p("Độc lập - Tự do - Hạnh phúc", styles.bold_center),
        Spacer(1, 4 * mm),
        pdf.p(title.upper(), styles.title),
        pdf.p(
            _("Inspected unit: %(unit)s — inspected on %(d)s")
            % {
                "unit": inspection.agency.name,
                "d": inspection.inspected_on.strftime("%d/%m/%Y")
                if inspection.inspected_on
                else "—",
            },
            styles.body,
        ),
        pdf.p(inspection.conclusion, styles.body),
        Spacer(1, 3 * mm),
    ]
    rows = [[_("Content"), _("Result"), _("Note")]]
    for r in inspection.results.all():
        rows.append([r.label, r.get_result_display(), r.note])
    story.append(pdf.grid(rows, [80 * mm, 30 * mm, 55 * mm], styles))
    story += [Spacer(1, 3 * mm), pdf.p(_("Findings and remediation"), styles.bold_center)]
    rows = [[_("Code"), _("Finding"), _("Severity"), _("Responsible person"), _("Deadline")]]
    for f in inspection.findings.all():
        rows.append(
            [
                f.code,
                f.description,
                f.get_severity_display(),
                f.responsible_person,
                f.corrective_task.deadline.strftime("%d/%m/%Y") if f.corrective_task_id else "—",
            ]
        )
    story.append(pdf.grid(rows, [28 * mm, 62 * mm, 22 * mm, 30 * mm, 23 * mm], styles))
    if inspection.remediation_due:
        story.append(
            pdf.p(
                _("The unit reports its remediation by %(d)s.")
                % {"d": inspection.remediation_due.strftime("%d/%m/%Y")},
                styles.body,
            )
        )
    return pdf.build_pdf(story, title=title)
