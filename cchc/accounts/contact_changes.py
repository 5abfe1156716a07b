"""A new e-mail or phone of a citizen's or an organisation's own account is confirmed by a
one-time code sent to it before it replaces the old one (services.change_own_contacts asks,
`confirm` settles). Until then the account keeps its old address: it signs in with it, its
notifications and password links go there. The old address is told once the change is made.

The code is issued, sent (job runner, after the commit) and checked by the one mechanism of
one-time codes, `cchc.accounts.codes`, as the sign-up's code is.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import codes
from cchc.accounts.models import CONTACT_FIELDS, AccountEvent, ContactChange, User
from cchc.core import events
from cchc.core.errors import NotPermitted, ValidationFailed


def _code_hash(user_id: int, channel: str, code: str) -> str:
    return codes.hash_code(ContactChange.scope_of(user_id, channel), code)


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
    codes.throttle(
        ContactChange.objects.filter(user=user),
        field="email" if channel == ContactChange.Channel.EMAIL else "phone",
    )
    close_open(user, channel)
    return codes.issue(ContactChange(user=user, channel=channel, new_address=new_address))


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
        else:
            error = codes.check(change, code)
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
            user.save(update_fields=list(CONTACT_FIELDS))
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
