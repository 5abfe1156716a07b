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
        "Cận dưới",
        "Cận trên",
        "Số phiếu hợp lệ",
        "Không hợp lệ",
    )
    assert province[1][0] == "Toàn tỉnh" and province[1][1] == 83.33
    assert province[1][4:6] == (6, 0)
    assert province[3][:5] == ("Câu hỏi", "Nội dung câu hỏi", "%", "Hài lòng", "Hợp lệ")
    figures = {row[0]: row for row in province[4:]}
    assert figures["B"][:3] == ("B", "Thủ tục hành chính", 83.33)
    assert figures["B2"][2:5] == (83.33, 5, 6)
    assert figures["B2"][1] == "Công chức yêu cầu nộp hồ sơ đúng quy định"


def test_workbook_has_each_items_answers_split_and_the_provinces_figure(
    cast, campaign, method, client
):
    # this year A answered 5, 4, 1 on every item, B 5, 5, 5: the province 5 satisfied of 6
    publish_last_and_this_year(cast, campaign, method)

    response = client.get(f"/surveys/c/{campaign.code}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))

    items = list(book["Câu hỏi"].iter_rows(values_only=True))
    # after the unit's own figures (A to G), so those stay where they were
    assert items[0][7:9] == ("Toàn tỉnh (%)", "Chênh lệch so với toàn tỉnh (điểm)")
    assert items[0][9].startswith("Chọn 1") and items[0][13].startswith("Chọn 5")
    rows = {(row[0], row[2]): row for row in items[1:]}
    a_b2 = rows[(cast.agency_a.code, "B2")]
    assert a_b2[4:7] == (2, 3, 66.67)
    assert a_b2[7:9] == (83.33, -16.66)
    assert a_b2[9:14] == (1, 0, 0, 1, 1)
    assert rows[(cast.agency_b.code, "B2")][9:14] == (0, 0, 0, 0, 3)

    province = list(book["Toàn tỉnh"].iter_rows(values_only=True))
    # the province's SIPAS last year (A's 100) and the change, before the target
    assert province[0][6:8] == ("SIPAS % 2025", "Thay đổi (điểm)")
    assert province[1][6:8] == (100.0, -16.67)
    assert province[3][5].startswith("Chọn 1")
    figures = {row[0]: row for row in province[4:]}
    assert figures["B2"][5:10] == (1, 0, 0, 1, 4)


def test_csv_and_spss_exports_carry_the_split_and_the_changes(cast, campaign, method, client):
    import csv

    import pyreadstat

    publish_last_and_this_year(cast, campaign, method)

    response = client.get(f"/surveys/c/{campaign.code}/results.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    # with UTF-8's byte-order mark, by which Excel on Windows reads the Vietnamese names
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in table if r["MaDonVi"] == cast.agency_a.code and r["MaCauHoi"] == "B2")
    assert (row["SIPAS"], row["SIPAS_KyTruoc"], row["ThayDoi"]) == ("66.67", "100.0", "-33.33")
    assert (row["HaiLong"], row["HopLe"], row["ChiSo"]) == ("2", "3", "66.67")
    assert (row["ToanTinh"], row["ChenhLech"]) == ("83.33", "-16.66")
    assert [row[f"Chon{a}"] for a in range(1, 6)] == ["1", "0", "0", "1", "1"]
    b_row = next(r for r in table if r["MaDonVi"] == cast.agency_b.code)
    assert (b_row["SIPAS_KyTruoc"], b_row["ThayDoi"]) == ("", "")  # not surveyed last year

    response = client.get(f"/surveys/c/{campaign.code}/results.sav")
    assert response.status_code == 200
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sipas.sav"
        path.write_bytes(response.content)
        frame, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["ThayDoi"] == "Thay đổi (điểm)"
    assert str(labels["Chon5"]).startswith("Chọn 5")
    spss = frame[(frame["MaDonVi"] == cast.agency_a.code) & (frame["MaCauHoi"] == "B2")]
    assert list(spss.iloc[0][[f"Chon{a}" for a in range(1, 6)]]) == [1, 0, 0, 1, 1]
    assert spss.iloc[0]["ThayDoi"] == -33.33 and spss.iloc[0]["ChenhLech"] == -16.66


def test_an_unpublished_campaigns_index_files_are_not_public(campaign, client):
    for extension in ("csv", "sav", "xlsx"):
        assert client.get(f"/surveys/c/{campaign.code}/results.{extension}").status_code == 404
