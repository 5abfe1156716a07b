"""The ranking page: the weakest criteria are named and lead to the unit's page at that
criterion; the Excel and PDF downloads keep the page's search."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cchc.reform.tests.helpers import build_template, scored_and_submitted


@pytest.mark.django_db
def test_weakest_criteria_are_named_and_linked_and_downloads_keep_the_search(client, cast):
    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    client.force_login(cast.province_admin)
    url = reverse("reform:ranking", args=[2026])
    text = html.unescape(client.get(url, {"q": "Tư pháp"}).content.decode())
    unit = reverse("reform:unit", args=[2026, "H26.01"])
    assert f'<a href="{unit}#c-1.1">1.1 Nội dung 1.1</a>' in text
    for fmt in ("xlsx", "pdf"):
        link = re.search(rf'<a href="\?([^"]*)" id="export-{fmt}">', text)
        assert link and link.group(1) == f"q=T%C6%B0+ph%C3%A1p&format={fmt}"
    # the link's target: the criterion's row on the unit's page
    assert 'id="c-1.1"' in client.get(unit).content.decode()


@pytest.mark.django_db
def test_before_publication_a_unit_sees_only_its_own_row(client, cast):
    """docs/reform.md: a unit never sees another unit's assessment before the year's results
    are published (QA walk B: Ba Đình's staff read Sở Tư pháp's provisional points, index,
    grade and weakest criteria on the ranking). Home Affairs and inspectors see every unit,
    an appraiser their own team's units; after publication every staff member does."""
    from cchc.core.actors import SYSTEM
    from cchc.reform import publishing
    from cchc.reform.tests.helpers import appraisal_team

    t = build_template()
    for agency, specialist, leader, score in (
        (cast.agency_b, cast.specialist_b, cast.leader_b, 7),
        (cast.agency_a, cast.specialist_a, cast.leader_a, 3),
    ):
        scored_and_submitted(t, agency, specialist, leader, score, 5)
    chair = appraisal_team(t, cast.agency_a)  # appraises Ba Đình's unit only
    url = reverse("reform:ranking", args=[2026])

    def page(user, **params):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client.get(url, params)

    for user in (cast.leader_a, cast.specialist_a):
        text = page(user).content.decode()
        assert "Sở Tư pháp" not in text and "UBND phường Hoàn Kiếm" in text
    assert "UBND phường Hoàn Kiếm" not in page(cast.leader_b).content.decode()
    for user in (cast.province_admin, cast.inspector):
        text = page(user).content.decode()
        assert "Sở Tư pháp" in text and "UBND phường Hoàn Kiếm" in text
    # an appraiser sees the units of their own team only (test_appraiser_scope.py)
    text = page(chair).content.decode()
    assert "UBND phường Hoàn Kiếm" in text and "Sở Tư pháp" not in text
    publishing.publish_results(2026, actor=SYSTEM, reason="", confirm_incomplete=True)
    assert "Sở Tư pháp" in page(cast.leader_a).content.decode()


@pytest.mark.django_db
def test_public_page_rounds_an_index_once_for_the_bar_and_the_table(client, settings):
    """QA walk B: 41,68 on the bar and 41,69 in the table for one unit. The figure is rounded
    once, half up, to 2 decimals and that text is written in both places."""
    from django.utils import timezone

    from cchc.reform.models import ResultSet

    row = {
        "code": "H26.01",
        "name": "Sở Tư pháp",
        "group": "Sở",
        "rank": 1,
        "grade": "",
        "total": 41.685,
    }
    ResultSet.objects.create(
        year=2026,
        province_code=settings.CCHC_PROVINCE_CODE,
        document={"agencies": [row]},
        summary=[row],
        published_at=timezone.now(),
        published_by="Sở Nội vụ",
    )
    text = client.get(reverse("reform:public_year", args=[2026])).content.decode()
    assert '<span class="bar-value">41,69</span>' in text
    assert "<td>41,69</td>" in text and "41,68" not in text


@pytest.mark.django_db
def test_rank_change_says_its_direction_and_both_ranks_out_of_how_many(client, cast):
    """QA walk B: "▲ 6" for the only unit ranked this year (7th last year, 1 of 1 now), and
    "Thay đổi so với năm trước: 6" on its page. Both now give the direction in words and the
    two ranks out of how many units the group ranked each year."""
    from cchc.core.actors import SYSTEM
    from cchc.reform import publishing

    last = build_template(code="T-2025", year=2025)
    for agency, specialist, leader, score in (
        (cast.agency_b, cast.specialist_b, cast.leader_b, 2),
        (cast.agency_c, None, None, 9),
    ):
        specialist = specialist or cast.outsider
        leader = leader or cast.outsider
        scored_and_submitted(last, agency, specialist, leader, score, 5)
    publishing.publish_results(2025, actor=SYSTEM, confirm_incomplete=True)
    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    client.force_login(cast.province_admin)
    text = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    # this year, both units ranked again: a change of rank that means something
    scored_and_submitted(t, cast.agency_c, cast.outsider, cast.outsider, 1, 5)
    text = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    assert "▲ 1 <small>tăng 1 bậc (hạng 2/2 → 1/2)</small>" in text
    assert "▼ 1 <small>giảm 1 bậc (hạng 1/2 → 2/2)</small>" in text
    text = client.get(reverse("reform:unit", args=[2026, "H26.01"])).content.decode()
    assert '<span id="rank-change">tăng 1 bậc (hạng 2/2 → 1/2)</span>' in text


