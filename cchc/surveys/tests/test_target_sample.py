"""The campaign's target (SIPAS ≥ 86 %) is judged only on a figure with enough answers: a
unit with fewer valid questionnaires than the method's minimum (`min_valid_ranked`, domain.md
§6 rule 5: the one below which a unit is not ranked) reads "too few answers to judge", with
its count and the minimum, instead of "reached" on three questionnaires."""

import io
import re

import pytest
from openpyxl import load_workbook

from cchc.surveys.tests.conftest import publish_two_units as publish

pytestmark = pytest.mark.django_db


def ranking_rows(body: str) -> dict[str, str]:
    table = body.split('<table id="ranking">')[1].split("</table>")[0]
    return {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in table.split("<tr>")[2:]}


def test_three_answers_are_too_few_to_judge_the_target(cast, campaign, method, client):
    publish(cast, campaign, method)  # the method's own minimum: 30 valid questionnaires
    body = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    rows = ranking_rows(body)
    too_few = "quá ít phiếu để đánh giá (3 phiếu hợp lệ; cần ít nhất 30)"
    for agency in (cast.agency_a, cast.agency_b):
        row = rows[agency.name]
        assert too_few in row, row
        assert "đạt" not in row.replace(too_few, ""), row  # neither "đạt" nor "chưa đạt"
        assert "#dc2626" not in row  # no red bar for a figure not judged
    summary = body[body.index('<p id="target-summary">') :].split("</p>")[0]
    assert "0 trên 0 đơn vị có kết quả đã đạt" in summary, summary
    assert "2 đơn vị quá ít phiếu để đánh giá (dưới 30 phiếu hợp lệ)" in summary, summary
    # the province's 6 questionnaires are too few as well
    assert "Toàn tỉnh: quá ít phiếu để đánh giá (6 phiếu hợp lệ; cần ít nhất 30)" in summary

    unit = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content
    found = re.search(r'<p id="unit-target">(.*?)</p>', unit.decode())
    assert found is not None
    target = found.group(1)
    assert re.sub(r"<[^>]+>", "", target) == (
        "Mục tiêu: SIPAS ≥ 86,00 % — quá ít phiếu để đánh giá (3 phiếu hợp lệ; cần ít nhất 30)"
    )

    xlsx = client.get(f"/surveys/c/{campaign.code}/results.xlsx").content
    book = load_workbook(io.BytesIO(xlsx))
    verdicts = {row[2]: row[-1] for row in list(book["SIPAS"].iter_rows(values_only=True))[1:]}
    assert verdicts == {cast.agency_a.code: too_few, cast.agency_b.code: too_few}
    province = list(book["Toàn tỉnh"].iter_rows(values_only=True))
    assert province[0][6] == "Mục tiêu"  # after n invalid (no campaign last year)
    assert province[1][6] == "quá ít phiếu để đánh giá (6 phiếu hợp lệ; cần ít nhất 30)"


def test_enough_answers_are_judged(cast, campaign, method, client):
    publish(cast, campaign, method, minimum=3)
    body = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    rows = ranking_rows(body)
    assert "chưa đạt" in rows[cast.agency_b.name]
    assert "đạt" in rows[cast.agency_a.name] and "chưa đạt" not in rows[cast.agency_a.name]
    assert "quá ít phiếu" not in body
    assert "1 trên 2 đơn vị có kết quả đã đạt" in body


