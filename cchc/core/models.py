"""Versioned rules and the province's calendar exceptions.

Rules change (the one-stop rules were replaced on 1 July 2025), so every rule is a dated
row: a dossier keeps the version in force when it was received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.validity import in_force_on


def value_is(field: str, *values: object, doc: str | None = None) -> property:
    """A read-only property: is the row's `field` one of `values`?

    What templates and views ask instead of comparing raw choice values
    (`is_matrix = value_is("type", Type.MATRIX)`); compares with `==`, as the hand-written
    properties it replaces did."""

    def is_in(self: Any) -> bool:
        return getattr(self, field) in values

    return property(is_in, doc=doc)


def status_is(*statuses: object, doc: str | None = None) -> property:
    """A read-only property: is the row's `status` one of `statuses`?
    (`is_answered = status_is(S.ANSWERED)`, see `value_is`)."""
    return value_is("status", *statuses, doc=doc)


def user_link(
    verbose_name: Any = None,
    related_name: str = "+",
    *,
    on_delete: Any = models.SET_NULL,
    **options: Any,
) -> models.ForeignKey[Any, Any]:
    """A record's optional link to a user account (an assignee, an applicant's account, who
    did something): by default the record outlives the account, so deleting it only clears
    the link. `on_delete=models.PROTECT` where the link names who acted beside its kept label
    (`assigned_by` + `assigned_by_label`, like an event's actor): that account is never
    deleted while a record names it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def event_log_meta(
    subject: str,
    constraint: str,
    verbose_name: Any = None,
    verbose_name_plural: Any = None,
    *,
    ordering: Sequence[str] | None = None,
    ordered: bool = True,
) -> Any:  # a class; typed loosely so it may stand for `EventLog.Meta`
    """The `Meta` of a concrete event log (`cchc.core.events.EventLog`): one sequence per
    subject, so (subject, seq) is unique under the given constraint name, and the log reads
    in that order unless `ordering` says otherwise (`ordered=False`: no default order).

    Options not given are left out, not set to Django's default: the migrations record
    only the options a model states."""
    attrs: dict[str, Any] = {
        "constraints": [models.UniqueConstraint(fields=[subject, "seq"], name=constraint)]
    }
    if verbose_name is not None:
        attrs["verbose_name"] = verbose_name
    if verbose_name_plural is not None:
        attrs["verbose_name_plural"] = verbose_name_plural
    if ordering is not None:
        attrs["ordering"] = list(ordering)
    elif ordered:
        attrs["ordering"] = [subject, "seq"]
    return type("Meta", (), attrs)


class RuleVersionQuerySet(models.QuerySet["RuleVersion"]):
    def in_force(self, key: str, on: dt.date) -> RuleVersion:
        qs = self.filter(key=key).filter(
            in_force_on(on, start="effective_from", end="effective_to")
        )
        version = qs.order_by("-effective_from").first()
        if version is None:
            raise RuleVersion.DoesNotExist(f"No rule version '{key}' in force on {on}")
        return version


class RuleVersion(models.Model):
    """One version of a rule set (e.g. the one-stop rules of Decree 118/2025)."""

    key = models.CharField(_("rule key"), max_length=60, db_index=True)
    version = models.CharField(_("version"), max_length=40)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="uniq_rule_version")]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


class CalendarException(models.Model):
    """A province-editable change to the national calendar.

    Decreed swaps move a weekday off and make a Saturday a working day; a province may also
    cancel a holiday for its own offices or add a local day off.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "DAY_OFF", _("Additional day off")
        WORKING_DAY = "WORKING_DAY", _("Make-up working day")

    province_code = models.CharField(
        _("province code"),
        max_length=2,
        blank=True,
        default="",
        help_text=_("Empty: applies to every province."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    legal_source = models.CharField(_("legal source"), max_length=200, blank=True)
    # The decision that ordered it (số và ngày văn bản), kept apart so the audit list and
    # the due-date derivation can cite it exactly (issue 17 point 7).
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "date"], name="uniq_calendar_exception"
            )
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}: {self.reason}"


class AppendOnlyModel(models.Model):
    """An audit record: written once, never changed or deleted (the database also refuses it
    with triggers, see the migrations of the models that use this)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(f"{self._meta.verbose_name_plural} are append-only")


