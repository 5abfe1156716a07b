"""Official one-stop forms 01-07 as PDF (reportlab), laid out after the appendix of
Circular 03/2025/TT-VPCP (and Circular 01/2018/TT-VPCP for dossiers received before
1 July 2025): national motto header, issuing agency, number, place and date, title, body,
signature block, and the dossier code as a QR code.

The wording of the forms is fixed Vietnamese legal text, so it is written here in
Vietnamese and not run through the UI translation catalogue.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from cchc.core.calendar import LOCAL_TZ

FONT_DIR = Path(getattr(settings, "PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT_FILES = {"Viet": "DejaVuSans.ttf", "Viet-Bold": "DejaVuSans-Bold.ttf"}
OPTIONAL_FONT_FILES = {"Viet-Italic": "DejaVuSans-Oblique.ttf"}


class FontMissing(ImproperlyConfigured):
    """The Vietnamese TrueType font is not installed, so diacritics cannot be printed."""


def register_fonts() -> dict[str, str]:
    """Register the DejaVu fonts (full Vietnamese coverage). Raises FontMissing otherwise."""
    names = {}
    for name, filename in FONT_FILES.items():
        path = FONT_DIR / filename
        if not path.exists():
            raise FontMissing(
                f"Vietnamese font {path} not found: install the Debian package fonts-dejavu-core "
                f"(or set PDF_FONT_DIR to a directory holding {', '.join(FONT_FILES.values())})."
            )
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        names[name] = name
    for name, filename in OPTIONAL_FONT_FILES.items():
        path = FONT_DIR / filename
        if name not in pdfmetrics.getRegisteredFontNames():
            if path.exists():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            else:
                continue
        names[name] = name
    names.setdefault("Viet-Italic", "Viet")
    return names


# The form set in force when the dossier was received decides numbering and titles
# (rule parameter `form_set`). Our keys follow Circular 03/2025; Circular 01/2018 had no
# notice of stopping, so its control slip and log book were forms 05 and 06 [S].
FORM_SETS: dict[str, dict[str, Any]] = {
    "TT03-2025": {
        "source": "Thông tư số 03/2025/TT-VPCP",
        "forms": {
            "01": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            "02": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            "03": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            "04": ("Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
            "05": ("Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
            "06": ("Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
            "07": ("Mẫu số 07", "SỔ THEO DÕI HỒ SƠ"),
        },
    },
    "TT01-2018": {
        "source": "Thông tư số 01/2018/TT-VPCP",
        "forms": {
            "01": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            "02": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            "03": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            "04": ("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
            "06": ("Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
            "07": ("Mẫu số 06", "SỔ THEO DÕI HỒ SƠ"),
        },
    },
}
DEFAULT_FORM_SET = "TT03-2025"
FORM_NUMBERS = ("01", "02", "03", "04", "05", "06", "07")


def form_set(name: str | None) -> dict[str, Any]:
    return FORM_SETS.get(name or DEFAULT_FORM_SET, FORM_SETS[DEFAULT_FORM_SET])


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(LOCAL_TZ) if moment else None


def long_date(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def clock(moment: dt.datetime | None) -> str:
    """A moment as the forms write it: "09 giờ 00 phút, ngày 05 tháng 03 năm 2026" (the
    appendix's "…giờ…phút, ngày…tháng…năm…"), in local time."""
    m = local(moment)
    return f"{m.hour:02d} giờ {m.minute:02d} phút, {long_date(m.date())}" if m else "……"


def short(moment: dt.datetime | None) -> str:
    m = local(moment)
    return f"{m:%H:%M %d/%m/%Y}" if m else ""


def qr_image(data: str, size_mm: float = 24) -> Image:
    img = qrcode.make(data, box_size=6, border=1)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def lookup_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:lookup") + f"?code={code}"


@dataclass
class Document:
    """What a form needs to be drawn: header facts, body flowables, signatures."""

    form_key: str
    form_set: str
    agency_name: str
    parent_name: str = ""
    number: str = ""
    place: str = ""
    issued_on: dt.date | None = None
    dossier_code: str = ""
    subtitle: str = ""
    body: list[Any] = field(default_factory=list)
    signatures: list[tuple[str, str, str]] = field(default_factory=list)  # (title, hint, name)
    landscape: bool = False


class Styles:
    def __init__(self) -> None:
        fonts = register_fonts()
        base = {"fontName": "Viet", "fontSize": 11, "leading": 15}
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, spaceAfter=4, **base)
        self.center = ParagraphStyle("center", alignment=TA_CENTER, **base)
        self.bold_center = ParagraphStyle("bold_center", parent=self.center, fontName="Viet-Bold")
        self.italic_center = ParagraphStyle(
            "italic_center", parent=self.center, fontName=fonts["Viet-Italic"]
        )
        self.title = ParagraphStyle(
            "title", parent=self.bold_center, fontSize=13, leading=17, spaceBefore=8, spaceAfter=6
        )
        self.small = ParagraphStyle("small", fontName="Viet", fontSize=8.5, leading=11)
        self.small_bold = ParagraphStyle("small_bold", parent=self.small, fontName="Viet-Bold")
        self.cell = ParagraphStyle("cell", fontName="Viet", fontSize=9, leading=12)
        self.cell_bold = ParagraphStyle(
            "cell_bold", parent=self.cell, fontName="Viet-Bold", alignment=TA_CENTER
        )
        # The log book (form 07) has 13 columns across a landscape page.
        self.narrow = ParagraphStyle("narrow", fontName="Viet", fontSize=7.5, leading=9.5)
        self.narrow_bold = ParagraphStyle(
            "narrow_bold", parent=self.narrow, fontName="Viet-Bold", alignment=TA_CENTER
        )