def partly_ranked_year(cast):  # type: ignore[no-untyped-def]
    """2025 published with two units ranked in their group (Sở Tư pháp 2nd, H26.02 1st);
    2026 with only Sở Tư pháp appraised so far: ranked 1st of 1."""
    from cchc.core.actors import SYSTEM
    from cchc.reform import publishing

    last = build_template(code="T-2025", year=2025)
    scored_and_submitted(last, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    scored_and_submitted(last, cast.agency_c, cast.outsider, cast.outsider, 9, 5)
    publishing.publish_results(2025, actor=SYSTEM, confirm_incomplete=True)
    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)


@pytest.mark.django_db
def test_a_partly_ranked_year_shows_no_change_of_rank_and_says_why(client, cast):
    """QA: while the year is only partly appraised, "▲ 1 tăng 1 bậc (hạng 2/2 → 1/1)" compared
    last year's two ranked units with this year's one. No arrow then, and the words say the
    ranks are not comparable, with both ranks out of how many."""
    partly_ranked_year(cast)
    client.force_login(cast.province_admin)
    text = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    assert "▲" not in text and "tăng 1 bậc" not in text
    words = "chưa so sánh được: năm trước nhóm xếp hạng 2 đơn vị, năm nay 1 (hạng 2/2 → 1/1)"
    assert f"— <small>{words}</small>" in text
    text = client.get(reverse("reform:unit", args=[2026, "H26.01"])).content.decode()
    assert f'<span id="rank-change">{words}</span>' in text


@pytest.mark.django_db
def test_the_rankings_download_leaves_a_change_that_is_not_comparable_empty(client, cast):
    """The page said "not comparable" while its Excel still wrote +1 for a unit ranked 2nd of 2
    last year and 1st of 1 this year."""
    import io

    from openpyxl import load_workbook

    partly_ranked_year(cast)
    client.force_login(cast.province_admin)
    xlsx = client.get(reverse("reform:ranking", args=[2026]), {"format": "xlsx"})
    header, unit = load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    assert header[1:4] == ("Hạng", "Thay đổi thứ hạng", "Mã")
    assert unit[1:4] == (1, None, "H26.01")  # ranked 1st, its change left empty


@pytest.mark.django_db
def test_a_search_that_matches_no_unit_says_so_not_that_the_year_has_no_results(client, cast):
    """Home Affairs searched the 2025 ranking for a unit that is not in it and read 'Năm này
    chưa có kết quả.', as if the year had no results: the page names the search and offers
    every unit again."""
    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    client.force_login(cast.province_admin)
    url = reverse("reform:ranking", args=[2026])
    text = html.unescape(client.get(url, {"q": "Không có đơn vị này"}).content.decode())
    assert "Năm này chưa có kết quả." not in text
    no_match = text[text.index('id="no-match"') :]
    assert "“Không có đơn vị này”" in no_match[: no_match.index("</p>")]
    assert f'<a href="{url}">' in no_match
    # an empty search is no search: the units are listed
    assert "Sở Tư pháp" in html.unescape(client.get(url, {"q": "  "}).content.decode())


@pytest.mark.django_db
def test_the_rankings_download_names_the_weakest_criteria_as_the_page_does(client, cast):
    """The page reads "1.1 Nội dung 1.1" under a unit's weakest criteria; the Excel a leader
    takes to the meeting wrote a bare "1.1", which says nothing without the template open."""
    import io

    from openpyxl import load_workbook

    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    client.force_login(cast.province_admin)
    xlsx = client.get(reverse("reform:ranking", args=[2026]), {"format": "xlsx"})
    header, unit = load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    weakest = unit[header.index("Tiêu chí yếu nhất")]
    assert weakest and weakest.split("; ")[0] == "1.1 Nội dung 1.1"


@pytest.mark.django_db
def test_the_rankings_download_ends_with_the_units_that_have_not_submitted(client, cast):
    """The page lists under "Chưa nộp" the units whose sheet is still a draft; its Excel and
    PDF left them out, so a file handed on read as if every unit that opened a sheet had been
    ranked. They come last, under a heading, with no rank and no score; the search applies."""
    import io

    from openpyxl import load_workbook

    from cchc.reform import assessments

    t = build_template()
    scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b, 2, 5)
    assessments.open_assessment(t, cast.agency_c, actor=cast.outsider)
    client.force_login(cast.province_admin)
    url = reverse("reform:ranking", args=[2026])
    xlsx = client.get(url, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    header, ranked, heading, draft = rows[0], rows[1], rows[-2], rows[-1]
    assert ranked[3] == "H26.01" and len(rows) == 5
    assert heading[0] == "Chưa nộp (không xếp hạng)"
    assert draft[header.index("Mã")] == "H26.02" and draft[header.index("Đơn vị")] == "Sở Xây dựng"
    for column in ("Hạng", "Điểm", "Chỉ số %"):
        assert draft[header.index(column)] is None
    assert "nháp" in draft[-1]
    pdf = client.get(url, {"format": "pdf"})
    assert b"%PDF" == pdf.content[:4]
    # the page's search keeps them out of the file as it does out of the page
    xlsx = client.get(url, {"format": "xlsx", "q": "Tư pháp"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == "H26.01"
