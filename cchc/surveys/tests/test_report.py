"""The PDF results report of a campaign: it renders, and it carries the figures of the
results document (index, 95 % interval, n, rank, components) in Vietnamese notation."""

import io

from pypdf import PdfReader

from cchc.surveys import collection
from cchc.surveys.report import band, number
from cchc.surveys.results import campaign_results
from cchc.surveys.tests.conftest import all_items, enter_phone_responses


def text_of(content: bytes) -> str:
    """The report's text, words joined by single spaces (a narrow cell wraps its words)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_vietnamese_number_notation():
    assert number(86.5) == "86,50" and number(1234) == "1.234" and number(None) == "—"
    assert band([75.031, 90.614]) == "75,03 – 90,61"


def test_pdf_report_renders_the_figures(cast, campaign, method, client):
    # unit A: 3 questionnaires mostly satisfied; unit B: 2 mixed; one invalid at B
    enter_phone_responses(campaign, method, (5, 4, 2), agency=cast.agency_a, actor=cast.clerk_a)
    for answers in (all_items(method, 4, A1=1, A2=1), all_items(method, 1), {"A1": 5}):
        collection.enter_response(
            campaign, agency=cast.agency_b, mode="phone", answers=answers, actor=cast.clerk_a
        )
    doc = campaign_results(campaign)
    client.force_login(cast.province_admin)
    response = client.get(f"/surveys/c/{campaign.code}/results.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "CHỈ SỐ HÀI LÒNG" in text and campaign.name in text
    a = next(u for u in doc["agencies"] if u["code"] == cast.agency_a.code)
    b = next(u for u in doc["agencies"] if u["code"] == cast.agency_b.code)
    assert number(a["total"]) == "66,67" and number(a["total"]) in text
    assert band(a["interval"]) in text and band(b["interval"]) in text
    assert number(doc["province"]["total"]) in text and "khoảng tin cậy 95 %" in text
    # components of the method as columns, with the unit's figures
    for code in ("P1", "A", "E"):
        assert code in text
    assert number(b["groups"]["SERVICE"]["components"]["A"]["score"]) in text
    # below the method's minimum sample: no rank, the note instead
    assert "không đủ mẫu" in text
    # one invalid questionnaire at B is counted
    assert b["n_invalid"] == 1
    # the results page links it; the public gets nothing before publication
    assert "results.pdf" in client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    client.logout()
    assert client.get(f"/surveys/c/{campaign.code}/results.pdf").status_code == 404


def test_header_cells_wrap_between_words(cast, campaign, method, client):
    """Every column is at least as wide as its longest header word: a header wraps between
    words ("số phiếu / hợp lệ"), never inside one ("số p / hiếu"), so the extracted text
    gives the words whole."""
    enter_phone_responses(campaign, method, (5, 4, 2), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)
    content = client.get(f"/surveys/c/{campaign.code}/results.pdf").content
    text = text_of(content)
    # the header row, cell after cell, each header's words whole
    assert "Nhóm Hạng Đơn vị SIPAS % Khoảng tin cậy 95 % Số phiếu hợp lệ Không hợp lệ P1" in text
    words = set(text.split())
    for broken in ("p", "hiếu", "Khôn", "khôn", "g", "Khoản"):
        assert broken not in words, broken


def test_pdf_report_carries_the_provinces_component_figures(cast, campaign, method, client):
    """The results page shows the province's index of each component (where the province
    loses its points); the PDF had only the units'. The province's row heads the table."""
    # A: B2 answered 1, 1, 4 (B 83.33); B: all 5 — the province's B is 91.67, A's and B's not
    for b2 in (1, 1, 4):
        collection.enter_response(
            campaign,
            agency=cast.agency_a,
            mode="phone",
            answers=all_items(method, 5, B2=b2),
            actor=cast.clerk_a,
        )
    enter_phone_responses(campaign, method, (5, 5, 5), agency=cast.agency_b, actor=cast.clerk_b)
    doc = campaign_results(campaign)
    province = {
        code: comp["score"]
        for group in doc["province"]["groups"].values()
        for code, comp in group["components"].items()
    }
    assert number(province["B"]) == "91,67"
    assert all(
        number(a["groups"]["SERVICE"]["components"]["B"]["score"]) != "91,67"
        for a in doc["agencies"]
    )
    client.force_login(cast.province_admin)
    text = text_of(client.get(f"/surveys/c/{campaign.code}/results.pdf").content)
    assert "Toàn tỉnh" in text
    row = text[text.index("Toàn tỉnh", text.index("E ")) :]
    figures = " ".join(number(province[code]) for code in ("A", "B", "C", "D", "E"))
    assert figures in row, row[:400]
