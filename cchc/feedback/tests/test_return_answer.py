"""A leader sends an answer back for correction instead of publishing it (trả lại để sửa câu
trả lời): the petition returns to its assignee, who edits the answer and answers again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.feedback import petitions
from cchc.feedback.models import PetitionStatus as S
from cchc.feedback.tests.factories import MONDAY, file
from cchc.testing import client_for, work_card_counts

pytestmark = pytest.mark.django_db

REASON = "Thiếu căn cứ pháp lý, bổ sung số quyết định"


def answered(cast):
    """A hotline petition logged by the leader, routed to the specialist, who answers it."""
    p = file(cast.agency_a, channel="HOTLINE", receiving_agency=cast.agency_a, actor=cast.leader_a)
    p = petitions.confirm_routing(
        p,
        actor=cast.leader_a,
        category="TTHC",
        agency=cast.agency_a,
        assignee=cast.specialist_a,
        at=MONDAY + dt.timedelta(hours=1),
    )
    return petitions.answer(
        p, actor=cast.specialist_a, text="Hồ sơ đã có kết quả.", at=MONDAY + dt.timedelta(days=1)
    )


def test_the_answer_goes_back_to_the_assignee_and_is_answered_again(cast):
    p = answered(cast)
    due = p.handle_due_at
    p = petitions.return_answer(
        p, actor=cast.leader_a, reason=REASON, at=MONDAY + dt.timedelta(days=2)
    )
    assert p.status == S.PROCESSING and p.is_processing
    assert p.assignee == cast.specialist_a
    assert p.answer == "Hồ sơ đã có kết quả."  # the draft to correct
    assert p.handled_at is None and p.publish_due_at is None
    assert p.handle_due_at == due  # the handling deadline does not move
    event = p.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status) == (
        "return_answer",
        S.ANSWERED,
        S.PROCESSING,
    )
    assert event.note == REASON and event.actor == cast.leader_a
    # not publishable while being corrected; answered again, then published
    with pytest.raises(TransitionNotAllowed):
        petitions.publish(p, actor=cast.leader_a)
    p = petitions.answer(
        p,
        actor=cast.specialist_a,
        text="Hồ sơ đã có kết quả theo Quyết định số 12/QĐ-UBND.",
        at=MONDAY + dt.timedelta(days=3),
    )
    assert p.status == S.ANSWERED and p.handled_at == MONDAY + dt.timedelta(days=3)
    p = petitions.publish(p, actor=cast.leader_a)
    assert p.status == S.PUBLISHED and "12/QĐ-UBND" in p.answer
    assert list(p.events.values_list("action", flat=True)) == [
        "file",
        "confirm",
        "answer",
        "return_answer",
        "answer",
        "publish",
    ]


def test_only_an_answered_petition_goes_back_and_a_reason_is_required(cast):
    p = answered(cast)
    with pytest.raises(ValidationFailed):
        petitions.return_answer(p, actor=cast.leader_a, reason="  ")
    p = petitions.return_answer(p, actor=cast.leader_a, reason=REASON)
    with pytest.raises(TransitionNotAllowed):
        petitions.return_answer(p, actor=cast.leader_a, reason=REASON)
    assert p.events.filter(action="return_answer").count() == 1


def test_only_who_may_publish_sends_the_answer_back(cast):
    p = answered(cast)
    for actor in (
        cast.specialist_a,
        cast.clerk_a,
        cast.leader_b,
        cast.province_admin,
        cast.inspector,
        cast.outsider,
    ):
        with pytest.raises(NotPermitted):
            petitions.return_answer(p, actor=actor, reason=REASON)
        assert petitions.can(actor, "return_answer", p) == petitions.can(actor, "publish", p)
    p.refresh_from_db()
    assert p.status == S.ANSWERED
    assert petitions.can(cast.leader_a, "return_answer", p)


def test_the_leader_sends_it_back_from_the_petition_page(cast):
    p = answered(cast)
    url = reverse("feedback:detail", args=[p.code])
    back = reverse("feedback:act", args=[p.code, "return_answer"])
    assert back not in client_for(cast.specialist_a).get(url).content.decode()
    assert (
        work_card_counts(client_for(cast.specialist_a), reverse("feedback:my_work"))["Giao cho tôi"]
        == 0
    )

    leader = client_for(cast.leader_a)
    page = leader.get(url).content.decode()
    assert back in page and "Trả lại để sửa câu trả lời" in page
    done = leader.post(back, {"reason": REASON}, follow=True).content.decode()
    p.refresh_from_db()
    assert p.status == S.PROCESSING
    assert "Đã trả lại câu trả lời cho người được giao để sửa." in done
    assert "Trả lại để sửa câu trả lời" in done and REASON in done  # in the history

    # the assignee finds it in their work and edits the answer they wrote
    specialist = client_for(cast.specialist_a)
    assert work_card_counts(specialist, reverse("feedback:my_work"))["Giao cho tôi"] == 1
    page = specialist.get(url).content.decode()
    assert 'id="answer-form"' in page
    assert ">Hồ sơ đã có kết quả.</textarea>" in page
    specialist.post(
        reverse("feedback:act", args=[p.code, "answer"]), {"answer": "Đã bổ sung căn cứ."}
    )
    p.refresh_from_db()
    assert p.status == S.ANSWERED and p.answer == "Đã bổ sung căn cứ."


def test_a_specialist_posting_the_action_changes_nothing(cast):
    p = answered(cast)
    resp = client_for(cast.specialist_a).post(
        reverse("feedback:act", args=[p.code, "return_answer"]), {"reason": REASON}, follow=True
    )
    assert "không được phép" in resp.content.decode()
    p.refresh_from_db()
    assert p.status == S.ANSWERED


def test_a_refused_send_back_comes_back_open_with_what_was_typed(cast):
    """The form sat in a closed fold: after a refusal the leader saw the page without the
    form and its error, and on a phone had to find and open the fold again."""
    p = answered(cast)
    too_long = "Bổ sung căn cứ " + "x" * 2000
    resp = client_for(cast.leader_a).post(
        reverse("feedback:act", args=[p.code, "return_answer"]), {"reason": too_long}
    )
    assert resp.status_code == 200 and "Location" not in resp  # the page again, refused
    page = resp.content.decode()
    assert '<details id="return-answer" open>' in page
    assert f">{too_long}</textarea>" in page
    p.refresh_from_db()
    assert p.status == S.ANSWERED


def test_the_assignee_s_queue_marks_an_answer_sent_back(cast):
    """Back in the assignee's queue, a petition sent back looked like any other in progress:
    nothing said the leader was waiting for a corrected answer."""
    p, other = answered(cast), answered(cast)
    petitions.return_answer(p, actor=cast.leader_a, reason=REASON)
    petitions.return_answer(other, actor=cast.leader_a, reason=REASON)
    queue = client_for(cast.specialist_a).get("/feedback/staff/?tab=mine").content.decode()
    row = queue.split(p.code, 1)[1].split("</tr>", 1)[0]
    assert "answer-returned" in row and "Trả lại để sửa câu trả lời" in row
    # a later step on the petition (a question to the petitioner) takes the mark away
    petitions.answer(p, actor=cast.specialist_a, text="Đã bổ sung căn cứ.")
    petitions.return_answer(p, actor=cast.leader_a, reason=REASON)
    petitions.request_info(other, actor=cast.specialist_a, question="Số biên nhận là gì?")
    queue = client_for(cast.specialist_a).get("/feedback/staff/?tab=mine").content.decode()
    rows = {c: queue.split(c, 1)[1].split("</tr>", 1)[0] for c in (p.code, other.code)}
    assert "answer-returned" in rows[p.code]
    assert "answer-returned" not in rows[other.code]
