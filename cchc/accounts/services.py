"""Staff accounts managed in the platform: a province's Home Affairs department for every
agency of the province, an agency's administrator for that agency.

Every change goes through here: the permission is checked, the account's row locked, an
`AccountEvent` appended (who, when, why, what), and the message with the link to set a
password is left to the job runner after the commit (cchc/accounts/links.py). A new account
has no password until its owner sets one through that link: nobody else ever knows it.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.links import send_set_password_link
from cchc.accounts.models import (
    CONTACT_FIELDS,
    AccountEvent,
    Membership,
    User,
    contacts_held_elsewhere,
)
from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.identifiers import clean_email


def manageable_agencies(actor: Any) -> QuerySet[Agency]:
    """The agencies whose staff `actor` manages: every current agency of the province for
    its Home Affairs department, else the agencies `actor` administers."""
    if not getattr(actor, "is_authenticated", False):
        return Agency.objects.none()
    current = Agency.objects.current()
    if permissions.is_province_admin(actor):
        return current if actor.is_superuser else current.in_province(actor.province_code)
    ids = permissions.agency_ids(actor, roles=[Membership.Role.AGENCY_ADMIN])
    return current.filter(pk__in=ids)


def _require_agency(actor: Any, agency: Agency) -> None:
    if not manageable_agencies(actor).filter(pk=agency.pk).exists():
        raise NotPermitted(_("You do not manage the staff of %(agency)s.") % {"agency": agency})


def _require_staff_account(user: User) -> None:
    if user.kind != User.Kind.STAFF or user.is_superuser:
        raise NotPermitted(_("Only staff accounts are managed here."))


def _require_account(actor: Any, user: User) -> None:
    """A staff account is managed by Home Affairs of its province, or by the administrator
    of every agency it belongs to (an agency cannot switch off another agency's staff)."""
    _require_staff_account(user)
    agencies = set(user.memberships.values_list("agency_id", flat=True))
    mine = set(manageable_agencies(actor).values_list("pk", flat=True))
    if not agencies or not agencies <= mine:
        raise NotPermitted(_("You do not manage this account."))


def manages_account(actor: Any, user: User) -> bool:
    try:
        _require_account(actor, user)
    except NotPermitted:
        return False
    return True


def contact_refusals(
    *, email: str = "", phone: str = "", username: str = "", account: int | None = None
) -> dict[str, str]:
    """The refusal, by field, of an e-mail or phone another account already holds: a staff
    member signs in with them (backends.ContactBackend), and an address held by two accounts
    signs neither in. Checked by the form that creates an account, the one that changes it
    (the admin) and every line of a staff file before anything is written."""
    messages = {
        "email": _(
            "Another account already uses this e-mail: each account needs its own, its owner "
            "signs in with it."
        ),
        "phone": _(
            "Another account already uses this phone number: each account needs its own, its "
            "owner signs in with it."
        ),
    }
    held = contacts_held_elsewhere(email=email, phone=phone, username=username, account=account)
    return {field: messages[field] for field in held}


def add_staff(
    *,
    actor: Any,
    username: str,
    full_name: str,
    agency: Agency,
    role: str,
    email: str = "",
    phone: str = "",
) -> User:
    """A new staff account with one role at `agency`, without a password; its owner gets a
    link to set one (by e-mail, else by SMS)."""
    _require_agency(actor, agency)
    username = username.strip()
    if role not in Membership.Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if not (email or phone):
        raise ValidationFailed(
            _("Give an e-mail or a phone number: the link to set a password goes there."),
            field="email",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("This user name is taken."), field="username")
    refused = contact_refusals(email=email, phone=phone)
    if refused:
        field, message = next(iter(refused.items()))
        raise ValidationFailed(message, field=field)
    try:
        with transaction.atomic():
            user = User(
                username=username,
                full_name=full_name.strip(),
                kind=User.Kind.STAFF,
                province_code=agency.province_code,
                email=email.strip(),
                phone=phone.strip(),
            )
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, agency=agency, role=role)
            events.append_event(
                AccountEvent,
                user,
                action="create",
                actor=actor,
                data={"agency": agency.code, "role": role, "kind": User.Kind.STAFF},
            )
            _invite(user, actor)
    except IntegrityError:
        raise ValidationFailed(_("This user name is taken."), field="username") from None
    return user


def _invite(user: User, actor: Any) -> None:
    channel = "email" if user.email else "sms"
    events.append_event(AccountEvent, user, action="invite", actor=actor, data={"by": channel})
    send_set_password_link.enqueue(user.pk, channel, True)


def send_invitation(*, actor: Any, user: User) -> None:
    """Send the owner a new link to set a password (a lost or expired one)."""
    _require_account(actor, user)
    if not user.is_active:
        raise ValidationFailed(_("The account is switched off: switch it on first."))
    with transaction.atomic():
        user = events.lock(user)
        _invite(user, actor)


def grant_role(*, actor: Any, user: User, agency: Agency, role: str) -> Membership:
    _require_agency(actor, agency)
    _require_staff_account(user)
    if role not in Membership.Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    with transaction.atomic():
        user = events.lock(user)
        membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
        if not created:
            raise ValidationFailed(_("The account already has this role there."), field="role")
        events.append_event(
            AccountEvent,
            user,
            action="grant",
            actor=actor,
            data={"agency": agency.code, "role": role},
        )
    return membership


