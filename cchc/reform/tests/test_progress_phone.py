"""The submission progress on a 390 px phone: each unit is a card whose submission time is on
the screen and whose name is a link of a full tap target. The five columns scrolled sideways
inside the table and cut "03:17 06/12/2026" to "03:17 06/12/202"; the desktop keeps the
table."""

from __future__ import annotations

import pytest

from cchc.reform.tests.helpers import build_template, submitted
from cchc.testing import open_page


@pytest.mark.browser
def test_the_progress_reads_on_a_phone(transactional_db, browser_page, cast):
    t = build_template()
    submitted(cast, t)
    page = browser_page
    open_page(page, f"/par/templates/{t.pk}/progress/", cast.province_admin)
    table = page.locator("#progress")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table scrolls sideways"
    when = table.locator("td[data-label]").nth(2)
    box = when.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert (
        when.evaluate("e => getComputedStyle(e, '::before').content")
        .strip('"')
        .startswith("Gửi lúc")
    )
    link = table.locator("td.card-title a").first.bounding_box()
    assert link is not None and link["height"] >= 44
    # the desktop keeps the table's header row
    page.set_viewport_size({"width": 1280, "height": 900})
    assert table.locator("thead").is_visible()


@pytest.mark.browser
def test_the_external_indices_targets_read_on_a_phone(transactional_db, browser_page, cast):
    """The targets' table had seven columns: at 390 px the latest figure, the lead unit and
    whether the target is on track were out of sight inside the table."""
    from cchc.core.actors import SYSTEM
    from cchc.reform import external

    external.save_target(
        actor=SYSTEM, year=2026, index="PAPI", node_code="", kind="rank", value="10"
    )
    page = browser_page
    open_page(page, "/par/external/", cast.province_admin)
    table = page.locator("#targets")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table scrolls sideways"
    on_track = table.locator("td[data-label]").last
    box = on_track.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert "chưa có số liệu" in on_track.inner_text()
