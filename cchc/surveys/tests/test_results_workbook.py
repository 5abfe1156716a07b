"""The results workbook as the province's leaders read it: the province's own figures (its
SIPAS with base, interval and target, every component and item), and each unit against last
year's published campaign, as the results page shows them."""

import io

from openpyxl import load_workbook

from cchc.surveys.tests.conftest import publish_last_and_this_year


def test_workbook_has_the_province_and_last_years_figures(cast, campaign, method, client):
    # last year A 100, B not surveyed; this year A 66.67 (5, 4, 1), B 100: the province 5
    # satisfied of 6 on every item
    publish_last_and_this_year(cast, campaign, method)

    response = client.get(f"/surveys/c/{campaign.code}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))

    sipas = list(book["SIPAS"].iter_rows(values_only=True))
    # after the note, before the target (the last column when the campaign has one)
    assert sipas[0][9:12] == ("Ghi chú", "SIPAS % 2025", "Thay đổi (điểm)")
    rows = {row[2]: row for row in sipas[1:]}
    assert rows[cast.agency_a.code][10:12] == (100.0, -33.33)
    assert rows[cast.agency_b.code][10:12] == (None, None)  # not surveyed last year
    assert book["SIPAS"]["L2"].number_format == "0.00"

    province = list(book["Toàn tỉnh"].iter_rows(values_only=True))
    assert province[0][:6] == (
        "Toàn tỉnh",
        "SIPAS %",
        "cận dưới",
        "cận trên",
        "số phiếu hợp lệ",
        "không hợp lệ",
    )
    assert province[1][0] == "Toàn tỉnh" and province[1][1] == 83.33
    assert province[1][4:6] == (6, 0)
    assert province[3][:5] == ("Câu hỏi", "Nội dung câu hỏi", "%", "hài lòng", "hợp lệ")
    figures = {row[0]: row for row in province[4:]}
    assert figures["B"][:3] == ("B", "Thủ tục hành chính", 83.33)
    assert figures["B2"][2:5] == (83.33, 5, 6)
    assert figures["B2"][1] == "Công chức yêu cầu nộp hồ sơ đúng quy định"
