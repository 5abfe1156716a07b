"""The scoring sheet at phone width (390 px): every item is a card whose score field is
within the screen, so a unit's specialist scores an item without scrolling sideways, and its
history's events are cards too; the desktop keeps the six-column table."""

from __future__ import annotations

import pytest

from cchc.reform import assessments
from cchc.reform.models import Score
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted
from cchc.testing import assert_accessible, sign_in

WIDTH = 390


def open_a_new_sheet_on_a_phone(page, cast):  # type: ignore[no-untyped-def]
    """Agency B's specialist on a 390 px phone, on the sheet of a self-assessment just opened:
    (the page, the assessment)."""
    a = assessments.open_assessment(build_template(), cast.agency_b, actor=cast.specialist_b)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.specialist_b)
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    return page, a


@pytest.mark.browser
def test_a_specialist_scores_an_item_on_a_phone(transactional_db, browser_page, cast):
    page, a = open_a_new_sheet_on_a_phone(browser_page, cast)
    page.wait_for_selector("#sheet")
    # nothing of the page lies beyond the right edge, not even inside the sheet (a table that
    # scrolls inside itself hid the score fields off to the right)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    sheet = page.locator("#sheet")
    assert sheet.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the sheet scrolls sideways"
    row = page.locator("#n-1\\.1\\.1")
    field = row.locator("input[name=score]")
    field.scroll_into_view_if_needed()
    assert sheet.evaluate("e => e.scrollLeft") == 0
    box = field.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert row.locator(".score-form button").bounding_box()["x"] + 10 <= WIDTH  # type: ignore[index]
    field.fill("7")
    row.locator(".score-form button").click()
    page.wait_for_selector("text=Đã lưu điểm.")
    assert Score.objects.get(assessment=a, node__code="1.1.1").self_score == 7
    # the sheet's history below it reads without sideways scrolling too (five columns did not)
    history = page.locator("#history")
    assert "1.1.1" in history.inner_text()
    assert history.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "history scrolls sideways"
    # the desktop keeps the table with its column headings
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#sheet thead").is_visible()
    assert page.locator("#sheet").evaluate("e => getComputedStyle(e).display") == "table"


@pytest.mark.browser
def test_the_progress_filters_fit_a_phone(transactional_db, browser_page, cast):
    """Home Affairs filters the units' progress on a phone: the search button is a button
    under the fields, not a half-moon as tall as both of them."""
    t = build_template()
    assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/par/templates/{t.pk}/progress/")
    form = page.locator("form.par-filters")
    button = form.locator("button").bounding_box()
    field = form.locator("input").first.bounding_box()
    assert button is not None and field is not None
    assert button["height"] < 2 * field["height"]
    assert button["y"] > field["y"] + field["height"]  # under the fields
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


