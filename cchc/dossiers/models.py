"""The one-stop dossier (hồ sơ), its event log (the control slip) and its documents.

Legal base: Decree 118/2025/NĐ-CP (amended by Decree 367/2025) and Circular 03/2025/TT-VPCP;
before 1 July 2025 Decree 61/2018, Decree 107/2021 and Circular 01/2018/TT-VPCP.

Only `cchc.dossiers.services` writes these models. The event log is append-only: the
database itself refuses UPDATE and DELETE on it (see migration 0002).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.agencies.models import agency_link
from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link
from cchc.core.personal import EncryptedTextField, KeyedHashField
from cchc.core.text import fold


class Status(models.IntegerChoices):
    """National status codes used by the portal's dossier sync."""

    SUBMITTED = 1, _("Submitted online (Mới đăng ký)")
    RECEIVED = 2, _("Received (Được tiếp nhận)")
    REFUSED = 3, _("Refused (Không được tiếp nhận)")
    PROCESSING = 4, _("Being processed (Đang xử lý)")
    SUPPLEMENT = 5, _("Supplement requested (Yêu cầu bổ sung)")
    FINANCIAL = 6, _("Financial obligation (Yêu cầu thực hiện nghĩa vụ tài chính)")
    WITHDRAWN = 7, _("Withdrawn by applicant (Công dân yêu cầu rút hồ sơ)")
    STOPPED = 8, _("Processing stopped (Dừng xử lý)")
    FINISHED = 9, _("Processing finished (Đã xử lý xong)")
    RETURNED = 10, _("Result returned (Đã trả kết quả)")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT,
    Status.FINANCIAL,
)
CLOCK_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL)  # the legal clock runs


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Postal")


class OnlinePayment(models.IntegerChoices):
    NO = 0, _("Not paid online")
    NATIONAL_PORTAL = 1, _("Paid via the national portal")
    LOCAL_GATEWAY = 2, _("Paid via the local gateway")


class IdentityCheck(models.TextChoices):
    """Whether and how the applicant's identity was checked against the national population
    database at intake (Decree 104/2022; QĐ 766 counts dossiers "using population data")."""

    NOT_CHECKED = "none", _("Not checked against the population database")
    VNEID = "vneid", _("VNeID electronic identification")
    CHIP_READER = "chip", _("Chip-based ID card reader")
    MANUAL = "manual", _("Looked up by hand in the population database")


class ApplicantKind(models.TextChoices):
    """Who applies: a person (cá nhân) or an organisation (tổ chức, doanh nghiệp)."""

    PERSON = "PERSON", _("Person")
    ORGANISATION = "ORGANISATION", _("Organisation or business")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> DossierQuerySet:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.filter(status__in=CLOCK_STATUSES, due_at__lt=now)

    def due_before(self, moment) -> DossierQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(status__in=CLOCK_STATUSES, due_at__lte=moment)

    def waiting_supplement(self) -> DossierQuerySet:
        return self.filter(status=Status.SUPPLEMENT)

    def visible_to(self, user) -> DossierQuerySet:  # type: ignore[no-untyped-def]
        """Staff see their agencies' dossiers; province admins and inspectors the province;
        citizens their own."""
        from cchc.accounts import permissions

        return permissions.rows_visible_to(
            self,
            user,
            own="applicant",
            agencies=("receiving_agency", "current_agency", "competent_agency", "receiving_place"),
            province="receiving_agency__province_code",
        )


def visible(user, dossier) -> bool:  # type: ignore[no-untyped-def]
    """`Dossier.objects.visible_to(user)` for one loaded dossier, without a query (its
    receiving agency must be loaded for province-wide viewers). A test holds the two equal
    over the permission matrix."""
    from cchc.accounts import permissions

    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or (dossier.applicant_id is not None and dossier.applicant_id == user.pk):
        return True
    ids = permissions.agency_ids(user)
    if ids & {
        dossier.receiving_agency_id,
        dossier.current_agency_id,
        dossier.competent_agency_id,
        dossier.receiving_place_id,
    }:
        return True
    return bool(
        user.kind in ("PROVINCE_ADMIN", "INSPECTOR")
        and user.province_code
        and dossier.receiving_agency.province_code == user.province_code
    )


