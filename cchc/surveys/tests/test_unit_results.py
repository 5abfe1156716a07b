"""A unit's results page as its leader reads it to find which criteria pulled the unit's
score down: each item's figure with its base (satisfied of valid answers) under named
columns, the weakest items with their figures and a link to their rows, the unit read
against the province, and the questionnaires behind the figures for those who may read them."""

import re

from cchc.surveys import collection, services
from cchc.surveys.tests.conftest import all_items


def enter(campaign, method, agency, actor, rows):
    for overrides in rows:
        collection.enter_response(
            campaign,
            agency=agency,
            mode="phone",
            answers=all_items(method, 5, **overrides),
            actor=actor,
        )


def test_unit_page_gives_each_figure_its_base_and_the_province_beside_it(
    cast, campaign, method, client
):
    # A: three questionnaires, all 5 but B2 answered 1, 1 and 4 → B2 33,33 % (1 of 3);
    # B: three questionnaires all 5 → the province's B2 is 4 of 6 = 66,67 %
    enter(campaign, method, cast.agency_a, cast.clerk_a, ({"B2": 1}, {"B2": 1}, {"B2": 4}))
    enter(campaign, method, cast.agency_b, cast.clerk_b, ({}, {}, {}))
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    url = f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/"
    page = client.get(url).content.decode()

    # the item tables say what their figures are, and each row can be linked to
    assert '<th scope="col">Hài lòng / câu trả lời hợp lệ</th>' in page
    row = re.search(r'<tr id="item-B2">(.*?)</tr>', page, re.S)
    assert row is not None, page
    assert (
        '<td data-label="Hài lòng / câu trả lời hợp lệ">1/3</td>'
        '<td data-label="Chỉ số (%)">33,33</td><td data-label="Toàn tỉnh (%)">66,67</td>'
    ) in row.group(1)

    # the weakest item first, with its figure, its base and the province's, linked to its row
    weakest = page[page.index('<ol id="weakest">') : page.index("</ol>", page.index("weakest"))]
    first = weakest[: weakest.index("</li>")]
    assert 'href="#item-B2"' in first
    assert "<strong>33,33 %</strong> (1 hài lòng trên 3 câu trả lời hợp lệ)" in first
    assert "Toàn tỉnh 66,67 %" in first

    # the component profile: the unit, the province and the difference in points
    # B: (100 + 33.33 + 100 + 100) / 4 = 83.33; province (100 + 66.67 + 100 + 100) / 4 = 91.67
    profile = page[page.index('id="profile"') : page.index("</table>", page.index('id="profile"'))]
    assert '<th scope="col">Chênh lệch (điểm)</th>' in profile
    assert (
        '<th scope="row">B — Thủ tục hành chính</th><td>83,33</td><td>91,67</td><td>-8,34</td>'
    ) in profile
    assert (
        '<th scope="row">A — Tiếp cận dịch vụ</th><td>100,00</td><td>100,00</td><td>0,00</td>'
        in (profile)
    )

    # how the figures are computed and rounded is said on the page
    assert 'id="figures-rounding"' in page and "làm tròn đến hai chữ số thập phân" in page

    # the questionnaires behind the figures: for the unit's leader, not for the public
    assert 'id="unit-answers"' not in page
    client.force_login(cast.leader_a)
    page = client.get(url).content.decode()
    link = re.search(r'<a id="unit-answers" href="([^"]+)"', page)
    assert link is not None
    answers = client.get(link.group(1).replace("&amp;", "&"))
    assert answers.status_code == 200
    assert answers.content.decode().count(f"/surveys/c/{campaign.code}/responses/") >= 3


def test_results_page_gives_the_province_its_interval_and_its_components(
    cast, campaign, method, client
):
    """The province's leaders read the province's SIPAS with its interval, as every unit's,
    and the province's index of each component: which criteria pull the province down."""
    enter(campaign, method, cast.agency_a, cast.clerk_a, ({"B2": 1}, {"B2": 1}, {"B2": 4}))
    enter(campaign, method, cast.agency_b, cast.clerk_b, ({}, {}, {}))
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    total = page[
        page.index('id="province-total"') : page.index("</p>", page.index("province-total"))
    ]
    assert re.search(r"Khoảng tin cậy 95 % \d+,\d–\d+,\d, số phiếu hợp lệ 6", total), total
    criteria = page[
        page.index('<table id="criteria"') : page.index("</table>", page.index("criteria"))
    ]
    # B: (100 + 66.67 + 100 + 100) / 4 = 91.67 over both units' questionnaires
    assert '<th scope="row">B — Thủ tục hành chính</th><td>91,67</td>' in criteria
    assert '<th scope="row">A — Tiếp cận dịch vụ</th><td>100,00</td>' in criteria
    assert criteria.count('<th scope="row">') == 9


