"""The campaign's target (SIPAS ≥ 86 %) is judged only on a figure with enough answers: a
unit with fewer valid questionnaires than the method's minimum (`min_valid_ranked`, domain.md
§6 rule 5: the one below which a unit is not ranked) reads "too few answers to judge", with
its count and the minimum, instead of "reached" on three questionnaires."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cchc.surveys import services
from cchc.surveys.models import Campaign
from cchc.surveys.tests.conftest import enter_phone_responses

pytestmark = pytest.mark.django_db


def publish(cast, campaign, method, *, minimum=None):  # type: ignore[no-untyped-def]
    if minimum is not None:
        method.rules = {**method.rules, "min_valid_ranked": minimum}
        method.save(update_fields=["rules"])
    Campaign.objects.filter(pk=campaign.pk).update(target_index=Decimal(86))
    enter_phone_responses(campaign, method, [5, 5, 4], agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, [5, 2, 1], agency=cast.agency_b, actor=cast.clerk_b)
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)


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
