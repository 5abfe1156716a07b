"""A new e-mail or phone of a citizen's or an organisation's own account is confirmed by a
one-time code sent to it before it replaces the old one (services.change_own_contacts asks,
`confirm` settles). Until then the account keeps its old address: it signs in with it, its
notifications and password links go there. The old address is told once the change is made.

The code goes out through the job runner after the commit (links.send_contact_code), in the
job's arguments encrypted as the addresses are; only a keyed hash of it is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import AccountEvent, ContactChange, User
from cchc.core import events
from cchc.core.errors import NotPermitted, ValidationFailed

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5


def _code_hash(user_id: int, channel: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"contact:{user_id}:{channel}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def open_changes(user: Any) -> list[ContactChange]:
    """The addresses the account asked for and has not confirmed yet (live or expired)."""
    if not getattr(user, "pk", None):
        return []
    return list(
        ContactChange.objects.filter(user_id=user.pk, closed_at__isnull=True).order_by("channel")
    )


def close_open(user: User, channel: str) -> None:
    """Give up the open request of `channel` (a new one replaces it, or the old address was
    typed back)."""
    ContactChange.objects.filter(user=user, channel=channel, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


def ask(user: User, channel: str, new_address: str) -> ContactChange:
    """Open a request for `new_address` and queue its code; the caller holds the lock of
    `user` inside its transaction."""
    from cchc.accounts.links import send_contact_code
    from cchc.core.personal import encrypt

    now = timezone.now()
    recent = ContactChange.objects.filter(
        user=user, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_HOUR:
        raise ValidationFailed(
            _("Too many codes were sent. Please wait an hour and try again."),
            field="email" if channel == ContactChange.Channel.EMAIL else "phone",
        )
    close_open(user, channel)
    code = f"{secrets.randbelow(1_000_000):06d}"
    change = ContactChange.objects.create(
        user=user,
        channel=channel,
        new_address=new_address,
        code_hash=_code_hash(user.pk, channel, code),
        expires_at=now + CODE_TTL,
    )
    send_contact_code.enqueue(change.pk, encrypt(code))
    return change


def resend(*, actor: Any, channel: str) -> ContactChange:
    """A new code for the open request of `channel` (the first one lost or expired)."""
    with transaction.atomic():
        user = events.lock(User(pk=actor.pk))
        change = ContactChange.objects.filter(
            user=user, channel=channel, closed_at__isnull=True
        ).first()
        if change is None:
            raise ValidationFailed(_("There is no new address waiting for a code."))
        return ask(user, channel, change.new_address)


def cancel(*, actor: Any, channel: str) -> None:
    with transaction.atomic():
        user = events.lock(User(pk=actor.pk))
        close_open(user, channel)


def confirm(*, actor: Any, channel: str, code: str) -> User:
    """The code sent to the new address came back: it replaces the old one (now verified),
    the old one is told, the change is logged. A wrong code is counted (and committed) before
    the refusal, so the attempt limit holds."""
    if not getattr(actor, "is_authenticated", False) or actor.kind != User.Kind.CITIZEN:
        raise NotPermitted(_("Only citizens' and organisations' accounts change them here."))
    error = ""
    with transaction.atomic():
        user = events.lock(User(pk=actor.pk))
        change = (
            ContactChange.objects.select_for_update()
            .filter(user=user, channel=channel, closed_at__isnull=True)
            .first()
        )
        if change is None:
            error = _("There is no new address waiting for a code.")
        elif not change.is_live:
            error = _("The code has expired. Please ask for a new one.")
        elif change.attempts >= CODE_MAX_ATTEMPTS:
            error = _("Too many wrong codes. Please ask for a new one.")
        else:
            change.attempts += 1
            if not hmac.compare_digest(
                change.code_hash, _code_hash(user.pk, channel, (code or "").strip())
            ):
                change.save(update_fields=["attempts"])
                error = _("Wrong code. %(left)s attempt(s) left.") % {
                    "left": CODE_MAX_ATTEMPTS - change.attempts
                }
        if not error:
            assert change is not None
            _replace(actor, user, change)
    if error:
        raise ValidationFailed(error, field="code")
    return user


def _replace(actor: Any, user: User, change: ContactChange) -> None:
    """The confirmed address replaces the old one (inside confirm's transaction, `user`
    locked); a refusal rolls the whole confirmation back."""
    from cchc.accounts.services import _notify_old_contacts, contact_refusals

    channel = change.channel
    email = change.new_address if channel == ContactChange.Channel.EMAIL else ""
    phone = change.new_address if channel == ContactChange.Channel.PHONE else ""
    refused = contact_refusals(email=email, phone=phone, account=user.pk)
    if refused:
        # another account took the address meanwhile: said as at the request
        raise ValidationFailed(next(iter(refused.values())), field="code")
    old = user.email if email else user.phone
    if email:
        user.email, user.email_verified = email, True
    else:
        user.phone, user.phone_verified = phone, True
    try:
        with transaction.atomic():
            user.save(
                update_fields=[
                    "email",
                    "phone",
                    "email_verified",
                    "phone_verified",
                    "email_hash",
                    "phone_hash",
                ]
            )
    except IntegrityError:  # confirmed by another account at this very moment
        raise ValidationFailed(
            contact_refusals(email=email, phone=phone, account=user.pk).get(
                "email" if email else "phone", _("This address is already in use.")
            ),
            field="code",
        ) from None
    ContactChange.objects.filter(pk=change.pk).update(
        closed_at=timezone.now(), confirmed=True, attempts=change.attempts
    )
    events.append_event(
        AccountEvent,
        user,
        action="contacts",
        actor=actor,
        data={"changed": ["email" if email else "phone"], "confirmed_by": "code"},
    )
    _notify_old_contacts(user, old if email else "", "" if email else old)