@lru_cache(maxsize=1)
def _drawable() -> frozenset[int]:
    """Code points every text font of the forms can draw (DejaVu regular and bold)."""
    register_fonts()
    maps = [set(pdfmetrics.getFont(name).face.charToGlyph) for name in FONT_FILES]
    return frozenset(set.intersection(*maps))


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_HEX_NAMED = re.compile(r"-[0-9A-F]{4,6}$")  # "CJK UNIFIED IDEOGRAPH-4E00": only a code


def _stand_in(ch: str) -> str:
    """What to print for a character the font cannot draw: its Unicode name, readable on
    paper ("[party popper]" for 🎉), or its code point when the name says nothing more."""
    name = unicodedata.name(ch, "")
    if not name or _HEX_NAMED.search(name):
        return f"[U+{ord(ch):04X}]"
    return f"[{name.lower()}]"


def printable(text: str | None) -> str:
    """User text made safe to print on an official form: composed (NFC), line breaks kept,
    control and invisible format characters dropped, tabs as spaces, and every character
    outside the font (emoji, scripts DejaVu does not cover) replaced by a readable stand-in
    instead of an empty box. Issue 16, point 5."""
    if not text:
        return ""
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFC", text)).replace("\t", " ")
    drawable = _drawable()
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\n" or (ord(ch) in drawable and category not in ("Cc", "Cf")):
            out.append(ch)
            continue
        if category in ("Cc", "Cf", "Cs") or category.startswith("M") or category == "Sk":
            # Controls, zero-width joiners/spaces, BOM, variation selectors, combining
            # marks left over after composition, skin-tone modifiers: nothing to read.
            continue
        if category.startswith("Z"):
            out.append(" ")
            continue
        out.append(_stand_in(ch))
    return "".join(out)


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: user input never becomes markup), printable
    whatever the user typed (see `printable`)."""
    return Paragraph(escape(printable(text)).replace("\n", "<br/>"), style)


def build_pdf(
    story: list[Any],
    *,
    pagesize: tuple[float, float] = A4,
    margins: tuple[float, float, float, float] = (20, 15, 15, 15),
    numbered: bool = False,
    **info: str,
) -> bytes:
    """The PDF bytes of `story` laid out on pages of `pagesize`; `margins` are left, right,
    top and bottom in millimetres (by default those of the official forms); `numbered`: a
    document of several pages says "Trang 2/69" at the foot of each; `info` is the
    document's title, author, subject."""
    left, right, top, bottom = margins
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left * mm,
        rightMargin=right * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        **info,
    ).build(story, canvasmaker=NumberedCanvas if numbered else canvas.Canvas)
    return buffer.getvalue()


