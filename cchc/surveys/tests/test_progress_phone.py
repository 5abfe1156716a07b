"""The campaign's fieldwork progress read by Home Affairs on a 390 px phone: each unit is a
block of lines, every figure after a label naming its column, across the screen. The table
kept its five columns and squeezed the quotas to one word per line, the "Mẫu" column (the
sample and its drawing) off the screen to the right. At desktop width it stays a table."""

import datetime as dt

import pytest

from cchc.surveys import campaign_settings
from cchc.surveys.tests.conftest import draft_campaign
from cchc.testing import open_page

pytestmark = pytest.mark.browser

CELLS = """() => {
    const heads = [...document.querySelectorAll('#progress thead th')].map(th => th.textContent);
    return [...document.querySelectorAll('#progress tbody tr')].map(tr =>
      [...tr.cells].map((td, k) => {
        const box = td.getBoundingClientRect();
        const label = getComputedStyle(td, '::before').content;
        return {head: heads[k], label: label, box: [box.left, box.right, box.top, box.bottom]};
      }));
}"""


def test_progress_reads_down_a_phone_and_across_a_desktop(browser_page, cast, questionnaire):
    draft = draft_campaign(
        cast,
        questionnaire,
        name="Khảo sát SIPAS 2026 (nháp)",
        date_to=dt.date(2026, 6, 30),
        agencies=[cast.agency_a, cast.agency_b],
    )
    for agency in (cast.agency_a, cast.agency_b):
        for stratum, target in (("*", 40), ("HT:1", 25), ("HT:2", 15)):
            campaign_settings.set_quota(
                draft, agency=agency, target=target, stratum=stratum, actor=cast.province_admin
            )
    page = browser_page
    open_page(page, f"/surveys/c/{draft.code}/", cast.province_admin)
    page.wait_for_selector("#progress")
    page.shot("progress-phone")
    screen = page.evaluate("document.documentElement.clientWidth")
    rows = page.evaluate(CELLS)
    assert len(rows) == 2
    for cells in rows:
        assert len(cells) == 5
        for cell in cells:
            left, right, _top, _bottom = cell["box"]
            # every cell across the screen (less the page's margins), none off it
            assert left >= 0 and right <= screen, cell
            assert right - left >= 0.8 * screen, cell
        # below the unit's name, each figure after its column's name ("Mẫu: ...")
        for cell in cells[1:]:
            assert cell["label"] == f'"{cell["head"]}: "', cell
        tops = [cell["box"][2] for cell in cells]
        assert tops == sorted(tops) and len(set(tops)) == 5, cells  # one below the other
    draw = page.locator("#progress button[value=draw]").first.bounding_box()
    assert draw is not None and 0 <= draw["x"] and draw["x"] + draw["width"] <= screen
    assert page.evaluate("document.documentElement.scrollWidth") <= screen

    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#progress thead").is_visible()
    for cells in page.evaluate(CELLS):
        # one row per unit, its five cells side by side, with no label before them
        assert len({round(cell["box"][2]) for cell in cells}) == 1, cells
        assert [cell["box"][0] for cell in cells] == sorted(cell["box"][0] for cell in cells)
        assert all(cell["label"] in ("none", "normal") for cell in cells), cells
