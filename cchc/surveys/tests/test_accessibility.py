"""Accessibility of the survey pages in Chromium: axe-core finds no serious or critical
violation on the questionnaire builder (draft and published), the campaign page, the
respondent's form (personal link, open link, kiosk, also on a 390-px phone; with matrix,
ranking and file questions, also when refused), the enumerator's entry and the double-keying
pages (clerk's keying, supervisor's differences). On the phone
no respondent's form scrolls sideways."""

from __future__ import annotations

import pytest

from cchc.surveys import campaign_settings, collection, questionnaires
from cchc.surveys.models import Mode
from cchc.surveys.tests.conftest import all_items, answer_all
from cchc.surveys.tests.test_collection import drawn
from cchc.surveys.tests.test_item_types import typed  # noqa: F401 - fixture
from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    """Nothing on the page is wider than the screen: the page cannot scroll sideways."""
    width = page.evaluate("() => document.documentElement.clientWidth")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                + Math.round(e.getBoundingClientRect().right))""",
        width,
    )
    assert scroll <= width, f"{page.url}: {scroll} px of content on a {width}-px screen: {wide}"
    widest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.survey-form *')]"
        ".filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= width + 1, f"{page.url}: an element reaches {widest} px"


def respondent_paths(cast, campaign) -> list[str]:
    person = drawn(cast, campaign).people.first()
    open_link = f"/surveys/o/{campaign.code}/{campaign.open_token}/{cast.agency_a.code}/"
    return [f"/surveys/r/{person.token}/", open_link, open_link + "?kiosk=1"]


def test_respondent_forms(browser_page, cast, campaign, method):
    page = browser_page
    paths = respondent_paths(cast, campaign)
    for path in paths:
        page.goto(page.base_url + path)
        page.wait_for_selector("#survey-form")
        assert_accessible(page)
    page.set_viewport_size(PHONE)
    for path in paths:
        page.goto(page.base_url + path)
        page.wait_for_selector("#survey-form")
        no_sideways_scroll(page)
        assert_accessible(page)
    page.shot("kiosk-on-a-phone")
    # answered on the phone: the thank-you page, then the used link's message
    page.goto(page.base_url + paths[0])
    answer_all(page, "4")
    page.click("#submit-survey")
    page.wait_for_selector(".survey-message")
    no_sideways_scroll(page)
    assert_accessible(page)
    page.goto(page.base_url + paths[0])
    page.wait_for_selector(".survey-message")
    assert_accessible(page)


def test_staff_entry_and_double_keying(browser_page, cast, campaign, method):
    page = browser_page
    answers = all_items(method, 4)
    collection.key_paper_form(
        campaign, number="P-1", agency=cast.agency_a, mode=Mode.PAPER_POST,
        answers=answers, actor=cast.clerk_a,
    )  # fmt: skip
    collection.key_paper_form(
        campaign, number="P-1", agency=cast.agency_a, mode=Mode.PAPER_POST,
        answers={**answers, "A1": 5}, actor=cast.clerk_b,
    )  # fmt: skip
    sign_in(page, cast.clerk_a)
    for path in (
        f"/surveys/c/{campaign.code}/enter/",
        f"/surveys/c/{campaign.code}/enter/?paper=1",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    page.set_viewport_size(PHONE)  # an enumerator's phone
    page.goto(page.base_url + f"/surveys/c/{campaign.code}/enter/")
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, cast.province_admin)
    page.goto(page.base_url + f"/surveys/c/{campaign.code}/disputes/")
    page.wait_for_selector("input[name=r_A1]")
    assert_accessible(page)


def test_builder_and_campaign_pages(browser_page, cast, campaign, questionnaire):
    page = browser_page
    drawn(cast, campaign)  # one unit with a sample (letters link), one with the draw button
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=3, actor=cast.province_admin)
    draft = questionnaires.new_version(questionnaire, actor=cast.province_admin, province_code="01")
    response = collection.enter_response(
        campaign,
        agency=cast.agency_a,
        mode=Mode.PHONE,
        answers=all_items(questionnaire.method, 4),
        actor=cast.clerk_a,
    )
    sign_in(page, cast.province_admin)
    for path in (
        f"/surveys/q/{questionnaire.pk}/",
        f"/surveys/q/{draft.pk}/",
        f"/surveys/q/{draft.pk}/preview/",
        f"/surveys/c/{campaign.code}/",
        "/surveys/",
        "/surveys/new/",
        f"/surveys/c/{campaign.code}/responses/?unit={cast.agency_a.code}",
        f"/surveys/c/{campaign.code}/responses/{response.code}/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)


def test_matrix_ranking_and_file_questions(browser_page, cast, typed, method):  # noqa: F811
    """The respondent's form and the enumerator's entry with a matrix of scale items, a
    ranking and a file question (on a desktop and on a phone, and when refused with its
    message), and the builder and preview of a questionnaire holding those item types."""
    page = browser_page
    open_link = f"/surveys/o/{typed.code}/{typed.open_token}/{cast.agency_a.code}/"
    page.goto(page.base_url + open_link)
    page.wait_for_selector("#q-M1")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + open_link)
    page.wait_for_selector("#q-M1")
    assert_accessible(page)
    # refused (the same place given twice): the form comes back with its message
    answer_all(page, "4", within="#survey-form")
    page.select_option("select[name=a_R1__1]", "1")
    page.select_option("select[name=a_R1__2]", "1")
    page.click("#submit-survey")
    page.wait_for_selector("#q-M1")
    assert "chỉ được xếp một vị trí" in page.content()
    # ...with the answers it was sent with, to fix the one place and send again
    assert page.locator("select[name=a_R1__2]").input_value() == "1"
    assert page.locator("#q-M1 input[type=radio][value='4']:checked").count() >= 1
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, cast.clerk_a)
    page.goto(page.base_url + f"/surveys/c/{typed.code}/enter/")
    page.wait_for_selector("#q-M1")
    assert_accessible(page)

    sign_in(page, cast.province_admin)
    draft = questionnaires.new_version(
        typed.questionnaire, actor=cast.province_admin, province_code="01"
    )
    for path in (
        f"/surveys/q/{typed.questionnaire.pk}/",
        f"/surveys/q/{draft.pk}/",
        f"/surveys/q/{draft.pk}/preview/",
    ):
        page.goto(page.base_url + path)
        assert "M1" in page.content() and "R1" in page.content() and "F1" in page.content()
        assert_accessible(page)


def test_results_and_unit_pages(browser_page, cast, campaign, questionnaire):
    """The results page (ranking, the desk-bias table and its explanation, the raw answers'
    download form) and a unit's page, whose component profile names every component in
    text of at least 12 px, on a desktop and on a phone."""
    page = browser_page
    for mode, value in (("kiosk", 5), ("phone", 3)):
        collection.enter_response(
            campaign,
            agency=cast.agency_a,
            mode=mode,
            answers=all_items(questionnaire.method, value),
            actor=cast.clerk_a,
        )
    sign_in(page, cast.province_admin)
    results = f"/surveys/c/{campaign.code}/results/"
    unit = f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/"
    for size in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(size)
        page.goto(page.base_url + results)
        page.wait_for_selector("#answers-download")
        assert page.locator("#bias caption").is_visible()
        assert_accessible(page)
        page.goto(page.base_url + unit)
        page.wait_for_selector("#profile")
        assert_accessible(page)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('#profile caption, #profile th, #profile td')]
                .map(e => parseFloat(getComputedStyle(e).fontSize))"""
        )
        assert sizes and min(sizes) >= 12, sizes
        labels = page.locator("#profile tbody th").all_inner_texts()
        assert labels[0] == "P1 — Cung cấp thông tin chính sách" and len(labels) == 9
        # every bar drawn, as long as its figure says (a 66,67 bar is two thirds of 100)
        track, bar = page.evaluate(
            """() => { const r = document.querySelectorAll('#profile tbody tr')[0]
                .querySelectorAll('rect');
                return [r[0].getBBox().width, r[1].getBBox().width]; }"""
        )
        score = float(page.locator("#profile tbody td").first.inner_text().replace(",", "."))
        assert abs(bar / track - score / 100) < 0.01, (bar, track, score)
    page.set_viewport_size({"width": 1280, "height": 900})
