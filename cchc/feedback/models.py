"""Feedback and petitions (phản ánh, kiến nghị — PAKN), complaints and denunciations, and
the leaders' citizen-reception schedule.

Legal base: Decree 20/2008/NĐ-CP on receiving and handling feedback and petitions on
administrative regulations (amended by Decree 92/2017/NĐ-CP). Complaints and denunciations
(khiếu nại, tố cáo) follow the Law on Complaints 2011 and the Law on Denunciations 2018 and
are kept in a separate, restricted register (`Complaint`).

Deadlines are never constants: each petition keeps the `petition` rule version in force on
the day it was received (params reject_days, request_info_days, handle_days, publish_days),
each complaint the `complaint` rule version.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.agencies.models import agency_link
from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link, value_is
from cchc.core.personal import EncryptedTextField, KeyedHashField
from cchc.core.text import FoldedTextField, matches_folded


class Category(models.TextChoices):
    """Classification used by the 766 index: procedures/regulations vs officials' conduct."""

    TTHC = "TTHC", _("Administrative procedures and regulations")
    CANBO = "CANBO", _("Conduct of officials")
    KHAC = "KHAC", _("Other")


class PetitionChannel(models.TextChoices):
    WEB = "WEB", _("Web form")
    OPEN311 = "OPEN311", _("Open311 API")
    HOTLINE = "HOTLINE", _("Hotline")
    COUNTER = "COUNTER", _("At the counter")
    MAIL = "MAIL", _("Post / letter")


class PetitionStatus(models.TextChoices):
    RECEIVED = "RECEIVED", pgettext_lazy("a status", "Received")
    PROCESSING = "PROCESSING", _("Being handled")
    NEED_INFO = "NEED_INFO", _("Waiting for more information")
    ANSWERED = "ANSWERED", _("Answered")
    PUBLISHED = "PUBLISHED", _("Answer published")
    REJECTED = "REJECTED", _("Rejected")
    MERGED = "MERGED", _("Merged into an earlier petition")
    TRANSFERRED = "TRANSFERRED", _("Moved to the complaints register")


S = PetitionStatus
# Statuses in which the handling clock runs (NEED_INFO pauses it).
CLOCK_STATUSES = (S.RECEIVED, S.PROCESSING)
OPEN_STATUSES = (S.RECEIVED, S.PROCESSING, S.NEED_INFO)
CLOSED_STATUSES = (S.ANSWERED, S.PUBLISHED, S.REJECTED, S.MERGED, S.TRANSFERRED)

# Status codes of the interchange bundle (petitions.jsonl TrangThai); the bundle names only
# DA_CONG_KHAI explicitly, the others follow the same Vietnamese naming.
BUNDLE_STATUS = {
    S.RECEIVED: "DA_TIEP_NHAN",
    S.PROCESSING: "DANG_XU_LY",
    S.NEED_INFO: "CHO_BO_SUNG",
    S.ANSWERED: "DA_XU_LY",
    S.PUBLISHED: "DA_CONG_KHAI",
    S.REJECTED: "TU_CHOI",
    S.MERGED: "DA_GOP",
    S.TRANSFERRED: "DA_CHUYEN",
}


class Topic(models.Model):
    """A subcategory of petitions; also an Open311 service (service_code = code).

    `attributes` are the Open311 service-definition attributes asked for this topic: a list
    of {code, datatype, required, description, datatype_description, order, values}.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    attributes = models.JSONField(_("attributes"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("petition topic")
        verbose_name_plural = _("petition topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PetitionQuerySet(models.QuerySet["Petition"]):
    def open(self) -> PetitionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.filter(status__in=CLOCK_STATUSES, handle_due_at__lt=now)

    def due_soon(self, until, now=None) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.filter(
            status__in=CLOCK_STATUSES, handle_due_at__gte=now, handle_due_at__lte=until
        )

    def awaiting_publication(self) -> PetitionQuerySet:
        return self.filter(status=S.ANSWERED)

    def published(self) -> PetitionQuerySet:
        return self.filter(status=S.PUBLISHED)

    def unsatisfied(self) -> PetitionQuerySet:
        """More dislikes than likes = unsatisfied (766 index, satisfaction group)."""
        return self.filter(dislikes__gt=F("likes"))

    def visible_to(self, user) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        """Staff see their agencies' petitions (responsible or suggested); province
        administrators and inspectors the whole province; a citizen the ones they filed."""
        from cchc.accounts import permissions

        return permissions.rows_visible_to(
            self,
            user,
            own="petitioner",
            agencies=("agency", "suggested_agency", "receiving_agency"),
            province="province_code",
        )

    def filed_by(self, user) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        """The petitions a person sent on the web while signed in (their own list); none for
        a visitor not signed in."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(petitioner=user)

    def matching_for(self, user, query: str) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        """The staff queue's text search. A petition moved to the complaints register whose
        case `user` may not read is found by its code only: a match on its hidden words
        would tell what the complaint or denunciation says (and who it names)."""
        readable = Complaint.objects.visible_to(user).filter(source_petition=OuterRef("pk"))
        sealed = Q(status=S.TRANSFERRED) & ~Exists(readable)
        return self.filter(
            (~sealed & matches_folded("search_text", query))
            | (sealed & Q(code__icontains=query.strip()))
        )

    def handled_by_staff(self, user) -> PetitionQuerySet:  # type: ignore[no-untyped-def]
        """The work queue: petitions the user may act on (not a citizen's own ones)."""
        from cchc.accounts import permissions

        return permissions.rows_visible_to(
            self, user, agencies=("agency",), province="province_code"
        )


