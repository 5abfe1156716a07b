"""On a 390 px phone the unit's scorecard and a criterion's list of records are cards: every
figure that decides the points (numerator, denominator, score, points lost) and every date that
decides whether a dossier counts (due, end of processing, supplements) is on screen, after its
heading, with no sideways scrolling. They had been nine and seven columns in a table that
scrolled inside its frame: a leader of a unit ranked last saw the criterion's name and its group,
and none of its figures."""

from __future__ import annotations

import pytest

from cchc.testing import sign_in

pytestmark = pytest.mark.browser


def _on_screen_with_label(cell) -> str:
    """The cell is visible, wholly within the 390 px viewport; returns its ::before label."""
    assert cell.is_visible()
    box = cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    return cell.evaluate("td => getComputedStyle(td, '::before').content")


def test_scorecard_on_a_phone_shows_each_criterions_figures(
    browser_page, transactional_db, scenario
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    agency = scenario.cast.agency_a
    page.goto(f"{page.base_url}/indices/co-quan/{agency.code}/?period=2026-08")
    row = page.locator('#metrics tr[data-metric="DOSSIER_ON_TIME"]')
    cells = row.locator("td")
    labels = [_on_screen_with_label(cells.nth(i)) for i in (2, 3, 4, 5, 6)]
    assert labels == ['"Tử số: "', '"Mẫu số: "', '"Điểm: "', '"Tối đa: "', '"Điểm bị mất: "']
    assert cells.nth(2).inner_text().strip().isdigit()
    assert page.locator("#metrics thead").is_hidden()
    # the group's total and the unit's total say what each figure is, too
    total = page.locator("#agency-points td").first
    assert _on_screen_with_label(total) == '"Điểm: "'
    evidence = row.get_by_role("link", name="Minh chứng")
    box = evidence.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("scorecard-phone")
    evidence.click()
    page.wait_for_selector("#evidence-list")
    assert "period=2026-08" in page.url
    # at desktop width it is still a table with its headings
    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()
    assert page.locator("#metrics thead").is_visible()


def test_late_dossiers_on_a_phone_show_why_each_is_late(browser_page, transactional_db, scenario):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    agency = scenario.cast.agency_a
    page.goto(
        f"{page.base_url}/indices/co-quan/{agency.code}/chi-so/DOSSIER_ON_TIME/?period=2026-08"
    )
    row = page.locator("#evidence-list tbody tr", has_text=scenario.two_supplements.code)
    cells = row.locator("td")
    labels = [_on_screen_with_label(cells.nth(i)) for i in (3, 4, 5)]
    assert labels == ['"Hạn: "', '"Kết thúc xử lý: "', '"Lần bổ sung: "']
    assert "quá một lần" in cells.nth(5).inner_text()
    # the site-wide table.cards-on-phone (static/cchc/app.css), no page-local copy of its
    # rules: the code heads each card in bold and its link is a full tap target (44 px)
    assert "table#evidence-list" not in page.content()
    title = row.locator("td.card-title")
    assert title.evaluate("td => getComputedStyle(td).fontWeight") == "600"
    assert title.bounding_box()["y"] < cells.nth(1).bounding_box()["y"]
    link = title.get_by_role("link", name=scenario.two_supplements.code)
    assert link.bounding_box()["height"] >= 44
    assert _on_screen_with_label(cells.nth(1)) == '"Thủ tục: "'
    assert page.locator("#evidence-list thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("late-dossiers-phone")


def test_a_units_lost_points_beside_the_provinces_on_a_phone(
    browser_page, transactional_db, scenario
):
    """The scorecard's "its lost points beside the province's" link opens the losses page with
    the unit's own column: on a phone it is in view, named after the unit, and links to the
    records behind the loss."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    agency = scenario.cast.agency_a
    page.goto(f"{page.base_url}/indices/co-quan/{agency.code}/?period=2026-08")
    page.locator("#agency-losses").click()
    page.wait_for_selector("#losses")
    row = page.locator('#losses tr[data-metric="DOSSIER_ON_TIME"]')
    own = row.locator("td.focus-loss")
    assert _on_screen_with_label(own) == f'"{agency.name} bị mất: "'
    lost = row.locator("td").nth(2)
    assert _on_screen_with_label(lost) == '"Điểm bị mất: "'
    assert page.locator("#losses thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("losses-phone")
    own.get_by_role("link").click()
    page.wait_for_selector("#evidence-list")
    assert f"/co-quan/{agency.code}/chi-so/DOSSIER_ON_TIME/" in page.url
    assert "period=2026-08" in page.url


def test_ranking_on_a_phone_each_unit_is_a_card(browser_page, transactional_db, scenario):
    """The ranking had twelve columns scrolling sideways: at 390 px a leader of the last unit
    saw its name and rank, and the group points further right under headings that had scrolled
    away. Each unit is a card: its name first, then every figure after its heading."""
    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    agency = scenario.cast.agency_a
    page.goto(f"{page.base_url}/indices/xep-hang/?period=2026-08")
    row = page.locator(f'[id="rank-{agency.code}"]')
    cells = row.locator("td")
    name = row.locator("td.rank-agency")
    assert agency.name in name.inner_text()
    labels = [
        _on_screen_with_label(cells.nth(i))
        for i in range(cells.count())
        if cells.nth(i).get_attribute("class") != "rank-agency"
    ]
    assert labels[:3] == ['"Hạng: "', '"Thay đổi: "', '"Tổng điểm: "']
    groups = page.locator("table.ranking-cards").first.locator("thead th")
    heads = [groups.nth(i).inner_text() for i in range(4, groups.count() - 2)]
    assert labels[3 : 3 + len(heads)] == [f'"{h}: "' for h in heads] and len(heads) == 6
    assert labels[-2:] == ['"Hồ sơ: "', '"Xu hướng: "']
    # the unit's name heads its card, above its rank
    assert name.bounding_box()["y"] < cells.nth(0).bounding_box()["y"]
    assert page.locator("table.ranking-cards thead").first.is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("ranking-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("table.ranking-cards thead").first.is_visible()


def test_the_scorecards_trend_has_room_for_its_axis_title_on_a_phone(
    browser_page, transactional_db, scenario
):
    """At 390 px the trend was drawn 72 px high: its y axis had no height left and its title
    showed as "Tổng điểm (". The axis is now at least as long as its title."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    page.goto(f"{page.base_url}/indices/co-quan/{scenario.cast.agency_a.code}/?period=2026-08")
    page.wait_for_function("() => window.Chart && Chart.getChart('agency-trend')")
    room = page.evaluate(
        """() => {
            const chart = Chart.getChart('agency-trend'), y = chart.scales.y;
            chart.ctx.font = Chart.helpers.toFont(y.options.title.font).string;
            return {title: y.options.title.text, axis: y.height,
                    text: chart.ctx.measureText(y.options.title.text).width};
        }"""
    )
    assert room["title"].startswith("Tổng điểm")
    assert room["text"] <= room["axis"], room
    page.shot("scorecard-trend-phone")
    # a wide screen keeps a low chart, not one half as high as it is wide
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    assert page.locator("#agency-trend").bounding_box()["height"] <= 300


def test_portal_gaps_on_a_phone_show_each_gaps_explanation_and_dossiers(
    browser_page, transactional_db, scenario
):
    """Home Affairs compares the national portal's 766 report with ours on a phone: the six-
    column table of gaps cut the explanation and the dossiers to check at the screen's right
    edge. Each gap is a card, every part after its heading and within the screen."""
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "portal_progress_2026-08.json"
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scenario.cast.province_admin)
    page.goto(f"{page.base_url}/indices/doi-soat/cong/")
    page.fill("input[name=period]", "2026-08")
    page.set_input_files("input[name=files]", str(fixture))
    with page.expect_navigation():
        page.get_by_role("button", name="Đối chiếu").click()
    row = page.locator("#portal-gaps tbody tr", has_text=scenario.cast.agency_a.code)
    cells = row.locator("td")
    assert cells.nth(1).is_visible()  # the metric, under the unit, heads the card
    labels = [_on_screen_with_label(cells.nth(i)) for i in range(2, 6)]
    assert labels == [
        '"Cổng DVCQG: "',
        '"Hệ thống: "',
        '"Giải thích: "',
        '"Mã cần kiểm tra: "',
    ]
    assert page.locator("#portal-gaps thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("portal-gaps-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#portal-gaps thead").is_visible()
