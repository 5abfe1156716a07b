"""A message to one person, sent at most once by a background job (`SentNotice`).

A job that tells someone of a change (`cchc.core.jobs`) must not send twice when the job
runner retries it after a failure or runs it twice. `send_once` keeps the marker every such
job needs, so a module names its message and leaves the rest here:

    @job(max_attempts=6)
    def notify_unit(event_id: int) -> int:
        ...
        return sum(send_once(f"reform:event:{e.pk}:user:{p.pk}", p, subject, body) for p in people)

The person gets it by e-mail, else by SMS (settings.SMS_BACKEND); a person with neither gets
nothing and nothing is marked.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cchc.core.models import SentNotice


def send_once(key: str, person: Any, subject: str, body: str) -> bool:
    """Send `person` the message `key` unless it went already; whether it went in this call.
    The marker row is created, locked and stamped in the transaction that sends, so two runs
    at once send one message; a send that fails raises and leaves the marker unstamped, for
    the job's retry."""
    from cchc.core import sms

    if not person.email and not person.phone:
        return False
    with transaction.atomic():
        SentNotice.objects.get_or_create(key=key, defaults={"recipient": person})
        notice = SentNotice.objects.select_for_update().get(key=key)
        if notice.sent_at is not None:
            return False
        if person.email:
            send_mail(subject, body, None, [person.email])
            notice.channel = "email"
        else:
            sms.send_sms(person.phone, body)
            notice.channel = "sms"
        notice.sent_at = timezone.now()
        notice.save(update_fields=["channel", "sent_at"])
    return True
