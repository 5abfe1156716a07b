"""End to end in Chromium: province total → agency → progress metric → late dossiers → export."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from cchc.indices.engine import load_spec
from cchc.testing import sign_in

pytestmark = pytest.mark.browser


def test_drill_down_from_province_to_late_dossiers_and_export(
    browser_page, transactional_db, scenario
):
    from openpyxl import load_workbook

    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    page = browser_page
    sign_in(page, scenario.cast.province_admin)

    page.goto(f"{page.base_url}/indices/?period=2026-08")
    assert "/ 100" in page.locator("#province-total").inner_text()
    page.wait_for_function("() => window.Chart !== undefined && Chart.getChart('trend')")
    trend = page.evaluate(
        """() => { const c = Chart.getChart('trend');
        const colours = c.data.datasets.map(d => d.borderColor);
        return {x: c.options.scales.x.title.text, y: c.options.scales.y.title.text,
                y2: c.options.scales.y2.title.text, legend: c.options.plugins.legend.display,
                series: colours.length, colours: new Set(colours).size,
                gaps: c.data.datasets.every(d => !d.spanGaps), total: c.data.datasets[0].data,
                top: c.options.scales.y.max, groupTop: c.options.scales.y2.max}; }"""
    )
    # the axes end at the scheme version's maximum and its largest group's (rule data)
    spec = load_spec("qd766", dt.date(2026, 8, 31))
    assert (trend["top"], trend["groupTop"]) == (
        spec.max_points,
        max(g.max_points for g in spec.groups),
    )
    assert trend["x"] == "Kỳ" and trend["y"] == "Tổng điểm (trên 100)"
    assert trend["y2"] == "Điểm nhóm tiêu chí" and trend["legend"] is True
    assert trend["series"] >= 3 and trend["colours"] == trend["series"] and trend["gaps"]
    # months without a dossier are gaps (null), never joined across: no false jump
    assert trend["total"][:-1] == [None] * (len(trend["total"]) - 1) and trend["total"][-1] > 0
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


def test_closed_period_shows_frozen_figures_after_a_back_dated_dossier(
    browser_page, transactional_db, scenario
):
    """Close August on the periods page, add a back-dated dossier: the agency page and its
    export still show the frozen total, marked "đã chốt", the live difference apart."""
    from openpyxl import load_workbook

    from cchc.indices.models import PeriodReport
    from cchc.indices.tests.conftest import at, counter

    page = browser_page
    sign_in(page, scenario.cast.province_admin)

    page.goto(f"{page.base_url}/indices/ky-bao-cao/")
    page.locator('select[name="period"]').select_option("2026-08")
    page.get_by_role("button", name="Chốt kỳ").click()
    page.wait_for_load_state()
    report = PeriodReport.objects.get(period="2026-08")
    frozen = next(r["total"] for r in report.document["agencies"] if r["code"] == "H26.100")

    counter(scenario.cast, at(12, 9))  # back-dated after closing; facts refresh on commit

    page.goto(f"{page.base_url}/indices/co-quan/H26.100/?period=2026-08")
    note = page.locator("#closed-period").inner_text()
    assert "đã chốt" in note
    assert f"{frozen:.2f}".replace(".", ",") in page.content()
    assert page.locator("#live-difference").count() == 1
    page.shot("closed-period")

    with page.expect_download() as info:
        page.locator('a[data-export="xlsx"]').click()
    cells = [
        c
        for row in load_workbook(open(info.value.path(), "rb")).active.iter_rows(values_only=True)
        for c in row
    ]
    assert any(isinstance(c, str) and "đã chốt" in c for c in cells)


def test_period_picked_with_the_keyboard(browser_page, transactional_db, scenario):
    """The period picker is a plain <select> and a button: Tab to it, pick with the arrow
    keys, submit with Enter; the page reloads with the picked period (no script needed)."""
    page = browser_page
    sign_in(page, scenario.cast.province_admin)
    page.goto(f"{page.base_url}/indices/xep-hang/?period=2026-08")
    picker = page.locator("#period-picker-period")
    assert picker.evaluate("e => e.tagName") == "SELECT"
    assert picker.input_value() == "2026-08"
    picker.focus()
    page.keyboard.press("ArrowDown")  # months are listed newest first: July comes next
    assert picker.input_value() == "2026-07"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "period=2026-07" in page.url
    assert page.locator("#period-picker-period").input_value() == "2026-07"
    assert "Tháng 7/2026" in page.content()


def test_public_page_draws_the_ranked_agencies(browser_page, transactional_db, scenario):
    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    page = browser_page
    page.goto(f"{page.base_url}/indices/cong-khai/?period=2026-08")
    page.wait_for_function("() => window.Chart !== undefined && Chart.getChart('public-chart')")
    chart = page.evaluate(
        """() => { const c = Chart.getChart('public-chart');
        return {labels: c.data.labels, series: c.data.datasets.map(d => d.label),
                x: c.options.scales.x.title.text, legend: c.options.plugins.legend.display}; }"""
    )
    ranked = page.locator("#public-table tbody tr").all_inner_texts()
    assert len(chart["labels"]) == len(ranked) >= 1
    assert chart["labels"][0] in ranked[0]  # best first, as in the table
    assert chart["series"] == ["Tổng điểm (trên 100)", "Giải quyết đúng hạn (%)"]
    assert chart["x"] == "Điểm / phần trăm" and chart["legend"] is True
    page.shot("public-chart")


def test_public_chart_names_fit_on_a_phone(browser_page, transactional_db, scenario):
    """A long agency name on a 390 px phone is wrapped, its end cut with "…" from the right
    (never clipped from the left: "ác Khu công nghiệp và chế xuất")."""
    from cchc.indices.models import ProvinceIndexSetting

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=0)
    long_name = "Ban Quản lý các Khu công nghiệp và chế xuất thành phố Hà Nội"
    scenario.cast.agency_b.__class__.objects.filter(pk=scenario.cast.agency_b.pk).update(
        name=long_name
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/indices/cong-khai/?period=2026-08")
    page.wait_for_function("() => window.Chart !== undefined && Chart.getChart('public-chart')")
    ticks = page.evaluate(
        """() => { const c = Chart.getChart('public-chart');
        return {labels: c.data.labels, ticks: c.scales.y.ticks.map(t => t.label),
                left: c.scales.y.left, canvas: c.canvas.clientWidth}; }"""
    )
    i = ticks["labels"].index(long_name)
    lines = ticks["ticks"][i]
    assert isinstance(lines, list) and len(lines) == 2
    shown = " ".join(lines)
    assert shown.startswith("Ban Quản lý") and shown.endswith("…")
    assert long_name.startswith(shown[:-1].rstrip())
    assert ticks["left"] >= 0
    page.shot("public-chart-phone")


def test_province_trend_has_a_plot_on_a_phone(browser_page, transactional_db, scenario):
    """On a 390 px phone the trend chart keeps a plot to read: a fixed 300 × 90 canvas left
    it no height (the legend's rows and the axis titles took it all, the ticks overlapped)."""
    page = browser_page
    sign_in(page, scenario.cast.province_admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/indices/?period=2026-08")
    page.wait_for_function("() => window.Chart !== undefined && Chart.getChart('trend')")
    area = page.evaluate(
        """() => { const c = Chart.getChart('trend');
        return {plot: c.chartArea.bottom - c.chartArea.top, width: c.width}; }"""
    )
    assert area["width"] <= 390 and area["plot"] >= 150
    page.shot("trend-phone")


def test_closing_form_shows_the_whole_period_name(browser_page, transactional_db, scenario):
    """The period select of the closed-periods page was clipped ("Quý 3/202")."""
    page = browser_page
    sign_in(page, scenario.cast.province_admin)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/indices/ky-bao-cao/")
    box, text = page.locator('select[name="period"]').evaluate(
        """e => { const c = document.createElement('canvas').getContext('2d');
        c.font = getComputedStyle(e).font;
        return [e.clientWidth, c.measureText(e.options[e.selectedIndex].text).width]; }"""
    )
    assert box > text + 48  # the text, the padding and the arrow fit