class NumberedCanvas(canvas.Canvas):
    """A canvas that holds its pages back until the end, so each can say "Trang n/N": a log
    book of 69 pages, printed and stapled, can be checked for a missing page and put back
    in order (a single page says nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            if total > 1:
                register_fonts()
                self.setFont("Viet", 8)
                self.drawRightString(
                    self._pagesize[0] - 15 * mm, 8 * mm, f"Trang {self._pageNumber}/{total}"
                )
            super().showPage()
        super().save()


def render(doc: Document) -> bytes:
    """Lay out one official form and return the PDF bytes."""
    st = Styles()
    pagesize = landscape(A4) if doc.landscape else A4
    set_info = form_set(doc.form_set)
    label, title = set_info["forms"][doc.form_key]
    width = pagesize[0] - 35 * mm  # within the default margins of `build_pdf`
    left = [p(doc.parent_name.upper(), st.center)] if doc.parent_name else []
    left += [
        p(doc.agency_name.upper(), st.bold_center),
        HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
    ]
    if doc.number:
        left.append(p(f"Số: {doc.number}", st.center))
    right = [
        p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.bold_center),
        p("Độc lập - Tự do - Hạnh phúc", st.bold_center),
        HRFlowable(width="45%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
    ]
    if doc.issued_on:
        right.append(
            p(
                f"{doc.place}, {long_date(doc.issued_on)}"
                if doc.place
                else long_date(doc.issued_on).capitalize(),
                st.italic_center,
            )
        )
    header = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # the short rules under the agency and under the motto stand centred
                # beneath them, as on a printed administrative document
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[Any] = [
        p(f"{label} — {set_info['source']}", ParagraphStyle("mark", parent=st.small, alignment=2)),
        Spacer(1, 2),
        header,
        Spacer(1, 6),
        p(title, st.title),
    ]
    if doc.subtitle:
        story.append(p(doc.subtitle, st.italic_center))
    if doc.dossier_code:
        code_row = Table(
            [
                [
                    p(f"Mã hồ sơ: {doc.dossier_code}", st.bold_center),
                    qr_image(lookup_url(doc.dossier_code)),
                ]
            ],
            colWidths=[width - 28 * mm, 28 * mm],
        )
        code_row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [code_row, Spacer(1, 4)]
    story += doc.body
    if doc.signatures:
        cells = []
        for sig_title, hint, name in doc.signatures:
            cells.append(
                [
                    p(sig_title, st.bold_center),
                    p(hint, st.italic_center),
                    Spacer(1, 16 * mm),
                    p(name, st.bold_center),
                ]
            )
        sig = Table([cells], colWidths=[width / len(cells)] * len(cells))
        sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 8), KeepTogether([sig])]
    return build_pdf(
        story,
        pagesize=pagesize,
        numbered=True,
        title=f"{label} - {title}",
        author=doc.agency_name,
        subject=doc.dossier_code or title,
    )


CELL_PADDING = 3  # points, left and right of a cell's text


def grid(
    rows: list[list[Any]],
    widths: list[float],
    st: Styles,
    *,
    header_rows: int = 1,
    narrow: bool = False,
) -> LongTable:
    cooked = []
    head, cell = (st.narrow_bold, st.narrow) if narrow else (st.cell_bold, st.cell)
    for i, row in enumerate(rows):
        style = head if i < header_rows else cell
        cooked.append([c if not isinstance(c, str) else p(c, style) for c in row])
    # splitInRow: a row taller than the page (a long step note) continues on the next
    # page instead of failing the whole form (issue 16: form 06 answered 500).
    table = LongTable(cooked, colWidths=widths, repeatRows=header_rows, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table
