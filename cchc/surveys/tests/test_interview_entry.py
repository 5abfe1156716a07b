"""An interviewer's entry of a questionnaire by phone or face to face (the enter page), as the
interviewing staff member does it on a phone."""

import re

from cchc.surveys.models import Response
from cchc.surveys.tests.test_views import post_answers


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
