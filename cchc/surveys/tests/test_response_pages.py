"""A unit's responses page and one response's page: every response reachable (pages of 50,
search by number), its answers in words, its log, and Home Affairs' correction of a keying
mistake with the questionnaire filled in as recorded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.surveys.forms import answers_as_post, parse_answers
from cchc.surveys.models import Response, ResponseEvent
from cchc.surveys.tests.conftest import all_items, enter_phone_responses
from cchc.surveys.views._shared import _questions
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def test_every_response_of_a_unit_is_listed_page_by_page(cast, campaign, method):
    enter_phone_responses(campaign, method, [5] * 53, agency=cast.agency_a, actor=cast.clerk_a)
    url = reverse("surveys:responses", args=[campaign.code])
    admin = client_for(cast.province_admin)
    first = admin.get(url, {"unit": cast.agency_a.code})
    second = admin.get(url, {"unit": cast.agency_a.code, "page": 2})
    listed = {r.code for r in first.context["page"]} | {r.code for r in second.context["page"]}
    assert len(first.context["page"]) == 50 and len(listed) == 53
    assert listed == set(Response.objects.values_list("code", flat=True))
    one = Response.objects.order_by("-code")[0]
    found = admin.get(url, {"unit": cast.agency_a.code, "q": one.code[-6:]})
    assert [r.code for r in found.context["page"]] == [one.code]
    # the unit's leader reads them, without the review controls, and may not review
    leader = client_for(cast.leader_a)
    body = leader.get(url, {"unit": cast.agency_a.code}).content.decode()
    assert one.code not in body or 'name="ids"' not in body
    assert 'name="decision"' not in body
    ids = list(Response.objects.values_list("pk", flat=True)[:2])
    refused = leader.post(url, {"unit": cast.agency_a.code, "ids": ids, "decision": "ACCEPTED"})
    assert refused.status_code == 403
    # the campaign page leads Home Affairs to each unit's responses
    campaign_page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    assert f"{url}?unit={cast.agency_a.code}" in campaign_page


def test_a_response_read_in_words_and_corrected_with_its_reason(cast, campaign, method):
    enter_phone_responses(campaign, method, [4], agency=cast.agency_a, actor=cast.clerk_a)
    response = Response.objects.get()
    url = reverse("surveys:response", args=[campaign.code, response.code])
    admin = client_for(cast.province_admin)
    page = admin.get(url).content.decode()
    assert "4 — " in page  # the value with its option's wording
    codes = sorted(all_items(method, 4))
    ticked = set(re.findall(r'name="a_([^"]+)" value="4"[^>]*\bchecked\b', page))
    assert ticked == set(codes)  # the correction form shows what was recorded

    fixed = {f"a_{c}": "4" for c in codes} | {f"a_{codes[0]}": "2"}
    no_reason = admin.post(url, fixed)
    assert no_reason.status_code == 400
    body = no_reason.content.decode()
    assert "Sửa phiếu phải nêu lý do." in body
    assert re.search(rf'name="a_{re.escape(codes[0])}" value="2"[^>]*\bchecked\b', body)
    response.refresh_from_db()
    assert response.answers[codes[0]] == 4

    done = admin.post(url, {**fixed, "reason": "Nhập nhầm ô 2 thành 4"})
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.answers[codes[0]] == 2
    edit = ResponseEvent.objects.get(response=response, action="edit")
    assert edit.note == "Nhập nhầm ô 2 thành 4" and edit.actor_id == cast.province_admin.pk
    assert edit.data["before"][codes[0]] == 4 and edit.data["after"][codes[0]] == 2

    leader = client_for(cast.leader_a)
    assert "Nhập nhầm ô 2 thành 4" in leader.get(url).content.decode()  # the log
    assert 'name="reason"' not in leader.get(url).content.decode()
    assert leader.post(url, {**fixed, "reason": "x"}).status_code == 403
    assert client_for(cast.leader_b).get(url).status_code == 403


def test_a_recorded_answer_posted_back_reads_as_the_same_answer(cast, questionnaire, method):
    questions = _questions(questionnaire)
    answers = all_items(method, 3)
    assert parse_answers(questions, answers_as_post(questions, answers)) == answers
