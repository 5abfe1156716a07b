"""The petitioner answers the agency's question online, from the tracking page, instead of
waiting for the officer's call: the clock resumes as when staff record the answer, the
officer is told by the job runner and sees it in the history and in the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.feedback import petitions, replies
from cchc.feedback.common import REPLY_MAX
from cchc.feedback.models import PetitionStatus as S
from cchc.feedback.tests.factories import MONDAY, file
from cchc.testing import client_for

pytestmark = pytest.mark.django_db

QUESTION = "Ông/Bà vui lòng cho biết số biên nhận hồ sơ và ngày nộp."
REPLY = "Biên nhận số 000.01.01.H26-261116-0001, nộp ngày 02/11/2026."


def asked(cast, **kwargs):
    """A web petition routed to the specialist, who asks the petitioner a question."""
    p = file(cast.agency_a, **kwargs)
    p = petitions.confirm_routing(
        p,
        actor=cast.clerk_a,
        category=p.category,
        agency=cast.agency_a,
        assignee=cast.specialist_a,
        at=MONDAY + dt.timedelta(hours=1),
    )
    return petitions.request_info(
        p, actor=cast.specialist_a, question=QUESTION, at=MONDAY + dt.timedelta(hours=2)
    )


def test_the_answer_is_recorded_and_the_clock_resumes_as_when_staff_record_it(cast):
    by_staff, online = asked(cast), asked(cast, phone="0987654321")
    later = MONDAY + dt.timedelta(days=1, hours=2)  # 8 working hours waited
    by_staff = petitions.receive_info(by_staff, actor=cast.specialist_a, info=REPLY, at=later)
    online = replies.reply_to_question(
        online, actor=AnonymousUser(), token=online.token, text=REPLY, at=later
    )
    assert online.status == S.PROCESSING and not online.awaits_information
    assert online.paused_since is None and online.paused_seconds == 8 * 3600
    assert online.paused_seconds == by_staff.paused_seconds
    assert online.handle_due_at == by_staff.handle_due_at
    assert REPLY in online.description
    event = online.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status) == (
        "receive_info",
        S.NEED_INFO,
        S.PROCESSING,
    )
    assert event.note == REPLY and event.data["online"] is True


def test_the_signed_in_sender_may_answer_without_the_link(cast):
    p = asked(cast, user=cast.citizen)
    p = replies.reply_to_question(p, actor=cast.citizen, text=REPLY)
    assert p.status == S.PROCESSING
    assert p.events.order_by("-seq").first().actor == cast.citizen


def test_refused_from_someone_else(cast):
    p = asked(cast, user=cast.citizen)
    for actor in (AnonymousUser(), cast.specialist_b):
        with pytest.raises(NotPermitted):
            replies.reply_to_question(p, actor=actor, token="x" * len(p.token), text=REPLY)
    p.refresh_from_db()
    assert p.status == S.NEED_INFO


def test_refused_when_nothing_is_awaited(cast):
    p = asked(cast)
    petitions.receive_info(p, actor=cast.specialist_a, info="Đã gọi điện")
    with pytest.raises(TransitionNotAllowed):
        replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=REPLY)
    assert p.events.filter(action="receive_info").count() == 1


@pytest.mark.parametrize(
    "text", ["   ", "x" * (REPLY_MAX + 1), "Biên nhận\x07số 12", "Biên nhận\x1bsố 12"]
)
def test_empty_too_long_or_control_characters_are_refused(cast, text):
    p = asked(cast)
    with pytest.raises(ValidationFailed) as refused:
        replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=text)
    assert refused.value.field == "text"
    p.refresh_from_db()
    assert p.status == S.NEED_INFO


def test_the_handling_officer_is_told_by_the_job_runner(reseeded, cast, mailoutbox):
    cast.specialist_a.email = "chuyenvien@example.vn"
    cast.specialist_a.save(update_fields=["email"])
    p = asked(cast)
    mailoutbox.clear()
    replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=REPLY)
    assert [
        m for m in mailoutbox if "chuyenvien@example.vn" in m.to
    ] == []  # not during the request
    assert run_jobs() >= 1
    sent = [m for m in mailoutbox if m.to == ["chuyenvien@example.vn"]]
    assert len(sent) == 1
    assert p.code in sent[0].subject and "đã trả lời" in sent[0].subject
    assert f"/feedback/staff/{p.code}/" in sent[0].body


def answered_with_handler_email(cast, mailoutbox):  # type: ignore[no-untyped-def]
    """A petition the petitioner answered online, its handler reachable by e-mail, the outbox
    emptied: the `receive_info` event whose notice the job sends."""
    cast.specialist_a.email = "chuyenvien@example.vn"
    cast.specialist_a.save(update_fields=["email"])
    p = asked(cast)
    replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=REPLY)
    mailoutbox.clear()
    return p.events.get(action="receive_info")


def test_a_second_run_of_the_job_sends_nothing_more(reseeded, cast, mailoutbox):
    """The job runner retries a run that failed after the message went (a crash between
    sending and finishing): the job had no marker of its own and told the officer twice."""
    event = answered_with_handler_email(cast, mailoutbox)
    run_jobs()
    # the retry: the same job, with the same argument, run again
    assert replies.notify_handler_of_reply.call(event.pk) is False
    assert [m.to for m in mailoutbox] == [["chuyenvien@example.vn"]]


def test_a_failed_send_is_sent_by_the_retry(reseeded, cast, mailoutbox, monkeypatch):
    """The marker is set only with a message that went: a send that fails is retried."""
    event = answered_with_handler_email(cast, mailoutbox)

    def down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("cchc.core.notices.send_mail", down)
    with pytest.raises(OSError):
        replies.notify_handler_of_reply.call(event.pk)
    monkeypatch.undo()
    assert replies.notify_handler_of_reply.call(event.pk) is True
    assert replies.notify_handler_of_reply.call(event.pk) is False
    assert [m.to for m in mailoutbox] == [["chuyenvien@example.vn"]]


def test_without_an_assignee_the_officer_who_asked_is_told(reseeded, cast, mailoutbox):
    cast.clerk_a.email = "motcua@example.vn"
    cast.clerk_a.save(update_fields=["email"])
    p = file(cast.agency_a)
    p = petitions.request_info(p, actor=cast.clerk_a, question=QUESTION)
    replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=REPLY)
    run_jobs()
    assert [m.to for m in mailoutbox if p.code in m.subject] == [["motcua@example.vn"]]


# -- the pages ------------------------------------------------------------------------------
def test_the_tracking_page_takes_the_answer(client, cast):
    p = asked(cast)
    url = f"/feedback/p/{p.token}/"
    page = client.get(url).content.decode()
    assert "Trả lời câu hỏi của cơ quan" in page and 'name="text"' in page
    response = client.post(url, {"text": REPLY}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "đã được gửi tới cơ quan" in body
    assert 'name="text"' not in body  # nothing is awaited any more
    p.refresh_from_db()
    assert p.status == S.PROCESSING


def test_a_refused_answer_comes_back_as_typed(client, cast):
    p = asked(cast)
    url = f"/feedback/p/{p.token}/"
    too_long = "Số biên nhận " + "x" * REPLY_MAX
    response = client.post(url, {"text": too_long})
    assert response.status_code == 400
    body = response.content.decode()
    assert "quá dài" in body and too_long in body
    # the agency recorded the answer meanwhile: the page refuses, and keeps the text
    petitions.receive_info(p, actor=cast.specialist_a, info="Đã gọi điện")
    response = client.post(url, {"text": REPLY})
    assert response.status_code == 400
    body = response.content.decode()
    assert "không chờ thông tin bổ sung" in body and REPLY in body


def test_the_sender_answers_from_petitions_i_sent(cast):
    p = asked(cast, user=cast.citizen)
    client = client_for(cast.citizen)
    assert f"/feedback/p/{p.token}/" in client.get("/feedback/mine/").content.decode()
    client.post(f"/feedback/p/{p.token}/", {"text": REPLY})
    p.refresh_from_db()
    assert p.status == S.PROCESSING


def test_the_officer_sees_the_answer_in_the_history_and_the_queue(cast):
    p = asked(cast)
    other = asked(cast, phone="0987654321")
    replies.reply_to_question(p, actor=AnonymousUser(), token=p.token, text=REPLY)
    staff = client_for(cast.specialist_a)
    detail = staff.get(f"/feedback/staff/{p.code}/").content.decode()
    assert "người phản ánh gửi trực tuyến" in detail and REPLY in detail
    queue = staff.get("/feedback/staff/?tab=mine").content.decode()
    rows = {code: queue.split(code, 1)[1].split("</tr>", 1)[0] for code in (p.code, other.code)}
    assert "info-received" in rows[p.code]
    assert "info-received" not in rows[other.code]


def test_the_assign_list_starts_on_the_current_handler(cast):
    """The list showed the first name of the agency whatever the assignee: a leader who
    opened it to check, or reassigned in a hurry, handed the petition to someone else."""
    import re

    p = asked(cast)  # assigned to the specialist
    page = client_for(cast.leader_a).get(f"/feedback/staff/{p.code}/").content.decode()
    select = page.split('id="assign-select"', 1)[1].split("</select>", 1)[0]
    chosen = re.findall(r'<option value="(\d+)" selected>', select)
    assert chosen == [str(cast.specialist_a.pk)]


def test_the_tracking_page_says_the_question_can_be_answered_here(client, cast):
    """It said the agency would call or write, above a form to answer it online."""
    p = asked(cast)
    page = client.get(f"/feedback/p/{p.token}/").content.decode()
    assert "trả lời câu hỏi của cơ quan ở dưới đây" in page
