"""Accessibility of the index pages in Chromium: axe-core finds no serious or critical
violation on the public page (anonymous) nor on the province's dashboard, rankings, losses,
an agency, its evidence, the scorecard of every index, the closed periods and the reconciliation page."""

from __future__ import annotations

import pytest

from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_public_index_page(transactional_db, scenario, browser_page):
    page = browser_page
    page.goto(page.base_url + "/indices/cong-khai/?period=2026-08")
    assert_accessible(page)


def test_index_pages_of_the_province(transactional_db, scenario, browser_page):
    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    page = browser_page
    sign_in(page, scenario.cast.province_admin)
    agency = scenario.cast.agency_a.code
    for path in (
        "/indices/?period=2026-08",
        "/indices/xep-hang/?period=2026-08",
        "/indices/mat-diem/?period=2026-08",
        "/indices/tong-hop/",
        f"/indices/co-quan/{agency}/?period=2026-08",
        f"/indices/co-quan/{agency}/chi-so/DOSSIER_ON_TIME/?period=2026-08",
        "/indices/ky-bao-cao/",
        "/indices/doi-soat/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