class Petition(models.Model):
    """One feedback or petition (phản ánh, kiến nghị) from any channel."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("e.g. PA-2026-000123")
    )
    # Public, unguessable tracking token (Open311 `token`, the citizen's follow-up link).
    token = models.CharField(max_length=40, unique=True)
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    agency = agency_link(_("responsible agency"), "petitions", null=True, blank=True)
    suggested_agency = agency_link(_("suggested agency"), null=True, blank=True)
    receiving_agency = agency_link(_("agency that logged it"), null=True, blank=True)
    routing_confirmed_at = models.DateTimeField(_("routing confirmed at"), null=True, blank=True)
    routing_confirmed_by = user_link()
    assignee = user_link(_("assignee"), "assigned_petitions")
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, db_index=True
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("topic"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=PetitionChannel.choices, db_index=True
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("content"), blank=True)
    attribute_values = models.JSONField(_("attributes"), default=dict, blank=True)

    # Personal data: never shown on public pages or in the Open311 feed.
    petitioner = user_link(_("petitioner account"), "petitions")
    petitioner_name = models.CharField(_("petitioner name"), max_length=200, blank=True)
    # encrypted at rest (cchc/core/personal.py); the duplicate check compares the keyed hashes
    petitioner_phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    petitioner_email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    petitioner_phone_hash = KeyedHashField(source="petitioner_phone", kind="phone")
    petitioner_email_hash = KeyedHashField(source="petitioner_email", kind="email")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("dossier"),
    )
    dossier_code = models.CharField(_("dossier code"), max_length=60, blank=True, db_index=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    media_url = models.URLField(_("media URL"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PetitionStatus.choices,
        default=S.RECEIVED,
        db_index=True,
    )
    rule_version = models.ForeignKey(
        "core.RuleVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rule version"),
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    clock_started_at = models.DateTimeField(
        _("handling clock started at"), help_text=_("receipt, or the last transfer")
    )
    reject_due_at = models.DateTimeField(_("reject by"), null=True, blank=True)
    info_request_due_at = models.DateTimeField(_("request information by"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("handle by"), null=True, blank=True, db_index=True)
    info_requested_at = models.DateTimeField(_("information requested at"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused working seconds"), default=0)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    answer = models.TextField(_("public answer"), blank=True)
    answered_by = user_link()
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    dislikes = models.PositiveIntegerField(_("dislikes"), default=0)

    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_petitions",
        verbose_name=_("merged into"),
    )
    related_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("possible repeat of"),
    )
    search_text = models.TextField(
        blank=True, help_text=_("folded title, content and answer for search")
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["agency", "status", "handle_due_at"], name="petition_queue_idx"),
            models.Index(fields=["agency", "received_at"], name="petition_recv_idx"),
            models.Index(fields=["status", "published_at"], name="petition_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    is_open = status_is(*OPEN_STATUSES)

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in CLOCK_STATUSES
            and self.handle_due_at is not None
            and self.handle_due_at < timezone.now()
        )

    @property
    def is_unsatisfied(self) -> bool:
        return self.dislikes > self.likes

    # Templates ask these instead of comparing status strings.
    awaits_routing = status_is(
        S.RECEIVED, doc="Received, classification and responsible agency not yet confirmed."
    )

    is_processing = status_is(S.PROCESSING)

    awaits_information = status_is(
        S.NEED_INFO, doc="The petitioner was asked for more information (the clock is paused)."
    )

    is_clock_running = status_is(*CLOCK_STATUSES)

    is_answered = status_is(S.ANSWERED, doc="Answered, the answer not yet published.")

    is_published = status_is(S.PUBLISHED)

    is_rejected = status_is(S.REJECTED)

    is_merged = status_is(S.MERGED, doc="Closed as a repeat of an earlier petition.")

    moved_to_complaints = status_is(
        S.TRANSFERRED, doc="Moved to the complaints and denunciations register."
    )

    @property
    def handled_with(self) -> Petition | None:
        """The petition whose handling answers this merged repeat: the one it was merged
        into, followed while that one was merged in turn; None unless merged."""
        target = self.duplicate_of if self.is_merged else None
        seen = {self.pk}
        while target is not None and target.is_merged and target.pk not in seen:
            seen.add(target.pk)
            target = target.duplicate_of
        return target

    @property
    def handled_on_time(self) -> bool | None:
        if self.handled_at is None or self.handle_due_at is None:
            return None
        return self.handled_at <= self.handle_due_at

    @property
    def bundle_status(self) -> str:
        return BUNDLE_STATUS[PetitionStatus(self.status)]


class PetitionEvent(EventLog):
    """The audit trail of a petition: every action, who took it, when. Append-only
    (enforced in the database by triggers, migration 0002)."""

    subject_field = "petition"
    chained_fields = ("from_status", "to_status", "agency_id")
    action_labels: ClassVar[dict[str, Any]] = {
        "file": _("Petition received"),
        "import": _("Imported from another system"),
        "import_update": _("Updated from another system"),
        "confirm": _("Classification and routing confirmed"),
        "assign": _("Assigned"),
        "reject": _("Refused"),
        "request_info": _("Information requested"),
        "receive_info": _("Information received"),
        "transfer": _("Transferred"),
        "answer": _("Answered"),
        "return_answer": _("Answer sent back for correction"),
        "publish": _("Answer published"),
        "merge": _("Merged into another petition"),
        "merged_repeat": _("A repeat merged into it"),
        "note": _("Internal note"),
        "reclassify": _("Moved to the complaints register"),
    }

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)  # reports filter the trail by time
    from_status = models.CharField(max_length=12, blank=True, choices=PetitionStatus.choices)
    to_status = models.CharField(max_length=12, choices=PetitionStatus.choices)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    Meta = event_log_meta(
        "petition", "uniq_petition_event_seq", _("petition event"), _("petition events")
    )


class PetitionNote(models.Model):
    """An internal note between staff; never shown to the public or the petitioner."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.text[:40]}"


