"""An interviewer's entry of a questionnaire by phone or face to face (the enter page), as the
interviewing staff member does it on a phone."""

import re

import pytest

from cchc.surveys.models import Response
from cchc.surveys.tests.conftest import answer_all
from cchc.surveys.tests.test_views import post_answers
from cchc.testing import sign_in


def test_an_interviewer_records_a_refusal_and_it_is_kept_on_a_refused_form(
    cast, campaign, method, client
):
    """On the phone or face to face the person may refuse one question: the interviewer has
    "Từ chối trả lời" (0, a missing answer, §6) beside "Không biết" on every scale item, the
    respondent's own form does not; a form sent back with an error keeps the refusal ticked."""
    client.force_login(cast.clerk_a)
    url = f"/surveys/c/{campaign.code}/enter/"
    page = client.get(url).content.decode()
    assert 'name="a_A1" value="0"' in page and "Từ chối trả lời" in page
    refused = post_answers(method, 5, unit=cast.agency_a.code, mode="phone", nonce="r1")
    refused["a_A1"] = "0"
    # no unit chosen: the form comes back, the refusal still ticked
    back = client.post(url, {**refused, "unit": ""}).content.decode()
    assert re.search(r'name="a_A1" value="0"\s+checked', back)
    client.post(url, refused)
    assert Response.objects.get().answers["A1"] == 0


@pytest.mark.browser
def test_the_interviewer_sees_how_far_they_are_on_a_phone(browser_page, cast, campaign, method):
    """On a 390 px phone the interviewer scrolls a questionnaire of some fifty questions: how
    many of the questions shown are answered stays in view at the bottom of the screen, with
    a link to the first one still unanswered; the whole questionnaire is then filled in and
    recorded, a refusal included."""
    page = browser_page
    sign_in(page, cast.clerk_a)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/enter/")
    page.select_option("select[name=unit]", cast.agency_a.code)
    box = page.locator("#survey-answered")
    box.wait_for(state="visible")
    shown = page.evaluate(
        "[...document.querySelectorAll('.survey-question')]"
        ".filter(q => !q.closest('[hidden]')).length"
    )
    assert box.inner_text().startswith(f"Đã trả lời 0/{shown} câu hỏi")
    page.locator("input[name=a_A1][value='0']").check()
    assert box.inner_text().startswith(f"Đã trả lời 1/{shown} câu hỏi")
    # kept in view: its bottom is on the screen, and it is no wider than the phone
    rect = page.evaluate(
        "(() => { const r = document.querySelector('#survey-answered')"
        ".getBoundingClientRect(); return [r.bottom, r.right]; })()"
    )
    assert rect[0] <= 844 + 1 and rect[1] <= 390 + 1, rect
    # the link goes to the first question shown and not yet answered
    first_open = page.evaluate(
        "[...document.querySelectorAll('.survey-question')].find(q => !q.closest('[hidden]')"
        " && !q.querySelector('input:checked') && q.id !== 'q-A1').id"
    )
    assert page.get_attribute("[data-answered-next]", "href") == f"#{first_open}"
    answer_all(page, "4")
    page.locator("input[name=a_A1][value='0']").check()
    page.shot("answered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#submit-survey")
    page.wait_for_load_state()
    response = Response.objects.get()
    assert response.mode == "phone" and response.answers["A1"] == 0


def test_each_entry_offers_only_the_modes_it_takes(cast, campaign, client):
    """The interview entry offered "Trực tuyến" (online) and the paper keying "Phỏng vấn qua
    điện thoại": chosen, the whole typed form was refused on submitting (and an online one
    with a message about paper forms). Each now lists only the modes it records, of the
    campaign's (here every mode)."""
    client.force_login(cast.clerk_a)

    def offered(query: str) -> list[str]:
        page = client.get(f"/surveys/c/{campaign.code}/enter/{query}").content.decode()
        select = re.search(r'<select name="mode">(.*?)</select>', page, re.S)
        assert select is not None
        return re.findall(r'<option value="([^"]+)"', select.group(1))

    assert offered("") == ["paper_desk", "kiosk", "phone", "interview"]
    assert offered("?paper=1") == ["paper_post", "paper_home", "paper_desk"]


def test_an_online_answer_is_not_entered_by_staff(cast, campaign, method):
    from cchc.core.errors import ValidationFailed
    from cchc.surveys import collection
    from cchc.surveys.tests.conftest import all_items

    with pytest.raises(ValidationFailed, match="người trả lời tự điền"):
        collection.enter_response(
            campaign,
            agency=cast.agency_a,
            mode="online",
            answers=all_items(method, 5),
            actor=cast.clerk_a,
        )
