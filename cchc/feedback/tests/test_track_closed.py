"""The sender following a petition that was closed without an answer of its own: merged into
an earlier petition, or moved to the complaints register. The page said only the status
("Merged into an earlier petition"), with no way to reach the answer that replies to it nor
to learn where a complaint went and when the agency decides on it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.feedback import complaints, petitions
from cchc.feedback.common import local_date
from cchc.feedback.tests.factories import file


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|a)>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)) if found else ""


@pytest.mark.django_db
def test_a_merged_petition_leads_its_sender_to_the_answer_of_the_earlier_one(client, cast):
    first = file(cast.agency_a, title="Đường ngập nước", description="Đường Láng ngập sau mưa.")
    repeat = file(cast.agency_a, title="Ngập đường Láng", description="Mưa là ngập, đi lại khó.")
    petitions.merge(repeat, actor=cast.clerk_a, into=first)
    track = reverse("feedback:track", args=[repeat.token])

    page = client.get(track).content.decode()
    assert first.code in _text(page, "merged-into")  # where its answer will come from
    assert 'id="merged-answer"' not in page  # nothing published yet: no link to nowhere
    assert "Khi câu trả lời được công khai" in page

    first = petitions.confirm_routing(
        first, actor=cast.clerk_a, category=first.category, agency=cast.agency_a
    )
    first = petitions.answer(first, actor=cast.specialist_a, text="Đã nạo vét cống.")
    petitions.publish(first, actor=cast.leader_a)
    page = client.get(track).content.decode()
    answer = reverse("feedback:answer", args=[first.code])
    assert re.search(rf'<a id="merged-answer" href="{answer}"', page)
    assert client.get(answer).status_code == 200
    assert first.token not in page  # the other sender's tracking link is not given away


@pytest.mark.django_db
def test_a_petition_moved_to_the_complaints_register_tells_its_sender_where_and_when(client, cast):
    p = file(cast.agency_a, title="Khiếu nại quyết định", description="Tôi khiếu nại quyết định.")
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category=p.category, agency=cast.agency_a)
    complaint = complaints.reclassify_as_complaint(
        p, actor=cast.leader_a, kind="COMPLAINT", subject="Quyết định xử phạt số 12"
    )
    page = client.get(reverse("feedback:track", args=[p.token])).content.decode()
    said = _text(page, "moved-to-complaints")
    assert "Luật Khiếu nại" in said and complaint.code in said
    assert local_date(complaint.accept_due_at).strftime("%d/%m/%Y") in said
