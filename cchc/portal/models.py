"""The citizen portal's own records: one-time codes, drafts of online dossiers, the
notification outbox and an audit trail of what citizens did here.

Dossiers, their documents and evaluations live in `cchc.dossiers`; the portal writes them
only through `cchc.dossiers.services` and `cchc.portal.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import OneTimeCode
from cchc.core.models import user_link
from cchc.core.personal import EncryptedJSONField, EncryptedTextField


class VerificationCode(OneTimeCode):
    """A one-time code sent by e-mail or SMS to prove the citizen owns the address given at
    sign-up. Issued, sent and checked by the accounts' one mechanism (cchc.accounts.codes):
    only a keyed hash of the code is stored; it expires and allows a few attempts.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_codes"
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    # the e-mail or phone the code went to: encrypted at rest (docs/security.md §6)
    destination = EncryptedTextField(_("sent to"), max_length=254)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    code_ttl = dt.timedelta(minutes=10)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    @property
    def code_scope(self) -> str:
        # the scope the codes issued before the one mechanism were hashed with: a code sent
        # before a release is still confirmed after it
        return f"otp:{self.user_id}"

    @property
    def code_address(self) -> str:
        return self.destination

    def code_message(self, code: str) -> tuple[str, str]:
        text = gettext(
            "Your CCHC verification code is %(code)s. It expires in %(minutes)s minutes."
        ) % {"code": code, "minutes": self.code_minutes}
        return gettext("CCHC verification code"), text


class DraftQuerySet(models.QuerySet["Draft"]):
    def open(self) -> DraftQuerySet:
        return self.filter(submitted_dossier__isnull=True)

    def of(self, user) -> DraftQuerySet:  # type: ignore[no-untyped-def]
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Draft(models.Model):
    """An online dossier being filled in. Kept server-side so nothing entered is lost on a
    validation error or an expired session; restored after the citizen signs in again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_drafts"
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("procedure"),
    )
    # What the citizen typed (name, phone, e-mail, address, the request): personal data,
    # stored as one encrypted token of its JSON (cchc.core.personal, issue 12.6).
    data = EncryptedJSONField(_("entered data"), default=dict, blank=True)
    submitted_dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.procedure_id}"


class DraftAttachment(models.Model):
    """A file the citizen chose for one required document of a draft: freshly uploaded,
    or an earlier digitised document of the same person (reuse)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    required_document = models.ForeignKey(
        "catalogue.RequiredDocument", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "dossiers.DigitizedDocument", on_delete=models.PROTECT, related_name="+"
    )
    reused = models.BooleanField(_("reused"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft attachment")
        verbose_name_plural = _("draft attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "required_document"], name="uniq_draft_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id}: {self.required_document_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def due(self, now=None) -> NotificationQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(
            status=Notification.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )


class Notification(models.Model):
    """Outbox of messages to applicants. Sent by `manage.py run_worker`, never inline, so a
    failing mail or SMS gateway never blocks a dossier action. Every message is kept."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    # The phone number or e-mail the message goes to, and the gateway's last error (which may
    # quote it): encrypted at rest like the dossier's own contact details (cchc.core.personal).
    recipient = EncryptedTextField(_("recipient"), max_length=254)
    subject = models.CharField(pgettext_lazy("a message", "subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    # One message per (event, channel): a signal delivered twice must not send twice.
    dedup_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = EncryptedTextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject or self.kind}"


class PortalActivity(models.Model):
    """Audit trail of writes made from the portal (sign-up, attachments, evaluations).

    Kept apart from the dossier event log so the status history (the control slip) stays a
    pure sequence of national status changes.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = user_link()
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=40)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("portal activity")
        verbose_name_plural = _("portal activities")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
