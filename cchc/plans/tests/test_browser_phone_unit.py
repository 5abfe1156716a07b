"""On a 390 px phone a unit's task page, the emulation ranking and the tasks by source document
show all of their figures: the completion and on-time rates and the score, instead of columns
cut off at the right edge of tables of five to eight columns (leaders read them on phones)."""

import datetime as dt

import pytest

from cchc.plans import services
from cchc.testing import open_page


def _inside_the_screen(locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def _two_tasks_one_done(cast) -> None:  # type: ignore[no-untyped-def]
    today = services.today()
    for title in ("Rà soát thủ tục hành chính lĩnh vực hộ tịch", "Niêm yết công khai TTHC"):
        task = services.assign_task(
            actor=cast.province_admin,
            title=title,
            source_document="KH 12/KH-UBND",
            lead_agency=cast.agency_a,
            assigned_on=today,
            deadline=today + dt.timedelta(days=20),
            evidence_required=False,
        )
    services.complete(task, actor=cast.leader_a, result="Đã niêm yết đủ")


def _document_rates_on_screen(page):  # type: ignore[no-untyped-def]
    """The plan's row of the figures by source document: one of its two tasks done, on time
    (50 % completed, 100 % on time), both rates on the screen."""
    row = page.locator("main table.by-document tr", has_text="KH 12/KH-UBND")
    assert _inside_the_screen(row.locator("td", has_text="50,00%"))
    assert _inside_the_screen(row.locator("td", has_text="100,00%"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_leader_on_a_phone_reads_the_rates(browser_page, cast):
    _two_tasks_one_done(cast)
    page = browser_page
    open_page(page, f"/plans/don-vi/{cast.agency_a.code}/", cast.leader_a)
    figures = page.locator("main table.unit-figures")
    # one of the two done, on time: 50 % completed, 100 % on time
    assert _inside_the_screen(figures.locator("td", has_text="50,00%"))
    assert _inside_the_screen(figures.locator("td", has_text="100,00%"))
    _document_rates_on_screen(page)
    page.shot("unit")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ranking_and_the_documents_on_a_phone_show_rates_and_score(browser_page, cast):
    _two_tasks_one_done(cast)
    page = browser_page
    open_page(page, "/plans/thi-dua/", cast.province_admin)
    row = page.locator("main table.emulation tr", has_text=cast.agency_a.name)
    assert _inside_the_screen(row.locator("td", has_text="100,00%"))
    # the rule's weights (0.7 on time + 0.3 completion): 0.7 × 100 + 0.3 × 50
    assert _inside_the_screen(row.locator("td.score", has_text="85,00"))
    page.shot("ranking")
    page.goto(f"{page.base_url}/plans/van-ban/")
    _document_rates_on_screen(page)
    page.shot("documents")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_documents_search_on_a_phone_shows_its_whole_placeholder(browser_page, cast):
    """The year and the search box of the tasks by source document stack on a phone, instead
    of sharing a row where the search box's placeholder was cut to "Văn bả"."""
    _two_tasks_one_done(cast)
    page = browser_page
    open_page(page, "/plans/van-ban/", cast.province_admin)
    assert page.locator("search form input[name=q]").count() == 1  # a search landmark
    assert "endcomment" not in page.content() and "pico" not in page.inner_text("main")
    year = page.locator("main form input[name=year]").bounding_box()
    search = page.locator("main form input[name=q]")
    box = search.bounding_box()
    assert year is not None and box is not None
    assert box["y"] >= year["y"] + year["height"]  # on the next row
    assert _inside_the_screen(search) and _inside_the_screen(page.locator("main form button"))
    # the placeholder's text fits in the box, beside the search icon and the padding
    room, needed = search.evaluate(
        """el => {
          const s = getComputedStyle(el);
          const ctx = document.createElement("canvas").getContext("2d");
          ctx.font = s.font;
          const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
          return [room, ctx.measureText(el.placeholder).width];
        }"""
    )
    assert search.get_attribute("placeholder") == "Văn bản giao"
    assert needed <= room
    page.shot("documents")
    # on a desktop they share one row, as the filters of the other lists do
    page.set_viewport_size({"width": 1280, "height": 800})
    year = page.locator("main form input[name=year]").bounding_box()
    box = search.bounding_box()
    assert year is not None and box is not None and box["y"] == year["y"]
    page.shot("documents-desktop")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_menu_and_the_downloads_are_a_fingers_height(browser_page, cast):
    """The section's menu and the unit's PDF and Excel links are 44 px high on a phone (they
    were 38 px and 18 px, the two downloads side by side)."""
    _two_tasks_one_done(cast)
    page = browser_page
    open_page(page, f"/plans/don-vi/{cast.agency_a.code}/", cast.leader_a)
    links = [*page.locator("nav.plans-subnav a").all(), *page.locator("main a.download").all()]
    assert len(links) == 7  # five in the menu, PDF and Excel
    for link in links:
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44, link.inner_text()
