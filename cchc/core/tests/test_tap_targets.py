"""Tap targets on a phone (WCAG 2.2, 2.5.8: at least 24 by 24 CSS pixels): the titles of the
folded sections that hold a page's actions ("Chuyển xử lý", "Phân công"...) were about 15 px
tall at 390 px, so a thumb aimed at one opened its neighbour."""

from __future__ import annotations

from cchc.core.a11y import sign_in
from cchc.dossiers.tests.factories import counter_dossier


def test_the_folded_action_titles_are_tall_enough_to_tap_on_a_phone(
    transactional_db, cast, browser_page
):
    d = counter_dossier(cast)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/staff/dossiers/{d.code}/")
    titles = page.locator("main details > summary")
    assert titles.count() >= 3
    for title in titles.all():
        box = title.bounding_box()
        assert box and box["height"] >= 24, (title.inner_text(), box)
