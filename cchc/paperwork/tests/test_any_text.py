"""Point 5 of issue 16: every official form prints whatever text its fields accept.

Random text of up to 4,000 characters (control characters, emoji, scripts the font does
not cover, words without a break) goes into every free-text field a form prints; all seven
forms must render, keep the printable part of the text, and print a readable stand-in for
what the font cannot draw.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.paperwork import builders, pdf
from cchc.paperwork.tests.test_pdf_forms import FONT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FONT.exists(), reason=f"Vietnamese font {FONT} missing"),
]


def at(d, hh=9, mm=0):
    return dt.datetime(2026, 3, d, hh, mm, tzinfo=LOCAL_TZ)


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def left_to_right(text: str) -> str:
    """`text` without its right-to-left characters (Hebrew, Arabic, their digits)."""
    return "".join(ch for ch in text if unicodedata.bidirectional(ch) not in ("R", "AL", "AN"))


def pages_of(content: bytes) -> list:
    return list(PdfReader(io.BytesIO(content)).pages)


# Characters a user can type or paste: Vietnamese, control characters, emoji (incl. ZWJ
# sequences and skin tones), CJK, right-to-left, combining marks, and the rest of the BMP.
# Not NUL: the input guard refuses it at every edge (docs/security.md §3) and PostgreSQL
# cannot store it, so no field ever holds one.
ALPHABET = st.one_of(
    st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậĐƯƠ \n\t")),
    st.characters(min_codepoint=1, max_codepoint=0x1F),
    st.sampled_from(["\x7f", "\u200b", "\u200d", "\ufeff", "\u2028", "\ufe0f"]),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
)
NOTES = st.text(ALPHABET, min_size=1, max_size=4000).filter(lambda s: s.strip())


def short_text(limit: int) -> st.SearchStrategy[str]:
    return st.text(ALPHABET, min_size=1, max_size=limit).filter(lambda s: s.strip())


def one_of_each(cast, *, note: str, name: str, address: str, step: str):
    """A dossier that went through every form-issuing action with `note` as each reason."""
    d = counter_dossier(
        cast, Applicant(name=name, phone="0912345678", address=address), at=at(2, 9)
    )
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name=step, note=note, at=at(2, 10)
    )
    d = services.request_supplement(d, actor=cast.specialist_a, reason=note, at=at(3, 9))
    d = services.receive_supplement(d, actor=cast.clerk_a, at=at(4, 9))
    d = services.apologize(
        d, actor=cast.leader_a, reason=note, new_appointment_at=at(10, 9), at=at(5, 8)
    )
    return services.stop(d, actor=cast.leader_a, reason=note, at=at(6, 9))


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(note=NOTES, name=short_text(200), address=short_text(300), step=short_text(300))
@example(note="؟ـ", name="0", address="0", step="0")  # right-to-left (found in CI)
def test_all_seven_forms_render_any_text(cast, note, name, address, step):
    try:
        d = one_of_each(cast, note=note, name=name, address=address, step=step)
        refusal = services.refuse(
            online_dossier(cast, Applicant(name=name, address=address), at=at(2, 9)),
            actor=cast.clerk_a,
            reason=note,
            at=at(2, 10),
        )
    except ValidationFailed:
        reject()  # text the services refuse (blank once cleaned) is never printed
    rendered = {key: builders.dossier_form(d, key) for key in ("01", "02", "04", "05", "06")}
    rendered["03"] = builders.dossier_form(refusal, "03")
    rendered["07"] = pdf.render(builders.form_07(cast.agency_a, at(1).date(), at(31).date()))
    assert sorted(rendered) == list(pdf.FORM_NUMBERS)
    for content in rendered.values():
        assert pages_of(content)
    # The reason is printed in full, possibly over several pages, never cut: form 02
    # carries it as a paragraph, form 06 in a table cell.
    expected = "".join(pdf.printable(note).split())
    for key in ("02", "06"):
        printed = "".join(text_of(rendered[key]).split())
        # pypdf gives right-to-left runs back in visual order ("؟ـ" reads as "ـ؟"): those
        # characters are compared as a set, the rest in order
        for part in (expected[:60], expected[-60:]):
            assert left_to_right(part) in left_to_right(printed), key
            assert set(part) - set(left_to_right(part)) <= set(printed), key


def test_a_long_step_note_continues_on_the_next_page(cast):
    # Issue 16: form 06 answered 500 once a step note was long (a table row taller
    # than the page).
    note = "Thẩm định hồ sơ đất đai, " * 400
    d = one_of_each(cast, note=note, name="Ngô Thị Lan", address="Hà Nội", step="Thẩm định")
    content = builders.dossier_form(d, "06")
    pages = pages_of(content)
    assert len(pages) > 1
    text = "".join(text_of(content).split())
    # Four events carry the note, all printed; only a phrase cut by a page break (the
    # repeated header row lands inside it) escapes the count.
    assert text.count("Thẩmđịnhhồsơđấtđai") >= 400 * 4 - len(pages)


def test_glyphs_outside_the_font_print_as_a_readable_stand_in():
    assert pdf.printable("Chúc mừng 🎉 xong") == "Chúc mừng [party popper] xong"
    assert pdf.printable("a\x00b\x07c\u200bd") == "abcd"
    assert pdf.printable("dòng 1\r\ndòng 2\tcột") == "dòng 1\ndòng 2 cột"
    assert pdf.printable("Nguyễn") == "Nguyễn"  # decomposed input is composed (NFC), kept
    assert pdf.printable("Nguye\u0302\u0303n") == "Nguyễn"
    # Unnamed code points (private use) still say what they were.
    assert pdf.printable("\ue000") == "[U+E000]"


def test_form_07_is_landscape_with_readable_columns(cast):
    counter_dossier(
        cast, Applicant(name="Ngô Thị Lan", phone="0912345678", address="Hà Nội"), at=at(2, 9)
    )
    doc = builders.form_07(cast.agency_a, at(1).date(), at(31).date())
    assert doc.landscape
    page = pages_of(pdf.render(doc))[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    table = doc.body[0]
    widths = table._colWidths
    assert sum(widths) <= (297 - 35) * pdf.mm + 0.5
    # Readable: no word of any cell (a date, a half of the code, a header word) is wider
    # than its column, so nothing is cut in the middle of a number or a word.
    for row in table._cellvalues:
        for width, cell in zip(widths, row, strict=True):
            para = cell[0] if isinstance(cell, tuple) else cell  # reportlab wraps flowables
            style = para.style
            for word in para.text.replace("<br/>", " ").split():
                drawn = stringWidth(word, style.fontName, style.fontSize)
                assert drawn <= width - 2 * pdf.CELL_PADDING, (word, width / pdf.mm)
