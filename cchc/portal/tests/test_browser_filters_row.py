"""A list page's filters (form.filters, a search landmark) share a row on a desktop and stack
on a phone. Pico's [role=search] rules (one pill of a search box and its button) let each box
grow from its content: a select as wide as its longest option (a unit's full name) and a
search box at full width took a row each on a desktop (the task list, the petition queue).
The shared stylesheet (static/cchc/app.css) is read with pico, as every page reads it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LONG_UNIT = "Ủy ban nhân dân phường Ba Đình, thành phố Hà Nội (bộ phận tiếp nhận và trả kết quả)"
FILTERS = f"""<!doctype html><html lang="vi"><head>
<link rel="stylesheet" href="/static/vendor/pico/pico.min.css">
<link rel="stylesheet" href="/static/cchc/app.css"></head>
<body><main class="container">
<form method="get" class="filters" role="search"><input type="hidden" name="tab" value="open">
  <input type="search" name="q" aria-label="Tìm kiếm">
  <select name="agency" aria-label="Đơn vị chủ trì"><option value="">Tất cả đơn vị chủ trì</option>
    <option value="x">{LONG_UNIT} {LONG_UNIT}</option></select>
  <button>Tìm kiếm</button></form>
</main></body></html>"""


def _boxes(page):  # type: ignore[no-untyped-def]
    return [
        page.locator(selector).bounding_box()
        for selector in ("form input[type=search]", "form select", "form button")
    ]


def test_filters_share_a_row_on_a_desktop_and_stack_on_a_phone(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + "/procedures/")  # the site's origin, for the stylesheets
    page.set_content(FILTERS, wait_until="load")
    search, select, button = _boxes(page)
    assert abs(search["y"] - select["y"]) < 2 and abs(select["y"] - button["y"]) < 12, (
        search,
        select,
        button,
    )
    assert search["width"] >= 224 and select["width"] >= 224  # 14rem each at least
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.shot("desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    search, select, button = _boxes(page)
    assert select["y"] >= search["y"] + search["height"] and button["y"] >= select["y"] + 1
    assert search["width"] >= 300 and select["width"] >= 300, (search, select)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("phone")
