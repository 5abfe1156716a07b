"""Excel (openpyxl) and PDF (reportlab, DejaVu Sans for Vietnamese) export of any table.

The PDF writes numbers the Vietnamese way (18,50; 1.234); Excel keeps numbers and dates as
numbers and dates, each with a number format (the spreadsheet shows them in its locale). Download names keep the title's Vietnamese letters
(Content-Disposition `filename*`, RFC 6266), with an ASCII name for older clients."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from cchc.core.spreadsheets import header_row, sheet_name
from cchc.core.text import fold

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Excel's number formats: scores with two decimals, counts whole, moments as local dates
SCORE_FORMAT, COUNT_FORMAT = "#,##0.00", "#,##0"
MOMENT_FORMAT, DAY_FORMAT = "dd/mm/yyyy hh:mm", "dd/mm/yyyy"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel keeps no time zone: the local moment, as every page shows it
        from cchc.core.calendar import LOCAL_TZ

        return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (int, float, str, dt.date)):
        return value
    return str(value)


def _number_format(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return MOMENT_FORMAT
    if isinstance(value, dt.date):
        return DAY_FORMAT
    if isinstance(value, float):
        return SCORE_FORMAT
    if isinstance(value, int):
        return COUNT_FORMAT
    return None


def vi_number(value: int | float) -> str:
    """A number in Vietnamese notation: a comma before two decimals, dots between thousands
    (18.5 → "18,50", 1234 → "1.234", 1234.5 → "1.234,50")."""
    if isinstance(value, bool):
        return str(value)
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _pdf_cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return vi_number(value)
    if isinstance(value, dt.datetime):
        from cchc.core.calendar import fmt

        return fmt(value) if value.tzinfo else value.strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(_cell(value))


def download_name(title: str, extension: str) -> tuple[str, str]:
    """(ASCII fallback, UTF-8 name) for a download: the title with its Vietnamese letters,
    anything but letters, digits and dashes turned into dashes."""
    words = re.sub(r"[^\w.-]+", "-", title, flags=re.UNICODE).strip("-_.")
    name = re.sub(r"-{2,}", "-", words) or "export"
    # the ASCII fallback is the same name with its diacritics folded (đ → d): slugify dropped
    # "đ" ("mat-nhieu-iem") and the slash of a period ("quy-32026" for Quý 3/2026)
    ascii_name = re.sub(r"[^a-z0-9.]+", "-", fold(name)).strip("-.") or "export"
    return f"{ascii_name}.{extension}", f"{name}.{extension}"


def content_disposition(title: str, extension: str) -> str:
    ascii_name, name = download_name(title, extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def xlsx_bytes(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(title)
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    for note in notes:
        ws.append([note])
    ws.append([])
    header_row(ws, list(headers))
    for row in rows:
        ws.append([_cell(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            number_format = _number_format(value)
            if number_format:
                cell.number_format = number_format
    for column in ws.columns:
        width = max(
            (len(str(c.value)) for c in column if c.value is not None and c.row > 2), default=8
        )
        ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_bytes(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if not FONT_PATH.exists():
        raise FileNotFoundError(
            f"{FONT_PATH} is needed for Vietnamese PDF text (apt-get install fonts-dejavu-core)"
        )
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_PATH)))
    small = ParagraphStyle("small", fontName="DejaVuSans", fontSize=7, leading=8.5)
    head = ParagraphStyle("head", fontName="DejaVuSans", fontSize=13, leading=16)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=24,
        rightMargin=24,
        topMargin=24,
        bottomMargin=24,
        title=title,
    )
    data = [[Paragraph(str(h), small) for h in headers]]
    data += [[Paragraph(_pdf_cell(v), small) for v in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [Paragraph(title, head)] + [Paragraph(n, small) for n in notes] + [Spacer(1, 8), table]
    doc.build(story)
    return out.getvalue()


def table_response(
    fmt: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    notes: Sequence[str] = (),
) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(
            pdf_bytes(title, headers, rows, notes), content_type="application/pdf"
        )
        response["Content-Disposition"] = content_disposition(title, "pdf")
        return response
    response = HttpResponse(xlsx_bytes(title, headers, rows, notes), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(title, "xlsx")
    return response
