"""The PAR INDEX start page as a unit's specialist meets it (walk of the PAR INDEX year): on
a phone, and with next year's template still a draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import criteria
from cchc.reform.tests.helpers import build_template
from cchc.testing import sign_in


@pytest.mark.django_db
def test_a_draft_of_next_year_offers_no_results_of_next_year(client, cast):
    build_template(code="PAR-2026", year=2026)
    criteria.create_template(actor=SYSTEM, code="PAR-2027", year=2027, name="Dự thảo 2027")
    for user in (cast.specialist_b, cast.province_admin):
        client.force_login(user)
        page = client.get(reverse("reform:home")).content.decode()
        assert reverse("reform:ranking", args=[2026]) in page
        assert reverse("reform:ranking", args=[2027]) not in page


@pytest.mark.browser
def test_starting_a_self_assessment_fits_a_phone(transactional_db, browser_page, cast):
    t = build_template(code="PAR-2026")
    t.name = "Bộ chỉ số cải cách hành chính năm 2026 của các sở, ban, ngành"
    t.save(update_fields=["name"])
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.specialist_b)
    page.goto(f"{page.base_url}/par/")
    button = page.locator(".open-assessment button").first
    unit = page.locator(".open-assessment select").first
    # the button "Open <template name>" stays on the screen and the unit's name readable
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert (unit.bounding_box() or {"width": 0})["width"] >= 200
    page.shot("home-phone")


@pytest.mark.django_db
def test_the_progress_search_finds_a_unit_typed_without_accents_or_in_capitals(client, cast):
    from cchc.reform import assessments

    t = build_template()
    for agency in (cast.agency_b, cast.agency_c):
        assessments.open_assessment(t, agency, actor=SYSTEM)
    client.force_login(cast.province_admin)
    url = reverse("reform:progress", args=[t.pk])
    for typed in ("so tu phap", "SỞ TƯ PHÁP", "tư pháp", "h26.01"):
        table = client.get(url, {"q": typed}).content.decode().split('id="progress"')[1]
        table = table.split("</table>")[0]
        assert "Sở Tư pháp" in table, typed
        assert "Sở Xây dựng" not in table, typed