class IdempotencyKey(models.Model):
    """The first answer of an API write sent with an `Idempotency-Key` header (issue 12.4).

    Written in the same transaction as the change it answers: a write that did not commit
    leaves no key, and a key always stands for a change that did. A replay by the same caller
    with the same key and the same request gets this answer back instead of acting again
    (`cchc.core.idempotency`); rows expire after `IDEMPOTENCY_KEY_TTL_HOURS`.
    """

    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("caller"),
    )
    # A caller that is not a user account (an Open311 API client: "open311:<id>"); keys are
    # per scope as they are per caller. Empty for the JSON API, whose caller is a user.
    scope = models.CharField(_("scope"), max_length=80, blank=True, default="")
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status = models.PositiveSmallIntegerField(pgettext_lazy("HTTP answer", "status"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, default="")
    body = models.BinaryField(_("body"), default=b"")
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="uniq_idempotency_key"),
            models.UniqueConstraint(
                fields=["scope", "key"],
                condition=models.Q(caller__isnull=True),
                name="uniq_idempotency_scope_key",
            ),
            models.CheckConstraint(
                condition=models.Q(caller__isnull=False) | ~models.Q(scope=""),
                name="idempotency_key_has_an_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caller_id or self.scope}:{self.key}"


class ChainAnchor(AppendOnlyModel):
    """The heads of one event log's hash chains at one moment (issue 12 point 7): a deleted
    last row, or a whole deleted chain, leaves every remaining chain verifying, so the heads
    are recorded here, append-only, by `manage.py anchor_event_chains` (or its periodic job)
    and `verify_event_chains` reports any chain now behind or missing (cchc/core/anchors.py).

    Only the heads that moved since the model's previous anchor are stored
    (`ChainAnchorHead`); `digest` covers every head known at this anchor, and `hash` chains
    the anchors of one model like event rows, so the anchors can be kept off-site too (each
    anchor is written as a JSON line to a file or log for that)."""

    model = models.CharField(_("event log"), max_length=100)
    taken_at = models.DateTimeField(_("taken at"))
    chains = models.PositiveIntegerField(_("chains"))
    rows = models.PositiveBigIntegerField(_("rows"))
    digest = models.CharField(_("digest of the heads"), max_length=64)
    previous = models.CharField(_("previous anchor's hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("chain anchor")
        verbose_name_plural = _("chain anchors")
        indexes = [models.Index(fields=["model", "id"], name="chain_anchor_model_idx")]

    def __str__(self) -> str:
        return f"{self.model} {self.taken_at:%Y-%m-%d %H:%M} ({self.chains} chains)"


class ChainAnchorHead(AppendOnlyModel):
    """The head (last sequence and its hash) of one chain as recorded by an anchor."""

    anchor = models.ForeignKey(ChainAnchor, on_delete=models.PROTECT, related_name="heads")
    subject = models.CharField(_("subject"), max_length=64)
    seq = models.PositiveIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("anchored chain head")
        verbose_name_plural = _("anchored chain heads")

    def __str__(self) -> str:
        return f"{self.subject}#{self.seq}"


class SentNotice(models.Model):
    """A message that a background job sends to one person at most once: the unit told of
    its answer day (reform), the officer told that a petitioner answered (feedback).
    `key` names what and whom (`reform:event:42:user:7`); `sent_at` is set in the
    transaction that sends, with the row locked first (`cchc.core.notices.send_once`). The
    job runner retries a failed run, and a job may run twice: the lock and the stamp make a
    retry send nobody a second message, while a send that failed stays unstamped for it."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=8, blank=True)  # "email" or "sms"
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent notice")
        verbose_name_plural = _("sent notices")

    def __str__(self) -> str:
        return f"{self.key} {self.channel} @ {self.sent_at}"


class CodeCounter(models.Model):
    """The last number issued per code prefix and year, for the codes `PREFIX-YYYY-NNNN` of
    petitions and complaints (PA, KN, TC), reform tasks (NV), inspections (KT) and findings
    (PH): `cchc.core.identifiers.next_code` draws from it with one atomic upsert, so two
    records made at once, or one after a deletion, never get the same code. (Dossier codes
    have their own per-agency, per-day counter, `dossiers.DossierCodeCounter`.)"""

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("code counter")
        verbose_name_plural = _("code counters")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="uniq_yearly_code_counter")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
