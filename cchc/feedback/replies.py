"""The petitioner answers the agency's question online (trả lời yêu cầu bổ sung thông tin).

While a petition waits for information (NEED_INFO), its tracking page shows what the agency
asked. Before, the petitioner could only wait for a phone call and the officer typed the
answer in; now whoever may read the tracking page (the holder of its unguessable link, which
is also how the signed-in sender reaches it from "Petitions I sent") may answer there. The
answer takes the staff's path (`petitions.resume_with_info`): the clock runs again and the
due date moves by the working time waited, one `receive_info` event marked as sent online.
The handling officer is told by a job, enqueued in the same transaction (it runs only once
the answer is committed).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.core.calendar import when
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.jobs import job
from cchc.core.notices import send_once
from cchc.feedback import common, petitions
from cchc.feedback.common import REPLY_MAX
from cchc.feedback.models import Petition, PetitionEvent, PetitionStatus

# C0 controls other than tab, line feed and carriage return, DEL and the C1 controls: the
# request guard (core.middleware) refuses them at the edge; the service refuses them too, for
# any other caller.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def may_reply(petition: Petition, *, user: Any = None, token: str = "") -> bool:
    """The petition's sender (signed in) or the holder of its tracking link."""
    if token and hmac.compare_digest(str(token).encode(), petition.token.encode()):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and petition.petitioner_id is not None
        and user.pk == petition.petitioner_id
    )


@transaction.atomic
def reply_to_question(
    petition: Petition,
    *,
    actor: Any,
    text: str,
    token: str = "",
    at: dt.datetime | None = None,
) -> Petition:
    """Record the petitioner's answer to the agency's question; the handling clock resumes.
    `actor` is the visitor (signed in or not); `token` the tracking link's token they hold."""
    petition = petitions.lock(petition)
    if not may_reply(petition, user=actor, token=token):
        raise NotPermitted(_("Only the sender of this petition can answer the agency's question."))
    if petition.status != PetitionStatus.NEED_INFO:
        raise TransitionNotAllowed(
            _("The agency is not waiting for information on petition %(code)s.")
            % {"code": petition.code}
        )
    if _CONTROL.search(text or ""):
        raise ValidationFailed(
            _("Your answer contains a control character, which is not accepted."), field="text"
        )
    text = common.required_text(text, _("answer to the agency's question"), REPLY_MAX, field="text")
    petition = petitions.resume_with_info(
        petition, actor=actor, info=text, now=when(at), data={"online": True}
    )
    event = petition.events.order_by("-seq").only("pk").first()
    if event is not None:
        notify_handler_of_reply.enqueue(event.pk)
    return petition


def _handler(petition: Petition, event: PetitionEvent) -> Any:
    """Who handles the petition: its assignee, else the officer who asked the question."""
    if petition.assignee_id is not None:
        return petition.assignee
    asked = (
        petition.events.filter(action="request_info", seq__lt=event.seq)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )
    return asked.actor if asked is not None else None


@job(max_attempts=6)
def notify_handler_of_reply(event_id: int) -> bool:
    """Tell the handling officer (e-mail, else SMS) that the petitioner answered online. One
    message per answer (`core.notices.send_once`, keyed by the answer's event): a retry, or a
    second run of the job, sends nothing once a message went; a send that fails raises and
    is retried. Returns whether a message went in this run."""
    event = (
        PetitionEvent.objects.select_related("petition", "petition__assignee")
        .filter(pk=event_id, action="receive_info")
        .first()
    )
    if event is None:
        return False
    petition = event.petition
    officer = _handler(petition, event)
    if officer is None or not officer.is_active:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL.rstrip("/") + reverse("feedback:detail", args=[petition.code])
        subject = _("Petition %(code)s: the petitioner has answered") % {"code": petition.code}
        body = _(
            "The petitioner answered your question about petition %(code)s online; the "
            "handling time runs again. Read the answer at %(link)s"
        ) % {"code": petition.code, "link": link}
    return send_once(f"feedback:reply:{event.pk}", officer, subject, body)
