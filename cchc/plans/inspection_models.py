"""Inspections of public service (kiểm tra công vụ, kiểm tra CCHC), domain.md §11.

An annual `InspectionPlan` names the checklist of contents; an `Inspection` of one unit
(planned, or a surprise one without plan) goes: planned → self-report uploaded → record
(checklist results, findings) → conclusion notice with remediation deadline → re-inspection
verifying each finding. A `Finding` keeps the link to what it is about (a dossier, petition,
evaluation or index metric, by code) and creates a corrective task for the responsible unit;
the task's evidence is what the re-inspection closes the finding on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link
from cchc.core.text import FoldedTextField


class InspectionPlan(models.Model):
    code = models.CharField(_("code"), max_length=60, unique=True)
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    issuing_document = models.CharField(_("issuing document"), max_length=120, blank=True)
    # [{"code": "NIEM_YET", "label": "Niêm yết công khai TTHC"}, ...]
    checklist = models.JSONField(_("checklist of contents"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # who entered it (an inspection plan has no later changes, so no log of its own)
    created_by = user_link(_("entered by"), on_delete=models.PROTECT)
    created_by_label = models.CharField(_("entered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.title


class InspectionStatus(models.TextChoices):
    # scheduled, not inspected yet: "Planned" alone is also the kind of an inspection on the
    # pages (planned, not a surprise one), which a surprise inspection's status then contradicted
    PLANNED = "PLANNED", pgettext_lazy("inspection status", "Planned")
    SELF_REPORTED = "SELF_REPORTED", _("Self-inspection report received")
    RECORDED = "RECORDED", _("Inspected")
    CONCLUDED = "CONCLUDED", _("Conclusion notified")
    REINSPECTED = "REINSPECTED", _("Re-inspected")


class Inspection(models.Model):
    code = models.CharField(_("code"), max_length=60, unique=True)
    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("inspection plan"),
    )
    surprise = models.BooleanField(_("surprise inspection"), default=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    scheduled_on = models.DateField(_("scheduled on"))
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team")
    )
    checklist = models.JSONField(_("checklist"), default=list)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    self_report = models.FileField(
        _("self-inspection report"), upload_to="plans/inspections/%Y/", blank=True
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    remediation_due = models.DateField(_("remediation due"), null=True, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # the inspection list's search over the code and the conclusion notice ("khac phuc" finds
    # "khắc phục"), kept by the row whenever it is written
    search_text = FoldedTextField(sources=("code", "conclusion"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-scheduled_on", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.agency}"

    # What the inspection's state allows; services check the same properties.
    is_before_visit = status_is(
        InspectionStatus.PLANNED,
        InspectionStatus.SELF_REPORTED,
        doc="Not inspected yet: the unit may send its self-inspection report, the team record.",
    )

    accepts_findings = status_is(
        InspectionStatus.RECORDED,
        doc="Recorded and not concluded: findings are added, then the conclusion.",
    )

    @property
    def reopened_count(self) -> int:
        """How many of its findings the re-inspection reopened and are not closed since (the
        list annotates `reopened_findings`; else they are counted here)."""
        if self.status != InspectionStatus.REINSPECTED:
            return 0
        annotated = getattr(self, "reopened_findings", None)
        if annotated is not None:
            return int(annotated)
        return self.findings.filter(status=FindingStatus.REOPENED).count()

    @property
    def status_label(self) -> str:
        """The status as the pages and the export say it. "Re-inspected" alone read as done
        while a finding the re-inspection reopened was open again: it then says how many."""
        reopened = self.reopened_count
        if reopened:
            return ngettext(
                "Re-inspected, %(n)s finding reopened",
                "Re-inspected, %(n)s findings reopened",
                reopened,
            ) % {"n": reopened}
        return str(self.get_status_display())


class ChecklistResult(models.Model):
    class Result(models.TextChoices):
        PASS = "PASS", _("Pass")
        FAIL = "FAIL", _("Fail")
        NA = "NA", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="results")
    item_code = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), upload_to="plans/inspections/%Y/", blank=True)

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item_code"], name="uniq_checklist_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.result}"

    @property
    def photo_is_image(self) -> bool:
        """A JPEG or PNG photo (shown small on the inspection page), not a scanned PDF."""
        return (self.photo.name or "").lower().endswith((".jpg", ".jpeg", ".png"))


class Severity(models.TextChoices):
    LOW = "LOW", _("Minor")
    MEDIUM = "MEDIUM", _("Significant")
    HIGH = "HIGH", _("Serious")


class FindingStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    CLOSED = "CLOSED", _("Closed at re-inspection")
    REOPENED = "REOPENED", _("Reopened at re-inspection")


class SubjectKind(models.TextChoices):
    NONE = "", _("—")
    DOSSIER = "dossier", _("Dossier")
    PETITION = "petition", _("Petition")
    EVALUATION = "evaluation", _("Evaluation of a dossier")
    METRIC = "metric", _("Index metric")


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    code = models.CharField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices)
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("evidence"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    subject_kind = models.CharField(
        _("about"), max_length=12, choices=SubjectKind.choices, blank=True, default=""
    )
    subject_ref = models.CharField(_("reference"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    corrective_task = models.ForeignKey(
        "plans.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    found_on = models.DateField(_("found on"))
    last_event_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"

    is_closed = status_is(FindingStatus.CLOSED)

    @property
    def can_be_reinspected(self) -> bool:
        """Open or reopened, with the corrective task to judge it by."""
        return not self.is_closed and self.corrective_task_id is not None

    @property
    def awaits_remediation_report(self) -> bool:
        """To be re-inspected, but the unit has not reported its remediation (the corrective
        task's completion with evidence) yet: there is nothing to close it on."""
        task = self.corrective_task
        return self.can_be_reinspected and task is not None and task.completed_on is None


# Where an inspection's remediation stands (the inspection list and its Excel export), from its
# findings counted (`findings_count`, `open_findings`) and the conclusion's deadline: the unit
# reports its remediation, commonly within 15 days, and a re-inspection closes each finding
# (domain.md §11).
REMEDIATION_LABELS: dict[str, Any] = {
    "no_findings": _("No findings"),
    "not_concluded": _("Findings recorded, not concluded yet"),
    "in_progress": _("Remediation within its deadline"),
    "overdue": _("Remediation overdue"),
    "done": _("All findings closed"),
}


def remediation_state(insp: Inspection, today: Any) -> str:
    """The key in `REMEDIATION_LABELS` of an inspection annotated with `findings_count` and
    `open_findings` (`inspection_views._filtered_inspections`)."""
    if not insp.findings_count:  # type: ignore[attr-defined]
        return "no_findings"
    if not insp.open_findings:  # type: ignore[attr-defined]
        return "done"
    if insp.remediation_due is None:
        return "not_concluded"
    return "overdue" if insp.remediation_due < today else "in_progress"


class InspectionEvent(EventLog):
    subject_field: ClassVar[str] = "inspection"
    chained_fields = ("from_status", "to_status")
    # what the inspection page's history calls each stored action code
    action_labels: ClassVar[dict[str, Any]] = {
        "schedule": pgettext_lazy("inspection history", "Scheduled"),
        "self_report": pgettext_lazy("inspection history", "Self-inspection report received"),
        "record": pgettext_lazy("inspection history", "Inspection recorded"),
        "finding": pgettext_lazy("inspection history", "Finding recorded"),
        "conclude": pgettext_lazy("inspection history", "Conclusion notified"),
        "reinspect": pgettext_lazy("inspection history", "Re-inspected"),
    }

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)

    Meta = event_log_meta(
        "inspection", "uniq_inspection_event_seq", _("inspection event"), _("inspection events")
    )


class FindingEvent(EventLog):
    subject_field: ClassVar[str] = "finding"
    chained_fields = ("from_status", "to_status")
    action_labels: ClassVar[dict[str, Any]] = {
        "raise": pgettext_lazy("finding history", "Finding recorded"),
        "corrective_task": pgettext_lazy("finding history", "Corrective task assigned"),
        "reinspect": pgettext_lazy("finding history", "Re-inspected"),
    }

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)

    Meta = event_log_meta(
        "finding", "uniq_finding_event_seq", _("finding event"), _("finding events")
    )