def attachment_path(instance: PetitionAttachment, filename: str) -> str:
    return f"petitions/{instance.petition.token}/{filename}"


class PetitionAttachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PetitionVote(models.Model):
    """One like or dislike per voter (an account, or an anonymous browser session)."""

    class Value(models.IntegerChoices):
        LIKE = 1, _("Like")
        DISLIKE = -1, _("Dislike")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=80)
    value = models.SmallIntegerField(choices=Value.choices)
    is_petitioner = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["petition", "voter_key"], name="uniq_petition_vote")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.voter_key} {self.value}"


class ResponseTemplate(models.Model):
    """A standard answer text per category that staff start from (mẫu trả lời)."""

    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title


class Open311Client(models.Model):
    """A system allowed to POST service requests. Only a hash of its api_key is stored."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# -- complaints and denunciations (khiếu nại, tố cáo) -----------------------------------------
class ComplaintKind(models.TextChoices):
    COMPLAINT = "COMPLAINT", _("Complaint (khiếu nại)")
    DENUNCIATION = "DENUNCIATION", _("Denunciation (tố cáo)")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "RECEIVED", pgettext_lazy("a status", "Received")
    ACCEPTED = "ACCEPTED", _("Accepted for settlement")
    SETTLED = "SETTLED", _("Settled")
    NOT_ACCEPTED = "NOT_ACCEPTED", _("Not accepted")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED])

    def overdue(self, now=None) -> ComplaintQuerySet:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.filter(
            Q(status=ComplaintStatus.RECEIVED, accept_due_at__lt=now)
            | Q(status=ComplaintStatus.ACCEPTED, settle_due_at__lt=now)
        )

    def due_soon(self, until, now=None) -> ComplaintQuerySet:  # type: ignore[no-untyped-def]
        """The step it waits for (acceptance, then settlement) falls due between now and
        `until`: the cases to act on before they are late."""
        now = now or timezone.now()
        return self.filter(
            Q(status=ComplaintStatus.RECEIVED, accept_due_at__range=(now, until))
            | Q(status=ComplaintStatus.ACCEPTED, settle_due_at__range=(now, until))
        )

    def visible_to(self, user) -> ComplaintQuerySet:  # type: ignore[no-untyped-def]
        """Restricted: the handling agency's leaders, province administrators and inspectors
        only (the denouncer's identity is protected, Law on Denunciations 2018, chapter VI)."""
        from cchc.accounts import permissions
        from cchc.accounts.models import Membership

        return permissions.rows_visible_to(
            self,
            user,
            agencies=("agency",),
            roles=[Membership.Role.LEADER],
            province="province_code",
        )


class Complaint(models.Model):
    """A complaint (khiếu nại, Law on Complaints 2011) or denunciation (tố cáo, Law on
    Denunciations 2018) — a register separate from petitions, with its own deadlines."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ComplaintKind.choices)
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    agency = agency_link(_("handling agency"), "complaints")
    complainant_name = models.CharField(_("name of the complainant"), max_length=200)
    complainant_phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    complainant_email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    complainant_address = EncryptedTextField(_("address"), max_length=300, blank=True)
    subject = models.CharField(_("decision, act or person concerned"), max_length=300)
    content = models.TextField(_("content"))
    remote_area = models.BooleanField(_("remote or hard-to-reach area"), default=False)

    class Complexity(models.IntegerChoices):
        NORMAL = 0, _("Normal")
        COMPLEX = 1, _("Complicated")
        VERY_COMPLEX = 2, _("Especially complicated")

    complexity = models.PositiveSmallIntegerField(
        _("complexity"), choices=Complexity.choices, default=0
    )
    source_petition = models.OneToOneField(
        Petition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
        verbose_name=_("reclassified from petition"),
    )
    rule_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("received at"))
    accept_due_at = models.DateTimeField(_("accept or refuse by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    settle_due_at = models.DateTimeField(_("settle by"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    outcome = models.TextField(_("decision / conclusion"), blank=True)
    # the register's search without accents ("nguyen van" finds "Nguyễn Văn"), as the
    # petition queue's: a case is looked up by the complainant's name, typed as it comes
    search_text = FoldedTextField(sources=("code", "complainant_name", "subject"))
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint or denunciation")
        verbose_name_plural = _("complaints and denunciations")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.code

    # Templates ask these instead of comparing status strings.
    awaits_acceptance = status_is(
        ComplaintStatus.RECEIVED, doc="Received, not yet accepted for settlement nor refused."
    )

    is_accepted = status_is(ComplaintStatus.ACCEPTED, doc="Accepted, being settled.")

    is_denunciation = value_is("kind", ComplaintKind.DENUNCIATION)

    @property
    def next_due_at(self) -> datetime.datetime | None:
        """The deadline of the step it waits for: acceptance, then settlement; None once closed."""
        if self.awaits_acceptance:
            return self.accept_due_at
        if self.is_accepted:
            return self.settle_due_at
        return None

    @property
    def is_overdue(self) -> bool:
        """The step it waits for (acceptance, then settlement) is past its deadline
        (the same rule as `Complaint.objects.overdue()`)."""
        due = self.next_due_at
        return due is not None and due < timezone.now()


class ComplaintEvent(EventLog):
    """Audit trail of the complaints register (append-only, triggers in migration 0002)."""

    subject_field = "complaint"
    chained_fields = ("from_status", "to_status")
    action_labels: ClassVar[dict[str, Any]] = {
        "file": _("Complaint registered"),
        "import": _("Imported from another system"),
        "reclassify": _("Registered from a petition"),
        "accept": _("Accepted for settlement"),
        "extend": _("Settlement time extended"),
        "settle": _("Settled"),
        "refuse": _("Not accepted"),
    }

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, blank=True, choices=ComplaintStatus.choices)
    to_status = models.CharField(max_length=12, choices=ComplaintStatus.choices)

    Meta = event_log_meta(
        "complaint", "uniq_complaint_event_seq", _("complaint event"), _("complaint events")
    )


class ReceptionSlotQuerySet(models.QuerySet["ReceptionSlot"]):
    def upcoming(self, today) -> ReceptionSlotQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(day__gte=today, cancelled=False)


class ReceptionSlot(models.Model):
    """A leader's citizen-reception session (lịch tiếp công dân). Law on Citizen Reception
    2013 arts. 12-18: heads of people's committees receive citizens on a regular, published
    schedule (commune chairmen at least one day a week, provincial ones one day a month)."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        related_name="reception_slots",
        verbose_name=_("agency"),
    )
    leader_name = models.CharField(_("leader"), max_length=200)
    leader_title = models.CharField(_("position"), max_length=200)
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    location = models.CharField(_("place"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceptionSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen reception session")
        verbose_name_plural = _("citizen reception schedule")
        ordering = ["day", "start_time"]

    def __str__(self) -> str:
        return f"{self.day} {self.leader_name}"
