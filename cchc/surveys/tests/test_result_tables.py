"""The results pages' tables read out by a screen reader: the unit's trend across campaigns
says what each column is, and the desk-bias check says what it means and how to read it."""

import re

from cchc.surveys.tests.conftest import publish_last_and_this_year, results_with_a_desk_bias


def test_the_trend_table_names_its_columns_and_says_what_it_shows(cast, campaign, method, client):
    publish_last_and_this_year(cast, campaign, method)

    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()

    start = page.index('<table id="trend"')
    trend = page[start : page.index("</table>", start)]
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", trend, re.S)
    assert caption is not None and cast.agency_a.name in caption.group(1)
    assert "SIPAS" in caption.group(1) and "0 đến 100" in caption.group(1)
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', trend)
    assert headers == ["Kỳ", "Đợt khảo sát", "SIPAS (%)", "Biểu đồ (0–100)"]
    # each row is named by its period, oldest first: 2025 (100 %), then 2026 (66.67 %)
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>[^<]*</td><td>([^<]*)</td>', trend)
    assert rows == [("2025", "100,00"), ("2026", "66,67")]
    assert 'aria-hidden="true"' in trend  # the bar repeats the figure beside it


def test_the_desk_bias_table_says_how_to_read_it(cast, campaign, method, client):
    page = results_with_a_desk_bias(cast, campaign, method, client)

    caption = page[page.index('<caption id="bias-gap"') : page.index("</caption>")]
    assert "Bảng này cho biết" in caption
    assert "Cách đọc: chênh lệch gần 0 là hai nguồn khớp nhau" in caption
    # each row is named by its unit, which a screen reader reads before every figure
    assert f'<tr><th scope="row">{cast.agency_a.name}</th>' in page


def test_the_ranking_names_its_count_column_with_a_capital(cast, campaign, method):
    """The ranking's column "n valid" was headed "số phiếu hợp lệ", lower case beside
    "Khoảng tin cậy 95 %", on a desktop and before each figure on a phone: the header has its
    own string, while the words stay lower case inside the province's line."""
    from cchc.surveys.tests.conftest import enter_phone_responses
    from cchc.testing import client_for

    enter_phone_responses(campaign, method, (4, 5), agency=cast.agency_a, actor=cast.clerk_a)
    page = client_for(cast.inspector).get(f"/surveys/c/{campaign.code}/results/").content.decode()

    start = page.index('<table id="ranking"')
    head = page[start : page.index("</thead>", start)]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", head)
    assert "Số phiếu hợp lệ" in headers and "số phiếu hợp lệ" not in headers, headers
    # on a phone, the label written before each unit's count is the header's
    labels = re.findall(r'#ranking td:nth-child\(\d+\)::before\{content:"([^"]*)"\}', page)
    assert labels[-1] == "Số phiếu hợp lệ", labels
    province = page.split('id="province-total"')[1].split("</p>")[0]
    assert ", số phiếu hợp lệ " in province, province
