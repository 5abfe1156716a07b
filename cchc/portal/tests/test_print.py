"""A printed page carries the page's own content: the procedure page printed to take to the
counter came out with the site menu, the sign-in buttons and the language switcher on it."""

from __future__ import annotations

from playwright.sync_api import expect

from cchc.testing import AgencyFactory


def test_a_printed_procedure_page_has_no_menu_sign_in_or_language_switcher(
    transactional_db, cast, browser_page
):
    cast.procedure.agencies.add(
        *[AgencyFactory(code=f"H26.8{i:03d}", name=f"UBND phường In Thử {i}") for i in range(8)]
    )
    page = browser_page
    page.goto(f"{page.base_url}/procedures/{cast.procedure.code}/")
    expect(page.locator("header.site")).to_be_visible()
    expect(page.locator("#place-search")).to_be_visible()
    page.emulate_media(media="print")
    for chrome in ("header.site", "body > footer", "form.language", "#place-search"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("#agencies summary")).to_be_visible()  # the list, folded, says how many
    page.shot("procedure-printed")
