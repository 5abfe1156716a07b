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
