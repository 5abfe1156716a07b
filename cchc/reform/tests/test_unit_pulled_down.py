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