def test_unit_page_gives_the_change_since_last_years_published_campaign(
    cast, campaign, method, client
):
    """A published document has no `change` of its own: the unit's page read none, and
    the leaders saw no change since last year beside the unit's figure. It is read from the
    province's last published campaign of an earlier period, as the ranking prints it."""
    from cchc.surveys.tests.conftest import publish_last_and_this_year

    # last year A 100, B not surveyed; this year A 66.67 (5, 4, 1), B 100
    publish_last_and_this_year(cast, campaign, method)

    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()
    change = re.search(r'<p id="unit-change">(.*?)</p>', page, re.S)
    assert change is not None, page
    assert "Năm 2025: 100,00 %" in change.group(1)
    assert "Thay đổi (điểm): <strong>-33,33</strong>" in change.group(1)
    other = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_b.code}/")
    assert 'id="unit-change"' not in other.content.decode()  # no figure last year


def test_unit_page_explains_its_profile_above_the_table_not_in_a_clipped_caption(
    cast, campaign, method, client
):
    """On a phone a wide table scrolls sideways inside itself (app.css), and its caption is as
    wide as the table: the explanation of the component profile ran off the screen's edge at
    390 px. It stands above the table as a paragraph the table is described by."""
    enter(campaign, method, cast.agency_a, cast.clerk_a, ({}, {"B2": 1}))
    enter(campaign, method, cast.agency_b, cast.clerk_b, ({},))
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()

    note = re.search(r'<p id="profile-note">(.*?)</p>', page, re.S)
    assert note is not None, page
    assert "trên thang từ 0 đến 100" in note.group(1) and "Chênh lệch" in note.group(1)
    table = page[page.index('<table id="profile"') : page.index("</table>", page.index("profile"))]
    assert "<caption" not in table
    assert 'aria-describedby="profile-note"' in table and 'aria-labelledby="profile-title"' in table
    assert '<h2 id="profile-title">' in page


def test_results_and_unit_pages_give_the_provinces_change_since_last_year(
    cast, campaign, method, client
):
    """The ranking gave every unit its change since last year, but the province's own figure
    stood alone: a leader could not tell whether the unit moved with the province or against
    it. The province's last-year figure and change are printed beside its SIPAS on the
    results page and on each unit's page."""
    from cchc.surveys.tests.conftest import publish_last_and_this_year

    # last year only A, all 5 → province 100; this year A (5, 4, 1) and B (5, 5, 5) pooled →
    # every item 5 satisfied of 6 → 83.33, a change of -16.67 points
    publish_last_and_this_year(cast, campaign, method)

    results = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    total = re.search(r'<p id="province-total">(.*?)</p>', results, re.S)
    assert total is not None, results
    assert "83,33 %" in total.group(1)
    assert "Năm 2025: 100,00 % · Thay đổi (điểm): <strong>-16,67</strong>" in total.group(1)

    unit = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()
    province = re.search(r'<p id="province-change">(.*?)</p>', unit, re.S)
    assert province is not None, unit
    assert province.group(1) == (
        "Toàn tỉnh: 83,33 % · Năm 2025: 100,00 % · Thay đổi (điểm): <strong>-16,67</strong>"
    )


def test_unit_page_splits_each_items_answers_from_1_to_5(cast, campaign, method, client):
    """An item's index says how many were satisfied, not whether the rest answered 1 or 3: a
    leader could not tell a hostile desk from a lukewarm one. Each item's row gives how many
    chose each answer, with the valid answers they add up to, and a bar of the same split."""
    # A: B2 answered 1, 1 and 4 (every other item 5) → B2: two 1s, one 4, of 3 valid
    enter(campaign, method, cast.agency_a, cast.clerk_a, ({"B2": 1}, {"B2": 1}, {"B2": 4}))
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()

    row = re.search(r'<tr id="item-B2">(.*?)</tr>', page, re.S)
    assert row is not None, page
    split = row.group(1)[row.group(1).index('class="item-split"') :]
    text = re.sub(r"<[^>]+>", "", split)
    assert "1: 2 · 2: 0 · 3: 0 · 4: 1 · 5: 0 (trên 3 câu trả lời hợp lệ)" in text, text
    assert '<span title="Rất không hài lòng">1: 2</span>' in split
    # the bar: two thirds red (answer 1) from the left, the last third for answer 4
    assert '<rect x="0.00%" y="1" width="66.67%" height="12" fill="#b91c1c"/>' in split
    assert '<rect x="66.67%" y="1" width="33.33%" height="12" fill="#60a5fa"/>' in split
    # the colours' meaning, from the items' own answer options
    assert re.search(r'<p id="split-legend">.*1 Rất không hài lòng.*5 Rất hài lòng', page)
    assert "Số người chọn từng mức (1 đến 5)" in page


def test_unit_page_gives_the_rank_out_of_the_units_ranked_in_its_group(
    cast, campaign, method, client
):
    """'Hạng 1' said nothing of how many units were ranked beside it: the rank is now read
    out of the units of the group that were ranked."""
    method.rules = {**method.rules, "min_valid_ranked": 2}
    method.save(update_fields=["rules"])
    cast.agency_b.group = cast.agency_a.group  # ranked side by side
    cast.agency_b.save(update_fields=["group"])
    enter(campaign, method, cast.agency_a, cast.clerk_a, ({}, {}, {}))
    enter(campaign, method, cast.agency_b, cast.clerk_b, ({"B2": 1}, {"B2": 1}, {}))
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()
    summary = page[page.index("SIPAS: <strong>") :]
    summary = summary[: summary.index("</p>")]
    assert re.search(r"Hạng 1 / 2 trong nhóm “[^”]+”$", summary), summary