def _component_link() -> models.ForeignKey[Any, Any]:
    """The procedure's component a row is for; kept (emptied) when the catalogue drops it."""
    return models.ForeignKey(
        "catalogue.RequiredDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


# What an applicant writes, limited once for every channel: the columns below, the counter
# form, the online form (cchc.portal) and the services' checks (`services.too_long`).
APPLICANT_NAME_MAX = 200
APPLICANT_ADDRESS_MAX = 300
REQUEST_MAX = 2000  # the content of the request (nội dung yêu cầu giải quyết)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure"),
    )
    rule_version = models.ForeignKey(
        "core.RuleVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rule version"),
        db_index=False,
    )
    form_set = models.CharField(_("form set"), max_length=40, blank=True)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    # Boundary-free intake (phi địa giới hành chính): three separate facts.
    # receiving_agency and current_agency lead the composite indexes below.
    receiving_place = agency_link(_("place of reception"), null=True, blank=True, db_index=False)
    receiving_agency = agency_link(_("receiving agency"), "received_dossiers", db_index=False)
    competent_agency = agency_link(_("competent agency"), "competent_dossiers")
    current_agency = agency_link(_("currently at"), "current_dossiers", db_index=False)
    assignee = user_link(_("assignee"), "assigned_dossiers", db_index=False)

    applicant = user_link(_("applicant account"), "dossiers")
    applicant_name = models.CharField(_("applicant name"), max_length=APPLICANT_NAME_MAX)
    # compared only for equality: a plain index (Meta), without the text-pattern twin that
    # db_index=True adds on PostgreSQL and every insert and status change had to maintain
    applicant_id_hash = models.CharField(max_length=64, blank=True)
    applicant_id_last4 = models.CharField(max_length=4, blank=True)
    # An organisation applies under its tax code (mã số doanh nghiệp / mã số thuế): public,
    # not personal data, so kept in clear for the clerk to check against the business
    # register; its keyed hash and last four digits fill the two columns above, as a
    # person's ID does (the status look-up, the queue's search, document reuse).
    # db_default: the bulk import's COPY leaves these columns out.
    applicant_kind = models.CharField(
        _("applicant type"),
        max_length=12,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
        db_default=ApplicantKind.PERSON,
    )
    applicant_tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, default="", db_default=""
    )
    # Contact details encrypted at rest (cchc/core/personal.py, Decree 13/2023); the queue's
    # search by phone number compares the keyed hash.
    applicant_phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    applicant_email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    applicant_address = EncryptedTextField(
        _("address"), max_length=APPLICANT_ADDRESS_MAX, blank=True
    )
    applicant_phone_hash = KeyedHashField(source="applicant_phone", kind="phone")

    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    initial_appointment_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    due_at = models.DateTimeField(_("due (with pauses)"), null=True, blank=True, db_index=True)
    processing_ended_at = models.DateTimeField(_("end of processing"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("refused, withdrawn or stopped")
    )
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused working seconds"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    apology_count = models.PositiveSmallIntegerField(_("apologies"), default=0)

    fee_amount = models.PositiveBigIntegerField(_("fees owed (VND)"), default=0)
    paid_online = models.PositiveSmallIntegerField(
        _("online payment"), choices=OnlinePayment.choices, default=OnlinePayment.NO
    )
    has_digitized_components = models.BooleanField(_("components digitised"), default=False)
    has_electronic_result = models.BooleanField(_("electronic result"), default=False)
    reused_digitized_data = models.BooleanField(_("reused digitised data"), default=False)
    uses_population_data = models.BooleanField(_("uses the population database"), default=False)
    identity_check = models.CharField(
        _("identity checked against the population database"),
        max_length=8,
        choices=IdentityCheck.choices,
        default=IdentityCheck.NOT_CHECKED,
        help_text=_("set at intake; any check means the dossier used population data"),
    )
    synced_to_portal = models.BooleanField(_("synchronised to the national portal"), default=False)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    details = models.JSONField(_("form data"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    # seq of the newest event, read with the row lock so appending needs no MAX(seq) query;
    # 0 means "unknown" (e.g. rows bulk-imported before this field) and falls back to MAX.
    last_event_seq = models.PositiveIntegerField(default=0, db_default=0)
    # "<seq>:<hash>" of the newest event, read with the row lock, so appending needs no read
    # of the previous row's hash (cchc.core.events.kept_head); "" means "read the log".
    last_event_head = models.CharField(max_length=80, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["current_agency", "status", "due_at"], name="dossier_queue_idx"),
            # the work queues (open dossiers at the user's agencies, soonest due first): only
            # open dossiers, already in the page's order. Without it the planner walked the
            # whole due_at index, past an agency's years of closed dossiers, for a page of 18
            # (2.2 s at 1 M dossiers once a commune had 135,778 closed and 18 open)
            models.Index(
                fields=["current_agency", "due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="dossier_open_queue_idx",
            ),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_recv_idx"),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_idx"),
            models.Index(fields=["applicant_id_hash"], name="dossier_applicant_idx"),
            # the queue's search by the last four digits of the ID number the applicant reads
            # out at the counter; only dossiers with an ID number or tax code
            models.Index(
                fields=["applicant_id_last4"],
                condition=~Q(applicant_id_last4=""),
                name="dossier_id_last4_idx",
            ),
            # the queue's search by phone number (its keyed hash); only dossiers with a phone
            models.Index(
                fields=["applicant_phone_hash"],
                condition=~Q(applicant_phone_hash=""),
                name="dossier_phone_idx",
            ),
            # the "all" tab (issue 16 point 7): the newest first by this index, and its count
            # by a bitmap OR of the five visibility columns, which needs an index on each
            # (boundary-free intake is rare: only the places set). Without them, 0.5-0.9 s a
            # page at 1 M dossiers: a sequential scan of the table.
            models.Index(fields=["-submitted_at", "id"], name="dossier_submitted_idx"),
            models.Index(
                fields=["receiving_place"],
                condition=Q(receiving_place__isnull=False),
                name="dossier_place_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def applicant_is_organisation(self) -> bool:
        return self.applicant_kind == ApplicantKind.ORGANISATION

    is_open = status_is(*OPEN_STATUSES)

    # Templates ask these instead of comparing status numbers (`status == 5`).
    is_paused = status_is(
        Status.SUPPLEMENT,
        doc="Waiting for the applicant's supplement: the legal clock stands still.",
    )

    is_returned = status_is(
        Status.RETURNED, doc="The result has been handed back (the service may now be rated)."
    )

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in CLOCK_STATUSES
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


class DossierSearch(models.Model):
    """The work queues' search text of a dossier (issue 16, point 7): its code and the
    applicant's name folded, so "nguyen" and "NGÔ THỊ" match like in the catalogue.

    It has a table of its own because its trigram indexes (PostgreSQL, migration 0017) would
    otherwise be written by every status change: each one is a non-HOT update of the dossier's
    row (status and due time are indexed), and a non-HOT update inserts the new row version
    into every index of the table, GIN indexes included (19 % of API throughput measured).
    Here the text is written once at intake (`for_dossier`), and again only if the name or
    code changes."""

    dossier = models.OneToOneField(
        Dossier, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    text = models.TextField()

    class Meta:
        verbose_name = _("dossier search text")
        verbose_name_plural = _("dossier search texts")

    def __str__(self) -> str:
        return self.text

    @staticmethod
    def text_of(code: str, applicant_name: str) -> str:
        return fold(f"{code} {applicant_name}")

    @classmethod
    def for_dossier(cls, dossier: Dossier) -> DossierSearch:
        return cls(dossier_id=dossier.pk, text=cls.text_of(dossier.code, dossier.applicant_name))


# What each event of a dossier is called wherever a person reads it: the citizen's status
# timeline, the staff page's history and the printed control slip (form 06). The stored codes
# never change; an event not named here would show its code, so every action is named.
EVENT_LABELS: dict[str, Any] = {
    "submit": _("Submitted online"),
    "receive": _("Received, appointment issued"),
    "refuse": _("Refused at reception"),
    "transfer": _("Handed over for processing"),
    "assign": _("Assigned"),
    "request_supplement": _("Supplement requested (clock paused)"),
    "receive_supplement": _("Supplement received (clock resumed)"),
    "request_payment": _("Fees requested"),
    "confirm_payment": _("Fees paid"),
    "withdraw": _("Withdrawn"),
    "stop": _("Processing stopped"),
    "finish": _("Processing finished, result ready"),
    "return_result": _("Result returned"),
    "apologize": _("Apology and new appointment"),
    # records on the dossier that leave its status as it is (not hand-overs)
    "attach_document": _("Document attached"),
    "reuse_document": _("Earlier digitised document reused"),
    "submit_supplement": _("Supplement sent online by the applicant"),
    "evaluate": _("Service rated by the applicant"),
}
# The records among them: kept in the history, never a hand-over row of the control slip.
RECORD_ACTIONS = frozenset({"attach_document", "reuse_document", "submit_supplement", "evaluate"})


class DossierEvent(EventLog):
    """One line of the control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ, form 06).

    Append-only: never updated or deleted (enforced by database triggers). Written only by
    `cchc.core.events.append_event` (services) and the bundle importer's bulk load.
    """

    subject_field = "dossier"
    chained_fields = ("from_status", "to_status", "agency_id", "target_agency_id")
    action_labels = EVENT_LABELS

    # Indexes are kept to what is read: (dossier, seq) is unique and serves every lookup by
    # dossier; events are written 5-6 per dossier, so each extra index slows intake and import.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    agency = agency_link(null=True, blank=True, db_index=False)
    target_agency = agency_link(null=True, blank=True, db_index=False)

    Meta = event_log_meta("dossier", "uniq_event_seq", _("dossier event"), _("dossier events"))

    @property
    def by_applicant(self) -> bool:
        """The applicant's own step (an online submission, a supplement sent, a withdrawal on
        the portal): the event's agency is where it went, not one the applicant belongs to.
        (Read through `dossier.events`, the dossier is the one already loaded: no query.)"""
        return self.actor_id is not None and self.actor_id == self.dossier.applicant_id

    @property
    def form_key(self) -> str:
        """The official form this event issued to the applicant ("02", "03", "04", "05"; ""
        for none), as the action's declaration says (state.ActionRule.form)."""
        from cchc.dossiers.state import ACTION_RULES  # state imports this module

        rule = ACTION_RULES.get(self.action)
        return rule.form if rule is not None else ""


class StepOutcome(models.TextChoices):
    EARLY = "EARLY", _("Early")
    ON_TIME = "ON_TIME", _("On time")
    LATE = "LATE", _("Late")


class DossierStep(models.Model):
    """A hand-over on the control slip: who gave it to whom, when, and by when it was due."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField()
    name = models.CharField(_("step"), max_length=300)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    handed_by = user_link()
    assignee = user_link()
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=StepOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="uniq_step_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id} step {self.seq}"


def document_path(instance: DigitizedDocument, filename: str) -> str:
    return (
        f"documents/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}-{filename[-80:]}"
    )


class DigitizedDocument(models.Model):
    """A digitised paper (bản số hóa), reusable for later dossiers of the same person."""

    owner_id_hash = models.CharField(max_length=64, db_index=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    file = models.FileField(upload_to=document_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_link()

    class Meta:
        verbose_name = _("digitised document")
        verbose_name_plural = _("digitised documents")

    def __str__(self) -> str:
        return self.name

    @property
    def described(self) -> str:
        """The name with what tells two papers of one name apart: the day it was stored and
        the dossier it came with first (`first_dossier_code`, annotated by
        queries.reusable_documents)."""
        day = timezone.localtime(self.created_at).strftime("%d/%m/%Y")
        code = getattr(self, "first_dossier_code", "")
        if not code:
            return _("%(name)s (%(day)s)") % {"name": self.name, "day": day}
        return _("%(name)s (%(day)s, with dossier %(code)s)") % {
            "name": self.name,
            "day": day,
            "code": code,
        }


class DossierDocument(models.Model):
    """A document attached to a dossier, for one of its required components."""

    class Role(models.TextChoices):
        COMPONENT = "COMPONENT", _("Dossier component")
        RESULT = "RESULT", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = _component_link()
    document = models.ForeignKey(DigitizedDocument, on_delete=models.PROTECT, related_name="uses")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COMPONENT)
    reused = models.BooleanField(_("reused from an earlier dossier"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.document_id}"

    @property
    def title(self) -> str:
        """What the document is, for people (its file name says nothing): the component it
        answers, the result, or a paper sent for a supplement (`from_supplement`, annotated
        by `queries.dossier_documents`)."""
        if self.required_document_id and self.required_document is not None:
            return self.required_document.name
        if self.role == self.Role.RESULT:
            return str(_("Result of the dossier"))
        if getattr(self, "from_supplement", False):
            return str(_("Paper sent for the supplement"))
        return str(self.get_role_display())


class ReceivedAs(models.TextChoices):
    """The form in which a component was handed in at the counter."""

    ORIGINAL = "ORIGINAL", _("Original (bản chính)")
    COPY = "COPY", _("Copy (bản sao)")
    ELECTRONIC = "ELECTRONIC", _("Electronic (bản điện tử)")


class ReceivedComponent(models.Model):
    """One ticked line of the counter checklist: a component of the procedure the applicant
    handed in, and in which form. Form 01 lists exactly these lines. Written only by
    `cchc.dossiers.services.intake_at_counter` (the intake event carries the same list)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="checklist")
    required_document = _component_link()
    # the component's name as it was on the day (the catalogue may be edited later)
    name = models.CharField(_("component"), max_length=500)
    received_as = models.CharField(_("received as"), max_length=10, choices=ReceivedAs.choices)

    class Meta:
        verbose_name = _("received component")
        verbose_name_plural = _("received components")
        ordering = ["dossier", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "required_document"], name="uniq_received_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.name} ({self.received_as})"


class SupplementUpload(models.Model):
    """A file the applicant uploaded on the status page in answer to a supplement request
    (online supplement). The clerk's `receive_supplement` attaches the pending ones to the
    dossier; written only by `cchc.dossiers.services`."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_uploads"
    )
    request_number = models.PositiveSmallIntegerField(_("supplement request"))
    document = models.ForeignKey(DigitizedDocument, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement upload")
        verbose_name_plural = _("supplement uploads")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.document_id}"


class DossierCodeCounter(models.Model):
    """Last sequence number issued per agency identity and receipt day (atomic upsert)."""

    prefix = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="uniq_code_counter")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day}: {self.last}"


class Evaluation(models.Model):
    """The applicant's rating after the result is returned: nine criteria, 0-2 points each,
    and a 1-5 satisfaction answer. One per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="evaluation")
    scores = models.JSONField(_("criteria scores"))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(max_length=10, default="PORTAL")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.satisfaction}"

    @staticmethod
    def criteria(on: dt.date | None = None) -> list[tuple[str, str]]:
        """The criteria (key, wording) of the evaluation method version in force: rule data
        of the survey engine (settings.DOSSIER_EVALUATION_CRITERIA), not a constant here."""
        from django.conf import settings
        from django.utils.module_loading import import_string

        return list(import_string(settings.DOSSIER_EVALUATION_CRITERIA)(on))

    @property
    def total_points(self) -> int:
        return sum(int(v) for v in self.scores.values())
