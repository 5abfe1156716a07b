"""The receiving agency on the online form, in a real browser: the type-to-search box
(static/cchc/ui.js, `data-filterable`) stands above a long list of agencies, and not above a
list of one or two (it was in the way when only one agency could be chosen)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.testing import AgencyFactory

from .test_browser import signed_in_citizen

pytestmark = pytest.mark.browser

AGENCY_LIST = "select[name=receiving_agency]"
FILTER_BOX = "input.select-filter"


def test_no_search_box_over_a_list_of_two_agencies(transactional_db, cast, browser_page, tmp_path):
    page = browser_page
    signed_in_citizen(page, cast, tmp_path)
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    agencies = page.eval_on_selector(AGENCY_LIST, "s => [...s.options].filter(o => o.value).length")
    assert agencies == cast.procedure.agencies.count() == 2
    expect(page.locator(AGENCY_LIST)).to_be_visible()
    assert page.locator(FILTER_BOX).count() == 0
    page.shot("two-agencies")


def test_a_search_box_over_a_long_list_of_agencies(transactional_db, cast, browser_page, tmp_path):
    wards = [AgencyFactory(name=f"UBND phường Thử Nghiệm {n}") for n in range(8)]
    cast.procedure.agencies.add(*wards)
    page = browser_page
    signed_in_citizen(page, cast, tmp_path)
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/submit/")
    box = page.locator(FILTER_BOX)
    expect(box).to_be_visible()
    box.fill("thu nghiem 7")
    assert page.locator(AGENCY_LIST).input_value() == str(wards[7].pk)
    page.shot("ten-agencies")