@pytest.mark.browser
def test_every_score_field_has_a_visible_label_on_a_phone(transactional_db, browser_page, cast):
    """A score box on a phone card said nothing of itself (its label was for screen readers
    only): the unit's self score and the appraiser's score each show their label above the
    box, within the screen, and axe finds nothing serious."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    b = submitted(cast, t)
    a = assessments.open_assessment(t, cast.agency_a, actor=cast.specialist_a)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    for user, sheet, form in ((cast.specialist_a, a, ".score-form"), (chair, b, ".appraise-form")):
        sign_in(page, user)
        page.goto(f"{page.base_url}/par/a/{sheet.pk}/")
        page.wait_for_selector(form)
        fields = page.locator(f"#sheet {form} input[name=score]")
        assert fields.count() >= 2
        for i in range(fields.count()):
            field = fields.nth(i)
            label = page.locator(f"label[for='{field.get_attribute('id')}']")
            field.scroll_into_view_if_needed()
            assert label.is_visible(), f"no visible label for {field.get_attribute('id')}"
            box = label.bounding_box()
            field_box = field.bounding_box()
            assert box is not None and field_box is not None
            assert box["width"] > 20 and box["height"] > 8  # not a clipped 1 px box
            assert 0 <= box["x"] and box["x"] + box["width"] <= WIDTH
            assert box["y"] + box["height"] <= field_box["y"] + 1  # above its box
        assert_accessible(page)


@pytest.mark.browser
def test_the_ranking_reads_on_a_phone(transactional_db, browser_page, cast):
    """Home Affairs reads the ranking on a phone: each unit is a card whose index % and
    weakest criteria are within the screen (eight columns scrolled sideways inside the table,
    the index % out of sight); the desktop keeps the table."""
    t = build_template()
    submitted(cast, t)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/par/results/2026/")
    table = page.locator("table.ranking").first
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the ranking scrolls sideways"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    row = table.locator("tbody tr").first
    for label in ("Chỉ số %", "Tiêu chí yếu nhất"):
        cell = row.locator(f"td[data-label='{label}']")
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, label
        assert cell.evaluate("e => getComputedStyle(e, '::before').content").find(label) >= 0
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert table.locator("thead").is_visible()
    assert table.evaluate("e => getComputedStyle(e).display") == "table"


@pytest.mark.browser
def test_the_history_filter_fits_a_phone(transactional_db, browser_page, cast):
    """The sheet's history filter at 390 px squeezed its label "Mã tiêu chí" onto three lines
    beside the field and the button: the label reads on one line above its field, the button
    under the field, within the screen."""
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.leader_b)
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    form = page.locator("#history-filter")
    label = form.locator("label").first
    field = form.locator("input[name=code]")
    label.scroll_into_view_if_needed()
    one_line = label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    box, field_box = label.bounding_box(), field.bounding_box()
    button = form.locator("button").bounding_box()
    assert box is not None and field_box is not None and button is not None
    assert box["height"] < 1.5 * one_line, "the label wraps"
    assert box["y"] + box["height"] <= field_box["y"] + 1  # above its field
    assert button["y"] >= field_box["y"] + field_box["height"] + 2  # under the field, apart
    assert button["x"] >= field_box["x"]  # not pulled left of it
    corners = form.locator("button").evaluate(
        "e => [getComputedStyle(e).borderTopLeftRadius, getComputedStyle(e).borderTopRightRadius]"
    )
    assert corners[0] == corners[1], f"a half-pill button: {corners}"
    assert field_box["x"] + field_box["width"] <= WIDTH and button["x"] + button["width"] <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


@pytest.mark.browser
def test_the_prefill_button_does_not_touch_the_list_below_it(transactional_db, browser_page, cast):
    """On a phone the button "Lấy điểm các tiêu chí tính từ dữ liệu hệ thống" ended exactly
    where "Còn N tiêu chí chưa hoàn thành" began (0 px): a thumb meant for one hit the other."""
    page, _a = open_a_new_sheet_on_a_phone(browser_page, cast)
    button = page.locator("#prefill").bounding_box()
    # the list of items still to complete, right below the button's form
    summary = page.locator("#sheet-status details summary").bounding_box()
    assert button is not None and summary is not None
    assert summary["y"] - (button["y"] + button["height"]) >= 8


@pytest.mark.browser
def test_the_leader_finds_approve_and_submit_at_the_top_on_a_phone(
    transactional_db, browser_page, cast
):
    """A leader whose unit has finished found "Phê duyệt và gửi" only under every item of the
    sheet (88 cards on a phone): the submission panel at the top holds it, within the first
    screen, and, while items are missing, their count and list instead of the button."""
    a = assessments.open_assessment(build_template(), cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=8, explanation="Có")
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, cast.leader_b)
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    panel = page.locator("#sheet-status")
    # one item left: its count and the item are in the panel, above the sheet; no button yet
    assert "1 tiêu chí" in panel.locator("summary").inner_text()
    panel.locator("summary").click()
    assert "1.1.2" in panel.locator("ul").inner_text()
    assert page.locator("#submit").count() == 0
    sheet_top = page.locator("#sheet").bounding_box()["y"]  # type: ignore[index]
    assert panel.bounding_box()["y"] < sheet_top  # type: ignore[index]
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Tự")
    page.reload()
    button = page.locator("#submit").bounding_box()
    assert button is not None
    # on the first screen, without scrolling, and above the first item of the sheet
    assert page.evaluate("window.scrollY") == 0
    assert button["y"] + button["height"] <= 844 and button["y"] < sheet_top
    assert 0 <= button["x"] and button["x"] + button["width"] <= WIDTH
    page.click("#submit")
    page.wait_for_selector("text=Đã gửi bản tự đánh giá.")
    a.refresh_from_db()
    assert a.status == "SUBMITTED"
