"""Every figure of the scorecard links the record behind it, and only where the reader may
open it: the unit's index page of the period, its result in the published SIPAS campaign and
its published PAR INDEX result, with the real surveys and reform modules (their documents'
`unit_urls`, settings.INDEX_SCHEMES)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from cchc.reform import results as par_results
from cchc.reform.tests.test_walk_access import _final_published
from cchc.surveys import services as survey_services
from cchc.surveys.tests.conftest import (  # noqa: F401 (fixtures)
    _sipas_seeded,  # autouse: a browser test's flushed database gets the seeded methods back
    campaign,
    enter_phone_responses,
    method,
    questionnaire,
)

pytestmark = pytest.mark.django_db


def _cells(body: str, code: str) -> dict[str, str | None]:
    """scheme -> the link of the unit's figure in the "All units" table (None: no link)."""
    table = body[body.index('id="scorecard"') :]
    row = re.search(rf'data-code="{re.escape(code)}">(.*?)</tr>', table, re.S)
    assert row, code
    cells = re.findall(r'<td[^>]*data-scheme="([^"]+)"[^>]*>(.*?)</td>', row.group(1), re.S)
    out: dict[str, str | None] = {}
    for scheme, cell in cells:
        link = re.search(r'<a href="([^"]+)"', cell)
        out[scheme] = link.group(1).replace("&amp;", "&") if link else None
    return out


@pytest.fixture
def published(cast, campaign, method):  # noqa: F811
    """SIPAS 2026 published with agency B's answers, PAR INDEX 2026 published for B."""
    enter_phone_responses(
        campaign, method, (5, 5, 4, 2, 9), agency=cast.agency_b, actor=cast.clerk_b
    )
    campaign = survey_services.close_campaign(campaign, actor=cast.province_admin)
    survey_services.publish_results(campaign, actor=cast.province_admin)
    _final_published(cast)
    return campaign


def test_each_figure_links_the_units_own_record_and_every_link_opens(client, cast, published):
    b = cast.agency_b.code
    for reader in (cast.province_admin, cast.inspector, cast.leader_a, cast.leader_b):
        client.force_login(reader)
        body = client.get(reverse("indices:scorecard")).content.decode()
        links = _cells(body, b)
        assert links["sipas"] == reverse("surveys:unit_results", args=[published.code, b])
        assert links["par"] == reverse("reform:unit", args=[2026, b])
        assert links["qd766"] and links["qd766"].startswith(reverse("indices:agency", args=[b]))
        for url in links.values():
            assert client.get(url).status_code == 200, (reader.username, url)


def test_the_ranking_links_of_the_cards_open(client, cast, published):
    client.force_login(cast.leader_a)
    body = client.get(reverse("indices:scorecard")).content.decode()
    sipas_card = body[body.index('data-scheme="sipas"') :]
    assert reverse("surveys:results", args=[published.code]) in sipas_card.split("</article>")[0]
    for url in re.findall(r'<article data-scheme="[^"]+">.*?<a href="([^"]+)"', body, re.S):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


def test_a_par_result_the_reader_may_not_open_is_not_linked(client, cast, published):
    """Before a year is published a unit's staff open their own result only: the document
    names the others' pages to nobody who would get a 403 there."""
    doc = par_results.index_document("2026", viewer=cast.leader_a)
    assert cast.agency_b.code in doc["unit_urls"]  # published: every staff member
    par_results.ResultSet.objects.all().delete()
    par_results._FROZEN.clear()
    doc = par_results.index_document("2026", viewer=cast.leader_a)
    assert cast.agency_b.code not in doc["unit_urls"]
    client.force_login(cast.leader_a)
    page = reverse("reform:unit", args=[2026, cast.agency_b.code])
    assert client.get(page).status_code == 403
    client.force_login(cast.leader_b)
    doc = par_results.index_document("2026", viewer=cast.leader_b)
    assert doc["unit_urls"][cast.agency_b.code] == page
    assert client.get(page).status_code == 200


def test_the_export_prints_no_links(cast, published):
    """compute_indices (interchange.md §5, §6) is called without a viewer: unchanged."""
    for scheme in ("sipas", "par"):
        out = io.StringIO()
        call_command(
            "compute_indices",
            "--scheme",
            scheme,
            "--period",
            "2026",
            "--province",
            "01",
            stdout=out,
        )
        doc = json.loads(out.getvalue())
        assert doc["agencies"] and "unit_urls" not in doc and "results_url" not in doc


@pytest.mark.browser
def test_on_a_phone_each_figure_names_its_index_and_a_click_opens_the_units_result(
    browser_page, transactional_db, cast, published
):
    """At 390 px the scorecard's three columns lost their headings once scrolled: each
    figure now says which index and year it is, and following it opens the unit's result; the
    period picker gets a line of its own."""
    from cchc.testing import sign_in

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}{reverse('indices:scorecard')}")
    # the period picker had 50 px beside the links: an empty select
    assert page.locator("form.period-picker select").bounding_box()["width"] >= 120
    cell = page.locator(f'#scorecard tr[data-code="{cast.agency_b.code}"] td[data-scheme="sipas"]')
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"SIPAS 2026: "'
    assert page.locator("#scorecard thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cell.locator("a").click()
    page.wait_for_url(
        f"**{reverse('surveys:unit_results', args=[published.code, cast.agency_b.code])}"
    )
    assert cast.agency_b.name in page.locator("main").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()
    assert page.locator("#scorecard thead").is_visible()
