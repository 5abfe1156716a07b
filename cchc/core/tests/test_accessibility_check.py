"""The accessibility check itself: axe-core is really run and a serious violation fails."""

from __future__ import annotations

import pytest

from cchc.core.a11y import assert_accessible

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="vi"><head><title>Trang</title></head><body>
<main><h1>Tra cứu</h1><form><label for="q">Mã hồ sơ</label><input id="q" name="q">
<button type="submit">Tra cứu</button></form></main></body></html>"""


def test_a_clean_page_passes(browser_page):
    browser_page.set_content(GOOD)
    assert_accessible(browser_page)


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        (GOOD.replace('<label for="q">Mã hồ sơ</label>', ""), "label"),  # critical
        (GOOD.replace("Tra cứu</button>", "</button>"), "button-name"),  # critical
        (GOOD.replace("<h1>", '<h1 style="color:#ccc;background:#fff">'), "color-contrast"),
        (
            GOOD.replace("aria-hidden", "x").replace("<main>", '<main aria-hidden="true">'),
            "aria-hidden-focus",
        ),
    ],
)
def test_serious_violations_fail(browser_page, broken, rule):
    browser_page.set_content(broken)
    with pytest.raises(AssertionError, match=rule):
        assert_accessible(browser_page)
