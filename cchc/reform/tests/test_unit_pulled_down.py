"""A unit ranked last of its group opens its result page to see which criteria pulled it
down: the summary says its rank out of how many units its group ranked ("2/2", where a bare
"2" did not say it was the last), and names its weakest criteria (the ranking's column),
each linked to its row of "where the points were lost"."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cchc.reform import results
from cchc.reform.tests.fixtures import write_bundle
from cchc.testing import sign_in


@pytest.mark.django_db
def test_the_last_unit_reads_its_rank_of_the_group_and_its_weakest_criteria(client, cast, tmp_path):
    call_command("import_bundle", str(write_bundle(tmp_path / "b")), stdout=StringIO())
    doc = results.live_document(2026, "01")
    row = results.unit_row(doc, "H26.02")
    ranked = results.ranked_in_group(doc["agencies"], row["group"])
    assert ranked >= 2 and row["rank"] == ranked  # H26.02 (85.7 %) is the group's last
    client.force_login(cast.outsider)  # H26.02's leader, before publication
    page = html.unescape(client.get(reverse("reform:unit", args=[2026, "H26.02"])).content.decode())
    summary = page[page.index('id="summary"') : page.index("</p>", page.index('id="summary"'))]
    assert re.search(rf"<strong>{ranked}/{ranked}</strong>", summary), summary
    weakest = page[page.index('id="weakest"') : page.index("</p>", page.index('id="weakest"'))]
    assert row["weakest"]
    for code in row["weakest"]:
        assert f'href="#c-{code}"' in weakest
        # the row the link leads to is on the page
        assert f'id="c-{code}"' in page
    # in the ranking's order, with the criteria's names
    positions = [weakest.index(f'href="#c-{code}"') for code in row["weakest"]]
    assert positions == sorted(positions)
    assert "Giải quyết hồ sơ" in weakest or "Kế hoạch CCHC" in weakest


@pytest.mark.browser
def test_where_the_points_were_lost_reads_on_a_phone(
    transactional_db, browser_page, cast, tmp_path
):
    """At 390 px the table of "where the points were lost" was eight columns that scrolled
    sideways, a criterion's name a word per line and its points lost off the screen: each
    field and criterion is now a card whose name runs across the screen and whose figures
    each say what they are, and a weakest criterion's link at the top leads to its card."""
    call_command("import_bundle", str(write_bundle(tmp_path / "b")), stdout=StringIO())
    row = results.unit_row(results.live_document(2026, "01"), "H26.02")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.outsider)
    page.goto(f"{page.base_url}/par/results/2026/H26.02/")
    table = page.locator("#lost")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table scrolls sideways"
    code = row["weakest"][0]
    card = page.locator(f'[id="c-{code}"]')
    name = card.locator(".lost-name").bounding_box()
    assert name is not None and name["x"] + name["width"] <= 390
    # the name is not squeezed into a narrow column: it starts next to the code
    assert name["x"] < 120
    lost = card.locator("[data-label]").nth(2)
    box = lost.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert (
        lost.evaluate("e => getComputedStyle(e, '::before').content")
        .strip('"')
        .startswith("Điểm bị mất")
    )
    page.locator("#weakest a").first.click()
    assert page.evaluate("location.hash") == f"#c-{code}"
    top = card.bounding_box()
    assert top is not None and 0 <= top["y"] < 844
