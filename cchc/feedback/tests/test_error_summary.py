"""A refused public petition form says what is wrong at its top, each error a link to its
field: on a phone the page came back at the top of a long form, with no sign of the errors
further down."""

from __future__ import annotations

import pytest
from django.test import Client

WIDTH = 390


@pytest.mark.django_db
def test_the_refused_form_lists_each_error_with_a_link_to_its_field():
    response = Client().post("/feedback/new/", {"title": "Đường hỏng"})
    assert response.status_code == 400
    page = response.content.decode()
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert "Ông/Bà" in summary  # a citizen's page
    for field in ("topic", "description", "petitioner_name"):
        assert f'href="#id_{field}"' in summary
    assert 'href="#id_title"' not in summary  # the title was given
    # the summary comes before the first field of the form
    assert page.index('id="error-summary"') < page.index('id="id_topic"')


@pytest.mark.browser
def test_on_a_phone_the_focus_goes_to_the_summary_and_its_link_to_the_field(reseeded, browser_page):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{page.base_url}/feedback/new/")
    page.fill("#id_title", "Đường hỏng")
    page.click("button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    box = page.locator("#error-summary").bounding_box()
    assert box is not None and 0 <= box["y"] < 844  # on the screen, not below it
    page.shot("summary-phone")
    page.locator("#error-summary a[href='#id_description']").click()
    assert page.evaluate("document.activeElement.id") == "id_description"
    label = page.locator("label[for=id_description]").bounding_box()
    assert label is not None and label["y"] >= 0  # the field's label in sight above it
