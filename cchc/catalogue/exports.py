"""The catalogue as an Excel workbook (openpyxl), for the keepers' own lists and reports."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cchc.catalogue.models import Procedure
from cchc.core.spreadsheets import header_row, sheet_name


def procedures_xlsx(procedures: Iterable[Procedure]) -> bytes:
    """One row per procedure: numbers stay numbers (a time limit, fees in whole đồng, shown
    with thousands grouped), dates stay dates, every heading and value in the reader's
    language."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(_("Procedure catalogue"))
    headings = [
        _("Code"),
        _("Name"),
        _("field"),
        _("processing time"),
        _("time unit"),
        _("online level"),
        _("fee (phí), VND"),
        _("charge (lệ phí), VND"),
        _("implementing agencies"),
        _("status"),
        _("publication decision"),
        _("announced on"),
        _("valid from"),
        _("valid to"),
        _("amending decisions"),
    ]
    widths = (12, 60, 24, 10, 16, 22, 14, 14, 40, 12, 18, 12, 12, 12, 24)
    header_row(ws, [capfirst(h) for h in headings], widths=widths, freeze="A2")
    for p in procedures:
        ws.append(
            [
                p.code,
                p.name,
                str(p.field or ""),
                float(p.processing_time),
                str(p.get_time_unit_display()),
                str(p.get_online_level_display()),
                int(p.fee_amount),
                int(p.charge_amount),
                "; ".join(a.name for a in p.agencies.all()),
                str(p.get_status_display()),
                p.publication_decision,
                p.announced_on,
                p.valid_from,
                p.valid_to,
                p.amending_decisions.replace(" ", "; "),
            ]
        )
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "0.##"
        for cell in (row[6], row[7]):
            cell.number_format = "#,##0"
        for cell in row[11:14]:
            cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