def test_every_heading_of_the_files_starts_with_a_capital(cast, campaign, method, client):
    """The page heads its column "Số phiếu hợp lệ"; the Excel workbook, the SPSS labels and
    the PDF report headed theirs "số phiếu hợp lệ", "không hợp lệ", "cận dưới", "hài lòng"."""
    import tempfile
    from pathlib import Path

    import pyreadstat

    from cchc.surveys.tests.test_report import text_of

    publish(cast, campaign, method)
    book = load_workbook(io.BytesIO(client.get(f"/surveys/c/{campaign.code}/results.xlsx").content))
    headings = [h for sheet in book for h in next(sheet.iter_rows(values_only=True))]
    headings += list(list(book["Toàn tỉnh"].iter_rows(values_only=True))[3])
    assert {"Số phiếu hợp lệ", "Không hợp lệ", "Cận dưới", "Hài lòng", "Hợp lệ"} <= set(headings)
    lower = [h for h in headings if isinstance(h, str) and h[:1].islower()]
    assert lower == [], lower

    sav = client.get(f"/surveys/c/{campaign.code}/results.sav").content
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sipas.sav"
        path.write_bytes(sav)
        _frame, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    labels = meta.column_names_to_labels
    assert (labels["HaiLong"], labels["HopLe"]) == ("Hài lòng", "Hợp lệ")
    lower = [label for label in labels.values() if label and label[:1].islower()]
    assert lower == [], lower

    text = text_of(client.get(f"/surveys/c/{campaign.code}/results.pdf").content)
    assert "Khoảng tin cậy 95 % Số phiếu hợp lệ Không hợp lệ P1" in text, text


def test_the_pdf_report_judges_the_target_as_the_page_and_the_workbook(
    cast, campaign, method, client
):
    """The PDF report had no word of the target, while the page and the workbook judge each
    unit against it: it now prints the target's line and a column with the workbook's words,
    a figure on fewer valid questionnaires than the minimum too few to judge."""
    from cchc.surveys.tests.test_report import text_of

    publish(cast, campaign, method)  # 3 valid questionnaires a unit, the minimum 30
    text = text_of(client.get(f"/surveys/c/{campaign.code}/results.pdf").content)
    too_few = "quá ít phiếu để đánh giá (3 phiếu hợp lệ; cần ít nhất 30)"
    assert (
        "Mục tiêu: SIPAS từ 86,00 % trở lên — 0 trên 0 đơn vị có kết quả đã đạt; "
        "2 đơn vị quá ít phiếu để đánh giá (dưới 30 phiếu hợp lệ) · Toàn tỉnh: "
        "quá ít phiếu để đánh giá (6 phiếu hợp lệ; cần ít nhất 30)"
    ) in text, text
    assert "SIPAS % Mục tiêu Khoảng tin cậy 95 %" in text, text  # after SIPAS, as on the page
    assert text.count(too_few) == 2, text
    assert " đạt" not in text.replace("đã đạt", ""), text  # neither "đạt" nor "chưa đạt"


def test_the_pdf_report_and_the_workbook_say_the_same_of_each_unit(cast, campaign, method, client):
    publish(cast, campaign, method, minimum=3)  # A reaches 86, B does not
    from cchc.surveys.tests.test_report import text_of

    text = text_of(client.get(f"/surveys/c/{campaign.code}/results.pdf").content)
    xlsx = client.get(f"/surveys/c/{campaign.code}/results.xlsx").content
    book = load_workbook(io.BytesIO(xlsx))
    verdicts = {row[2]: row[-1] for row in list(book["SIPAS"].iter_rows(values_only=True))[1:]}
    assert verdicts == {cast.agency_a.code: "đạt", cast.agency_b.code: "chưa đạt"}
    assert "1 trên 2 đơn vị có kết quả đã đạt" in text, text
    assert "quá ít phiếu" not in text
    for agency in (cast.agency_a, cast.agency_b):
        row = text.split(agency.name, 1)[1].split(" ")
        # the unit's name, its SIPAS, then the workbook's verdict
        assert " ".join(row[2 : 2 + len(verdicts[agency.code].split())]) == verdicts[agency.code]


def test_the_pdf_table_with_the_target_fits_the_page(cast, campaign, method, client, monkeypatch):
    """The target's column takes room from the unit's name and the interval: the nine
    components keep their width and the table stays within the landscape page."""
    from cchc.surveys import report

    widths: list[list[float]] = []
    table = report.LongTable

    def recording(rows, colWidths, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N803
        widths.append(colWidths)
        return table(rows, colWidths=colWidths, **kwargs)

    monkeypatch.setattr(report, "LongTable", recording)
    publish(cast, campaign, method)
    assert client.get(f"/surveys/c/{campaign.code}/results.pdf").status_code == 200
    (columns,) = widths
    assert len(columns) == 8 + len(report.components_of(method))
    assert sum(columns) <= report.WIDTH + 0.01, sum(columns) / report.mm
