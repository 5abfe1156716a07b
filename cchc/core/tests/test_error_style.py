"""A form's refusal looks like one: the non-field errors (a wrong proof at /lookup/, a
throttle) were paragraphs inside `.form-error`, and Pico's colour for <p> overrode the red,
so the refusal read as ordinary grey text (rgb(55, 60, 68)). Now red, bold and marked by a
border, so it is told by more than its colour (WCAG 1.4.1)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refusal_above_the_form_is_red_and_marked(browser_page):
    page = browser_page
    page.goto(page.base_url + "/lookup/")
    page.fill("input[name=code]", "000.00.01.H26-260101-9999")
    page.fill("input[name=id_last4]", "1234")
    page.locator("article form button[type=submit]").click()
    error = page.locator(".form-error").first
    error.wait_for()
    paragraph = error.locator("p").first
    assert paragraph.inner_text().strip(), "the refusal says something"
    style = paragraph.evaluate(
        "e => { const s = getComputedStyle(e), b = getComputedStyle(e.parentElement);"
        " return [s.color, s.fontWeight, b.borderLeftStyle, b.borderLeftColor]; }"
    )
    assert style[0] == "rgb(198, 40, 40)", style
    assert int(style[1]) >= 600 and style[2] == "solid", style
    page.shot("refusal")
