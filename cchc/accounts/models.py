"""Users, their roles and their memberships in agencies.

Staff act only inside the agencies they belong to; province administrators (Home Affairs)
and inspectors see the whole province; inspectors never write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cchc.core import api_keys
from cchc.core.collation import VietnameseSortKeyField
from cchc.core.events import EventLog
from cchc.core.models import event_log_meta
from cchc.core.personal import EncryptedTextField, KeyedHashField, lookup_hash, lookup_key
from cchc.core.text import FoldedTextField

# The contact columns of an account saved together: the (encrypted) addresses, whether each is
# confirmed, and the keyed hashes sign-in looks them up by.
CONTACT_FIELDS = (
    "email",
    "phone",
    "email_verified",
    "phone_verified",
    "email_hash",
    "phone_hash",
)


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "CITIZEN", _("Citizen / business")
        STAFF = "STAFF", _("Agency staff")
        PROVINCE_ADMIN = "PROVINCE_ADMIN", _("Province administrator (Home Affairs)")
        INSPECTOR = "INSPECTOR", _("Inspector (read-only)")
        INTEGRATION = "INTEGRATION", _("Integration (system account)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Phone and e-mail are encrypted at rest (cchc.core.personal, docs/security.md §6) and
    # found through keyed hashes, as the citizen ID is: sign-in by e-mail or phone
    # (cchc.accounts.backends), the sign-up's "already registered" check, the admin search.
    email = EncryptedTextField(_("email address"), max_length=254, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    email_hash = KeyedHashField(source="email", kind="email", db_index=True)
    phone_hash = KeyedHashField(source="phone", kind="phone", db_index=True)
    province_code = models.CharField(_("province code"), max_length=2, blank=True)
    # Citizen ID (CCCD, 12 digits) is never stored in clear: a keyed hash to match it and
    # the last four digits to show it masked.
    national_id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    national_id_last4 = models.CharField(max_length=4, blank=True)
    # An organisation's account (tổ chức, doanh nghiệp): the organisation's name and its tax
    # code (mã số doanh nghiệp / mã số thuế, public, kept in clear); `full_name` is then the
    # contact person's. A person's account leaves both blank.
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    # the staff list's search without accents ("nguyen" finds "Nguyễn"), as the catalogue's
    # and the work queues'
    search_text = FoldedTextField(sources=("username", "full_name"))
    # lists of names in Vietnamese alphabetical order (Đ right after D), whatever the
    # database's collation
    name_key = VietnameseSortKeyField(source="full_name")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # one working account per tax code (the sign-up checks it first; this is the
            # guard against two pending sign-ups confirmed at once)
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=models.Q(is_active=True) & ~models.Q(tax_code=""),
                name="uniq_active_tax_code",
            ),
            # One working citizen's or organisation's account per e-mail and per phone: such
            # an account signs in with its address (backends.ContactBackend finds it only
            # when exactly one account holds it) and its codes and password links go there.
            # The sign-up checks first; this is the guard against two pending sign-ups of one
            # address confirmed at once (portal.services.verify_code answers the clash as a
            # duplicate). Staff accounts are left out: they are opened one at a time by an
            # administrator (services.contact_refusals refuses a held address there), sign in
            # with their user name, and an older import may give two of them the office's
            # phone; pending sign-ups are left out so a stranger's unconfirmed one never
            # blocks the owner of the address.
            models.UniqueConstraint(
                fields=["email_hash"],
                condition=models.Q(is_active=True, kind="CITIZEN") & ~models.Q(email_hash=""),
                name="uniq_active_citizen_email",
            ),
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=models.Q(is_active=True, kind="CITIZEN") & ~models.Q(phone_hash=""),
                name="uniq_active_citizen_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_organisation(self) -> bool:
        """An organisation's account (signed up with a tax code), not a person's."""
        return bool(self.tax_code)

    @property
    def applicant_id_hash(self) -> str:
        """The keyed hash that names this account's applicant on its dossiers and digitised
        documents: the citizen ID's for a person, the tax code's for an organisation (the
        two never collide: 12 digits against 10, or 10 + "-" + 3)."""
        if self.tax_code:
            return hash_national_id(self.tax_code)
        return self.national_id_hash

    @property
    def applicant_id_last4(self) -> str:
        """The last four digits of that identifier: the proof the status look-up asks for."""
        if self.tax_code:
            return "".join(ch for ch in self.tax_code if ch.isdigit())[-4:]
        return self.national_id_last4

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def masked_national_id(self) -> str:
        return f"********{self.national_id_last4}" if self.national_id_last4 else ""

    def set_national_id(self, number: str) -> None:
        self.national_id_hash = hash_national_id(number)
        self.national_id_last4 = number[-4:]


def contact_username(email: str = "", phone: str = "") -> str:
    """The user name of an account created by sign-up: derived from the keyed hash of its
    e-mail (or phone), so it is unique per address (the unique user name column keeps two
    sign-ups of one address apart) without holding the address in clear. The citizen signs
    in with the e-mail or phone itself (`cchc.accounts.backends.ContactBackend`)."""
    digest = lookup_hash("email", email) if email else lookup_hash("phone", phone)
    if not digest:
        raise ValueError("an e-mail or a phone number is needed")
    return f"c-{digest[:32]}"


def users_by_contact(value: str) -> models.QuerySet[User]:
    """The accounts whose e-mail (when `value` has an @) or phone equals `value`, compared
    through the keyed hashes (the columns themselves are encrypted)."""
    value = (value or "").strip()
    if "@" in value:
        digest, column = lookup_hash("email", value), "email_hash"
    else:
        digest, column = lookup_hash("phone", value), "phone_hash"
    if not digest:
        return User.objects.none()
    return User.objects.filter(**{column: digest})


def contacts_held_elsewhere(
    *, email: str = "", phone: str = "", username: str = "", account: int | None = None
) -> list[str]:
    """Which of `email` and `phone` ("email", "phone") an account other than `account` (a
    primary key) and other than the one named `username` already holds, compared through the
    keyed hashes, so any spelling of a phone number ("0912 000 111", "+84912000111") counts.
    Sign-in by e-mail or phone (backends.ContactBackend) finds an account only when exactly
    one holds the address: a second holder locks both out of it."""
    others = User.objects.all()
    if account is not None:
        others = others.exclude(pk=account)
    if username:
        others = others.exclude(username__iexact=username.strip())
    held = []
    for column, kind, value in (("email_hash", "email", email), ("phone_hash", "phone", phone)):
        digest = lookup_hash(kind, value or "")
        if digest and others.filter(**{column: digest}).exists():
            held.append(kind)
    return held


def hash_national_id(number: str) -> str:
    """Keyed hash of a citizen ID: lookups by ID work, the number itself is not stored."""
    return hmac.new(lookup_key(), number.strip().encode(), hashlib.sha256).hexdigest()


class Membership(models.Model):
    class Role(models.TextChoices):
        CLERK = "CLERK", _("Counter clerk")
        SPECIALIST = "SPECIALIST", _("Specialist")
        LEADER = "LEADER", _("Unit leader")
        AGENCY_ADMIN = "AGENCY_ADMIN", _("Agency administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.get_role_display()})"


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for staff and integrations. Only a hash of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    hash_key = staticmethod(api_keys.hash_key)

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        key = api_keys.new_key("cchc_")
        token = cls.objects.create(user=user, name=name, prefix=key.prefix, key_hash=key.key_hash)
        return token, key.raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        from cchc.accounts import permissions
        from cchc.core import rowsql

        # every API call runs this: one fixed statement (the token, its user and the user's
        # roles), not a compiled query; read on every request, so a revoked token, a
        # deactivated user or a removed role is refused as soon as the change commits
        token, roles = rowsql.get_row_with_values(
            cls, "key_hash", cls.hash_key(raw), ("user",), Membership, "user", ("agency", "role")
        )
        if token is None or token.revoked_at is not None or not token.user.is_active:
            return None
        permissions.remember_roles(token.user, roles)
        now = timezone.now()
        # "last used" to the minute is enough for auditing and saves a write on every call
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class AccountEvent(EventLog):
    """Every change to a staff account made in the platform (accounts/services.py): created,
    a role granted or withdrawn at an agency, switched off or on, a link to set a password
    sent; who did it, when and why. Who may act on a dossier follows from these records.
    A citizen's or an organisation's account logs its confirmed sign-up (as a person or an
    organisation, with its tax code) and the changes of its contact details."""

    subject_field: ClassVar[str] = "user"
    action_labels: ClassVar[dict[str, Any]] = {
        "create": _("Account created"),
        "grant": _("Role granted"),
        "revoke": _("Role withdrawn"),
        "deactivate": _("Account switched off"),
        "activate": _("Account switched on"),
        "invite": _("Link to set a password sent"),
        "signup": _("Account created by sign-up"),
        "contacts": _("Contact details changed"),
        "contact_asked": _("New contact address waiting for its code"),
    }
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_events",
        verbose_name=_("account"),
    )

    Meta = event_log_meta(
        "user", "uniq_account_event_seq", _("account change"), _("account changes")
    )

    @property
    def role_label(self) -> str:
        """The role the change concerns, as the pages name it (the data keeps its code)."""
        role = (self.data or {}).get("role", "")
        return str(Membership.Role(role).label) if role in Membership.Role.values else role


class OneTimeCode(models.Model):
    """What every one-time code sent to an e-mail or phone keeps: the sign-up's
    (portal.VerificationCode) and a new contact address's (ContactChange). One mechanism,
    `cchc.accounts.codes`, issues, sends (job runner, after the commit) and checks them all.
    Only a keyed hash of the code is stored; it expires and allows a few attempts."""

    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # how long a code works once issued
    code_ttl: ClassVar[dt.timedelta] = dt.timedelta(minutes=15)

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        raise NotImplementedError

    @property
    def code_scope(self) -> str:
        """What the keyed hash binds the code to (its account, its purpose): a code of one
        purpose or account never matches another's."""
        raise NotImplementedError

    @property
    def code_address(self) -> str:
        """The e-mail or phone the code goes to."""
        raise NotImplementedError

    @property
    def by_email(self) -> bool:
        """Whether the code goes by e-mail (otherwise by SMS): both kinds name that channel
        "email" in their `channel` column."""
        return getattr(self, "channel", "") == "email"

    def code_message(self, code: str) -> tuple[str, str]:
        """The subject (of an e-mail) and the text that carry `code`."""
        raise NotImplementedError

    @property
    def code_minutes(self) -> int:
        return int(self.code_ttl.total_seconds() // 60)


class ContactChange(OneTimeCode):
    """A new e-mail or phone a citizen's or an organisation's account asked for, waiting for
    the one-time code sent to it (accounts.contact_changes). Until the code comes back the
    account keeps, signs in with and is told everything at its old address. Only a keyed hash
    of the code is stored; the address is encrypted as the account's own are."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_changes"
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    new_address = EncryptedTextField(_("new address"), max_length=254)
    # set when confirmed, or when replaced by a later request or given up (cancelled)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")
        constraints = [
            # one open request per account and channel: a new one closes the old first
            models.UniqueConstraint(
                fields=["user", "channel"],
                condition=models.Q(closed_at__isnull=True),
                name="uniq_open_contact_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.closed_at is None and self.expires_at > timezone.now()

    @staticmethod
    def scope_of(user_id: int, channel: str) -> str:
        return f"contact:{user_id}:{channel}"

    @property
    def code_scope(self) -> str:
        return self.scope_of(self.user_id, self.channel)

    @property
    def code_address(self) -> str:
        return self.new_address

    def code_message(self, code: str) -> tuple[str, str]:
        text = gettext(
            "CCHC: the code to confirm this address for your account is %(code)s (valid "
            "%(minutes)s minutes). If you did not ask for it, ignore this message."
        ) % {"code": code, "minutes": self.code_minutes}
        return gettext("Confirm your new e-mail address"), text
