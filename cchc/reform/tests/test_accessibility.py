"""Accessibility of the PAR INDEX pages in Chromium: axe-core finds no serious or critical
violation on the self-assessment sheet (the unit's staff, then the appraiser), the ranking,
a unit's "where the points were lost" page with its what-if answer, the template, progress,
external indices and public pages, and on the forms sent back with errors."""

from __future__ import annotations

import pytest

from cchc.reform import assessments, publishing
from cchc.reform.models import Assessment
from cchc.reform.tests.helpers import appraisal_team, build_template
from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def year_2026(cast):  # type: ignore[no-untyped-def]
    """Two units scored through the services: B submitted and under appraisal by a team,
    A still a draft."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b, full_name="Tổ trưởng thẩm định")
    b = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(b, "1.1.1", actor=cast.specialist_b, score="9", explanation="Có KH")
    assessments.set_self_score(
        b, "1.1.2", actor=cast.specialist_b, score="12", explanation="Tự tính"
    )
    assessments.submit(b, actor=cast.leader_b)
    a = assessments.open_assessment(t, cast.agency_a, actor=cast.specialist_a)
    assessments.set_self_score(
        a, "1.1.1", actor=cast.specialist_a, score="6", explanation="Một phần"
    )
    return t, chair, Assessment.objects.get(pk=b.pk)


def test_self_assessment_sheet(transactional_db, year_2026, cast, browser_page):
    t, _chair, _b = year_2026
    page = browser_page
    sign_in(page, cast.specialist_a)
    a = Assessment.objects.get(agency=cast.agency_a)
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    page.wait_for_selector("#sheet")
    page.locator("#n-1\\.1\\.1 summary").click()  # the evidence form, opened
    assert_accessible(page)
    # a score above the maximum, sent back with its Vietnamese error
    row = page.locator("#n-1\\.1\\.1")
    row.locator("input[name=score]").fill("11")
    row.locator(".score-form button").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.goto(f"{page.base_url}/par/")
    assert_accessible(page)


def test_appraisal_sheet(transactional_db, year_2026, browser_page):
    _t, chair, b = year_2026
    page = browser_page
    sign_in(page, chair)
    page.goto(f"{page.base_url}/par/a/{b.pk}/")
    page.wait_for_selector(".appraise-form")
    assert_accessible(page)
    # an adjustment without its reason, refused
    row = page.locator("#n-1\\.1\\.1")
    row.locator(".appraise-form input[name=score]").fill("7")
    row.locator(".appraise-form button[value=adjust]").click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_ranking_and_unit_result_pages(transactional_db, year_2026, cast, browser_page):
    t, _chair, _b = year_2026
    page = browser_page
    sign_in(page, cast.province_admin)
    code = cast.agency_b.code
    for path in (
        "/par/results/2026/",
        f"/par/results/2026/{code}/",
        f"/par/results/2026/{code}/?whatif=1&v_1.1.1=10",
        f"/par/templates/{t.pk}/",
        f"/par/templates/{t.pk}/progress/",
        "/par/external/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    publishing.publish_results(2026, actor=cast.province_admin, reason="", confirm_incomplete=True)
    page.context.clear_cookies()
    page.goto(page.base_url + "/par/public/")
    assert_accessible(page)
