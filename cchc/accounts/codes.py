"""One-time codes sent to an e-mail or phone to prove it belongs to whoever typed it: the
sign-up's code (portal.VerificationCode, portal.services.send_code/verify_code) and the code
of a new contact address (ContactChange, accounts.contact_changes). One mechanism for both:

- `throttle` — at most CODES_PER_HOUR codes per account within an hour;
- `issue` — a fresh 6-digit code, only its keyed hash stored, an expiry (the record's
  `code_ttl`); the code goes out through the job runner (`send_one_time_code`), enqueued in
  the caller's transaction, so it leaves after the commit, a request never waits on the
  e-mail or SMS gateway and a gateway that is down loses nothing (the job retries). The code
  rides in the job's stored arguments encrypted (cchc.core.personal), never in clear;
- `check` — a live code, CODE_MAX_ATTEMPTS attempts, compared in constant time.

A record says what its code is for through the hooks of `accounts.models.OneTimeCode`
(its hash scope, address, channel and message), so this module knows neither app's table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import OneTimeCode
from cchc.core.errors import ValidationFailed
from cchc.core.jobs import job

CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5

Code = TypeVar("Code", bound=OneTimeCode)


def hash_code(scope: str, code: str) -> str:
    """The keyed hash stored in place of `code`, bound to its record's `code_scope`."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def throttle(sent: QuerySet[Any], *, field: str) -> None:
    """Refuse a code when `sent` (the account's codes of this kind) holds CODES_PER_HOUR of the
    last hour. The caller holds the account's lock, so two requests cannot both pass."""
    since = timezone.now() - dt.timedelta(hours=1)
    if sent.filter(created_at__gte=since).count() >= CODES_PER_HOUR:
        raise ValidationFailed(
            _("Too many codes were sent. Please wait an hour and try again."), field=field
        )


def issue(record: Code) -> Code:
    """Store `record` (unsaved, its account and address set) with a fresh code and queue the
    code's sending; inside the caller's transaction, after `throttle` and after the caller
    retired the codes this one replaces."""
    from cchc.core.personal import encrypt

    code = f"{secrets.randbelow(1_000_000):06d}"
    record.code_hash = hash_code(record.code_scope, code)
    record.expires_at = timezone.now() + record.code_ttl
    record.save()
    send_one_time_code.enqueue(record._meta.label, record.pk, encrypt(code))
    return record


def check(record: OneTimeCode | None, code: str) -> str:
    """Why `code` does not confirm `record`, or "" when it does. An attempt on a live code is
    counted: a wrong one is saved here (the caller commits it before refusing, so the limit
    holds), a right one is left for the caller to save with what it settles."""
    if record is None or not record.is_live:
        return _("The code has expired. Please ask for a new one.")
    if record.attempts >= CODE_MAX_ATTEMPTS:
        return _("Too many wrong codes. Please ask for a new one.")
    record.attempts += 1
    if hmac.compare_digest(record.code_hash, hash_code(record.code_scope, (code or "").strip())):
        return ""
    record.save(update_fields=["attempts"])
    return _("Wrong code. %(left)s attempt(s) left.") % {
        "left": CODE_MAX_ATTEMPTS - record.attempts
    }


def deliver(model_label: str, record_id: int, code: str) -> None:
    """Send the code of record `record_id` of `model_label` ("portal.VerificationCode",
    "accounts.ContactChange") to its address; `code` comes encrypted. Nothing is sent once
    the code is used, replaced or expired; a retry may send it twice, which does no harm."""
    from cchc.core import sms  # the SMS channel (its gateway settings live there)
    from cchc.core.personal import decrypt

    record = apps.get_model(model_label)._default_manager.filter(pk=record_id).first()
    if record is None or not record.is_live:
        return
    subject, text = record.code_message(decrypt(code))
    if record.by_email:
        send_mail(subject, text, None, [record.code_address])
    else:
        sms.send_sms(record.code_address, text)


@job(max_attempts=4)
def send_one_time_code(model_label: str, record_id: int, code: str) -> None:
    deliver(model_label, record_id, code)
