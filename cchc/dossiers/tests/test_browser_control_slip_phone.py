"""The control slip (form 06) on a 390 px phone, in a real browser: each hand-over is a card
whose due time and flag are on screen (one-stop day walk: the leader approving on the phone
saw the slip cut at the assignee's column, its due times and early/on-time/late flags off the
right edge)."""

from __future__ import annotations

import pytest

from cchc.dossiers import services
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import make_cast

from .test_browser import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390


@pytest.mark.django_db(transaction=True)
def test_the_leader_reads_each_steps_due_time_on_a_phone(transactional_db, browser_page):
    cast = make_cast()
    dossier = counter_dossier(cast, competent_agency=cast.agency_a)
    services.transfer(
        dossier,
        actor=cast.clerk_a,
        to_agency=cast.agency_a,
        step_name="Thẩm định hồ sơ",
        assignee=cast.specialist_a,
    )
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, "clerk_a")
    page.goto(f"{page.base_url}/staff/dossiers/{dossier.code}/")
    row = page.locator("#control-slip tbody tr").first
    for cell in ("td.step-due", "td.step-outcome"):
        box = row.locator(cell).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (cell, box)
    due = row.locator("td.step-due")
    assert "Hạn" in due.evaluate("(td) => getComputedStyle(td, '::before').content")
    page.shot("control-slip-phone")
