"""End to end in Chromium: province total → agency → progress metric → late dossiers → export."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.browser


def test_drill_down_from_province_to_late_dossiers_and_export(
    browser_page, transactional_db, scenario, client
):
    from openpyxl import load_workbook

    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    client.force_login(scenario.cast.province_admin)
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )

    page.goto(f"{page.base_url}/indices/?period=2026-08")
    assert "/ 100" in page.locator("#province-total").inner_text()
    page.wait_for_function("() => window.Chart !== undefined")
    page.shot("dashboard")

    page.get_by_role("link", name="UBND phường Hoàn Kiếm").first.click()
    page.wait_for_selector("#metrics")
    assert "H26.100" in page.content()
    page.shot("agency")

    page.locator('tr[data-metric="DOSSIER_ON_TIME"] a').click()
    page.wait_for_selector("#evidence-list")
    listing = page.locator("#evidence-list").inner_text()
    for d in (scenario.late, scenario.two_supplements, scenario.open_overdue):
        assert d.code in listing
    assert scenario.on_time.code not in listing
    assert "11,11" in page.locator(".cost").inner_text()
    page.shot("late-dossiers")

    with page.expect_download() as info:
        page.locator('a[data-export="xlsx"]').click()
    path = info.value.path()
    cells = [
        c
        for row in load_workbook(io.BytesIO(open(path, "rb").read())).active.iter_rows(
            values_only=True
        )
        for c in row
    ]
    assert scenario.late.code in cells and scenario.on_time.code not in cells
