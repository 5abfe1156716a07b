"""A unit's results page read by its leader on a 390 px phone: the component profile and the
trend across campaigns are read without a table scrolled sideways, each component's or
campaign's name across the screen with its bar under it (the chart column took 35-40 % of
the width and squeezed the names to one word per line); at desktop width each row stays one
line, its bar beside its figures."""

import pytest

from cchc.surveys.tests.conftest import publish_last_and_this_year
from cchc.testing import open_page

pytestmark = pytest.mark.browser

ROWS = """(table) => [...document.querySelectorAll(table + ' tbody tr')].map(tr => {
    const name = tr.querySelector('th[scope=row]').getBoundingClientRect();
    const bar = tr.querySelector('svg').getBoundingClientRect();
    return {name: [name.left, name.right, name.top, name.bottom],
            bar: [bar.left, bar.right, bar.top, bar.bottom]};
})"""


def test_profile_and_trend_read_down_a_phone_and_across_a_desktop(
    browser_page, cast, campaign, method
):
    publish_last_and_this_year(cast, campaign, method)
    page = browser_page
    open_page(page, f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/", cast.leader_a)
    page.wait_for_selector("#trend")
    page.shot("unit-phone")
    screen = page.evaluate("document.documentElement.clientWidth")
    for table, count in (("#profile", 9), ("#trend", 2)):
        rows = page.evaluate(ROWS, table)
        assert len(rows) == count
        for row in rows:
            (n_left, n_right, _, n_bottom), (b_left, b_right, b_top, _) = row["name"], row["bar"]
            # the name has the screen's width (less the page's margins), not a narrow column
            assert n_right - n_left >= 0.8 * screen, (table, row)
            # the bar under it, as wide, and on the screen
            assert b_top >= n_bottom - 1, (table, row)
            assert b_right - b_left >= 0.8 * screen and b_left >= 0 and b_right <= screen, row
    assert page.evaluate("document.documentElement.scrollWidth") <= screen

    page.set_viewport_size({"width": 1280, "height": 900})
    for table in ("#profile", "#trend"):
        for row in page.evaluate(ROWS, table):
            (_, n_right, n_top, n_bottom), (b_left, _, b_top, _) = row["name"], row["bar"]
            # one line per row: the bar to the right of the name, level with it
            assert b_left >= n_right and n_top <= b_top <= n_bottom, (table, row)


def test_trend_bars_are_as_long_as_their_figures(browser_page, cast, campaign, method):
    """A trend bar is its SIPAS's share of the chart column, from the column's left edge: the
    bars were drawn in a box 200 px wide in the middle of a column twice as wide, so 100 %
    and 66.67 % looked close and neither reached the column's ends."""
    publish_last_and_this_year(cast, campaign, method)
    page = browser_page
    open_page(
        page,
        f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/",
        cast.leader_a,
        size={"width": 1280, "height": 900},
    )
    page.wait_for_selector("#trend")
    bars = page.evaluate(
        """() => [...document.querySelectorAll('#trend tbody svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            const rects = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
            const bar = rects[rects.length - 1];
            return [(bar.left - box.left) / box.width, bar.width / box.width];
        })"""
    )
    # 2025: unit A all satisfied (100 %), 2026: 66.67 %
    assert [(round(start, 2), round(share, 2)) for start, share in bars] == [
        (0.0, 1.0),
        (0.0, 0.67),
    ], bars