def revoke_role(*, actor: Any, membership: Membership, reason: str) -> None:
    _require_agency(actor, membership.agency)
    if not reason.strip():
        raise ValidationFailed(_("Say why the role is withdrawn."), field="reason")
    with transaction.atomic():
        user = events.lock(membership.user)
        if (
            user.pk == getattr(actor, "pk", None)
            and membership.role == Membership.Role.AGENCY_ADMIN
        ):
            raise ValidationFailed(_("You cannot withdraw your own administrator role."))
        if not user.memberships.exclude(pk=membership.pk).exists():
            # an account without a role would drop out of every staff list
            raise ValidationFailed(
                _("This is the account's last role: switch the account off instead.")
            )
        membership.delete()
        events.append_event(
            AccountEvent,
            user,
            action="revoke",
            actor=actor,
            note=reason.strip(),
            data={"agency": membership.agency.code, "role": membership.role},
        )


def set_active(*, actor: Any, user: User, active: bool, reason: str) -> User:
    """Switch an account off (someone who left: they can no longer sign in, their records
    stay theirs) or on again."""
    _require_account(actor, user)
    if not reason.strip():
        raise ValidationFailed(_("Say why."), field="reason")
    if user.pk == getattr(actor, "pk", None):
        raise ValidationFailed(_("You cannot switch off your own account."))
    with transaction.atomic():
        user = events.lock(user)
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        events.append_event(
            AccountEvent,
            user,
            action="activate" if active else "deactivate",
            actor=actor,
            note=reason.strip(),
        )
    return user


def _notify_old_contacts(user: User, old_email: str, old_phone: str) -> None:
    """The addresses the account had are told it changed, by the job runner after the commit
    (a change made by someone who took the session is then seen by the owner)."""
    from cchc.accounts.links import send_contact_change_notice
    from cchc.core.personal import encrypt

    if old_email or old_phone:
        # the job's arguments are stored in its table: the addresses go encrypted, as at rest
        send_contact_change_notice.enqueue(user.pk, encrypt(old_email), encrypt(old_phone))


def change_own_contacts(
    *, actor: Any, full_name: str, email: str = "", phone: str = "", password: str
) -> list[str]:
    """A citizen's or an organisation's account changes its own name (an organisation's: its
    contact person's), e-mail and phone, confirmed with its password. The name changes now,
    and so does an address left empty (one must remain); a new e-mail or phone only once
    the code sent to it comes back (contact_changes.confirm): until then the account keeps,
    signs in with and is told everything at the old one. An address another account holds
    is refused (as for staff, `contact_refusals`); the old addresses are told of a change;
    an `AccountEvent` names what changed (not the addresses). Returns the channels waiting
    for their code ("email", "phone")."""
    from cchc.accounts import contact_changes
    from cchc.accounts.models import ContactChange
    from cchc.core.personal import normalise_phone

    if not getattr(actor, "is_authenticated", False) or actor.kind != User.Kind.CITIZEN:
        raise NotPermitted(_("Only citizens' and organisations' accounts change them here."))
    if not actor.check_password(password or ""):
        raise ValidationFailed(_("The current password is wrong."), field="password")
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed(_("Please enter the full name."), field="full_name")
    email = clean_email(email)
    typed_phone = (phone or "").strip()
    phone = normalise_phone(typed_phone)
    if typed_phone and not phone:
        raise ValidationFailed(
            _("A phone number has 9 to 12 digits, e.g. 0912 345 678."), field="phone"
        )
    if not email and not phone:
        raise ValidationFailed(
            _("Give an e-mail or a phone number: you sign in with it."), field="email"
        )
    refused = contact_refusals(email=email, phone=phone, account=actor.pk)
    if refused:
        field, message = next(iter(refused.items()))
        raise ValidationFailed(message, field=field)
    with transaction.atomic():
        user = events.lock(User(pk=actor.pk))  # actor may be the request's lazy user
        old_email, old_phone = user.email, user.phone
        changed = ["full_name"] if user.full_name != full_name else []
        removed = {"email": not email and old_email, "phone": not phone and old_phone}
        asked = []
        for channel, old, new in (
            (ContactChange.Channel.EMAIL, old_email, email),
            (ContactChange.Channel.PHONE, old_phone, phone),
        ):
            if not new and old:
                changed.append(str(channel))
            elif new and new != old:
                asked.append(str(channel))
            if new == old or not new:
                # the old address typed back (or left empty): a request for it is given up
                contact_changes.close_open(user, channel)
        if (removed["email"] or removed["phone"]) and not (
            (old_email and not removed["email"]) or (old_phone and not removed["phone"])
        ):
            # the account would have no address it can sign in with until the code comes
            raise ValidationFailed(
                _(
                    "Keep your current address until the new one is confirmed with its code; "
                    "you can remove it afterwards."
                ),
                field="email" if removed["email"] else "phone",
            )
        if changed:
            user.full_name = full_name
            if removed["email"]:
                user.email, user.email_verified = "", False
            if removed["phone"]:
                user.phone, user.phone_verified = "", False
            # the derived columns with their sources: the keyed hashes sign-in looks up, the
            # folded name and its sort key
            user.save(update_fields=["full_name", *CONTACT_FIELDS, "search_text", "name_key"])
            events.append_event(
                AccountEvent, user, action="contacts", actor=actor, data={"changed": changed}
            )
            _notify_old_contacts(
                user,
                old_email if removed["email"] else "",
                old_phone if removed["phone"] else "",
            )
        for wanted in asked:
            contact_changes.ask(user, wanted, email if wanted == "email" else phone)
        if asked:
            events.append_event(
                AccountEvent, user, action="contact_asked", actor=actor, data={"asked": asked}
            )
    return asked
