"""Reform plans, assigned tasks (kế hoạch CCHC, nhiệm vụ được giao) and their notices.

A task carries the "5 clear" (domain.md §10): who (one lead unit, co-operating units,
observers), what (title, expected output), when (a deadline, or periodic reports), result
(evidence) and responsibility (the assigner). Its life is a log of `TaskEvent` rows; the
columns on `Task` (status, deadline in force, completion date, progress) are derived by the
services from that log and never edited by a view. Inspections are declared in
`inspection_models.py`, with their services in `inspections.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.agencies.models import agency_link
from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link
from cchc.core.text import FoldedTextField


class Plan(models.Model):
    """The province's annual reform plan (kế hoạch CCHC năm) and its targets."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    year = models.PositiveIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=300)
    issuing_document = models.CharField(
        _("issuing document"), max_length=120, help_text=_("e.g. KH 12/KH-UBND")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = agency_link(_("issued by"), null=True, blank=True)
    # [{"label": "SIPAS ≥ 86 %", "measure": "sipas", "target": 86}, ...]
    targets = models.JSONField(_("targets"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # who entered it (a plan has no later changes, so no log of its own)
    created_by = user_link(_("entered by"), on_delete=models.PROTECT)
    created_by_label = models.CharField(_("entered by"), max_length=200, blank=True)
    # the plan list's search ("ke hoach 12" finds "Kế hoạch 12/KH-UBND"), kept by the row
    search_text = FoldedTextField(sources=("code", "title", "issuing_document"))

    class Meta:
        verbose_name = _("reform plan")
        verbose_name_plural = _("reform plans")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.issuing_document} — {self.title}"


class SourceKind(models.TextChoices):
    PLAN = "PLAN", _("Plan")
    DECISION = "DECISION", _("Decision")
    CONCLUSION = "CONCLUSION", _("Meeting conclusion")
    LETTER = "LETTER", _("Official letter")
    NOTE = "NOTE", _("Leader's note")
    INSPECTION = "INSPECTION", _("Inspection conclusion")


class OutputType(models.TextChoices):
    REPORT = "REPORT", _("Report")
    DECISION = "DECISION", _("Decision or document")
    PLAN = "PLAN", _("Plan or programme")
    SYSTEM = "SYSTEM", _("Information system")
    REMEDIATION = "REMEDIATION", _("Remediation of a finding")
    OTHER = "OTHER", _("Other")


class Recurrence(models.TextChoices):
    NONE = "", _("One deadline")
    MONTHLY = "MONTHLY", _("Monthly reports")
    QUARTERLY = "QUARTERLY", _("Quarterly reports")


class TaskStatus(models.TextChoices):
    """Where the task is in its workflow (not the report vocabulary, see `status.py`)."""

    ASSIGNED = "ASSIGNED", _("Assigned")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Acknowledged")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    SUBMITTED = "SUBMITTED", _("Completed, awaiting verification")
    VERIFIED = "VERIFIED", _("Verified")


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(models.QuerySet["Task"]):
    def not_done(self) -> TaskQuerySet:
        return self.filter(completed_on__isnull=True)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        """Not completed and past the deadline in force (the end of that local day)."""
        return self.filter(completed_on__isnull=True, deadline_in_force__lt=today)

    def of_agency(self, agency_id: int) -> TaskQuerySet:
        return self.filter(lead_agency_id=agency_id)

    def visible_to(self, user) -> TaskQuerySet:  # type: ignore[no-untyped-def]
        from cchc.plans import policies

        return policies.visible_tasks(self, user)  # type: ignore[return-value]

    def search(self, text: str) -> TaskQuerySet:
        from cchc.core.text import matches_folded

        return self.filter(matches_folded("search_text", text))


class Task(models.Model):
    """One assigned task (nhiệm vụ được giao) with its "5 clear"."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("plan"),
    )
    source_kind = models.CharField(
        _("source kind"), max_length=12, choices=SourceKind.choices, default=SourceKind.PLAN
    )
    source_document = models.CharField(
        _("source document"), max_length=200, db_index=True, help_text=_("e.g. KH 12/KH-UBND")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent task"),
    )
    lead_agency = agency_link(_("lead unit"))
    co_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("co-operating units")
    )
    observer_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("observers")
    )
    output_type = models.CharField(
        _("expected output"), max_length=12, choices=OutputType.choices, default=OutputType.REPORT
    )
    expected_result = models.TextField(_("expected result"), blank=True)
    evidence_required = models.BooleanField(_("evidence required to complete"), default=True)
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("deadline"))
    recurrence = models.CharField(
        _("periodic"), max_length=10, choices=Recurrence.choices, blank=True, default=""
    )
    assigned_by = user_link(_("assigner"), on_delete=models.PROTECT)
    assigned_by_label = models.CharField(_("assigner"), max_length=200, blank=True)
    # Computed progress: a platform measure (cchc.indices.measures) and its target.
    measure_name = models.CharField(_("measure"), max_length=60, blank=True)
    measure_target = models.FloatField(_("target (%)"), null=True, blank=True)
    measure_period = models.CharField(_("measure period"), max_length=10, blank=True)
    # Derived from the events (services keep them; views read them).
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    deadline_in_force = models.DateField(_("deadline in force"), db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_event_seq = models.PositiveIntegerField(default=0)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline_in_force", "code"]
        indexes = [
            models.Index(
                fields=["lead_agency", "deadline_in_force"],
                name="plans_task_open_idx",
                condition=Q(completed_on__isnull=True),
            ),
            models.Index(fields=["lead_agency", "assigned_on"], name="plans_task_agency_idx"),
            # the province's overdue queue: open tasks by deadline
            models.Index(
                fields=["deadline_in_force", "code"],
                name="plans_task_queue_idx",
                condition=Q(completed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    def status_on(self, day: dt.date) -> str | None:
        from cchc.plans.status import task_status

        return task_status(self, day)

    def is_overdue(self, today: dt.date) -> bool:
        return self.completed_on is None and self.deadline_in_force < today

    # What the task's workflow state allows; services check the same properties, templates
    # show their buttons by them (never by comparing raw status values).
    can_be_acknowledged = status_is(TaskStatus.ASSIGNED)

    can_be_completed = status_is(
        TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED, TaskStatus.IN_PROGRESS
    )

    can_be_verified = status_is(
        TaskStatus.SUBMITTED, doc="A completion awaits the assigner: verify it or send it back."
    )

    @cached_property
    def status_today(self) -> str | None:
        """The national status vocabulary as of today (status.py)."""
        return self.status_on(timezone.localdate())

    @property
    def is_late(self) -> bool:
        """Overdue, or done after its deadline in force, as of today."""
        from cchc.plans.status import DONE_LATE, OVERDUE

        return self.status_today in (OVERDUE, DONE_LATE)


class TaskEvent(EventLog):
    """One step of a task's life (giao, tiếp nhận, cập nhật tiến độ, hoàn thành, ...)."""

    subject_field: ClassVar[str] = "task"
    chained_fields = ("from_status", "to_status")
    # what the task page's history calls each stored action code
    action_labels: ClassVar[dict[str, Any]] = {
        "assign": pgettext_lazy("task history", "Assigned"),
        "acknowledge": pgettext_lazy("task history", "Acknowledged"),
        "progress": pgettext_lazy("task history", "Progress reported"),
        "complete": pgettext_lazy("task history", "Completion reported"),
        "verify": pgettext_lazy("task history", "Result verified"),
        "send_back": pgettext_lazy("task history", "Sent back"),
        "request_extension": pgettext_lazy("task history", "Extension requested"),
        "approve_extension": pgettext_lazy("task history", "Extension approved"),
        "refuse_extension": pgettext_lazy("task history", "Extension refused"),
        "import": pgettext_lazy("task history", "Imported"),
        "import_update": pgettext_lazy("task history", "Updated by import"),
    }

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)

    Meta = event_log_meta("task", "uniq_task_event_seq", _("task event"), _("task events"))


class TaskFile(models.Model):
    """A file attached to a progress update or a completion (evidence)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="files")
    event_seq = models.PositiveIntegerField()
    file = models.FileField(_("file"), upload_to="plans/tasks/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task file")
        verbose_name_plural = _("task files")

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    """An extension request (xin gia hạn) and, once, the assigner's decision.

    The decision fields are written once by `decide_extension`; both steps are also events.
    An extension counts only when approved on or before the deadline in force at that time
    (interchange.md §7).
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extensions")
    requested_on = models.DateField(_("requested on"))
    requested_by_label = models.CharField(_("requested by"), max_length=200, blank=True)
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"), blank=True)
    approved = models.BooleanField(_("approved"), null=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["task", "requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.new_deadline}"

    @property
    def is_pending(self) -> bool:
        return self.approved is None


class Notice(models.Model):
    """A reminder or digest that was decided to be sent: one row per key, ever.

    The unique key (e.g. `remind:D-3:42:2026-06-30`, `digest:7:2026-07-01`) is what makes
    the daily pass safe to run twice; the per-channel stamps let a retried job finish the
    channel that failed without repeating the one that went out.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12)  # REMINDER / DIGEST
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.key


# The inspection aggregate's models live in their own module (one app, two aggregates);
# importing it here registers them with the app. Import them from there.
from cchc.plans import inspection_models  # noqa: E402, F401
