"""The Decision 766 real-time service index (and any later scheme) as versioned data.

A scheme (e.g. "qd766", Decision 766/QĐ-TTg of 2022) has dated versions; a version has groups
(transparency, progress, ...) and metrics with their maximum points, full-marks threshold,
empty-denominator rule and a formula kind from a small closed set (see `engine.py`). The
scoring code reads these rows and never branches on a scheme or metric code.

Facts (one row per dossier / per petition) are computed by one pure function (`facts.py`),
summaries are integer counters per agency × day (and agency × month × procedure), and
scores are a pure function of counters and a scheme version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta
from cchc.core.validity import in_force_on


# -- methodology ------------------------------------------------------------------------------
class Scheme(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("index scheme")
        verbose_name_plural = _("index schemes")

    def __str__(self) -> str:
        return self.code


class SchemeVersionQuerySet(models.QuerySet["SchemeVersion"]):
    def in_force(self, scheme_code: str, on: dt.date) -> SchemeVersion:
        version = (
            self.filter(scheme__code=scheme_code, status=SchemeVersion.Status.ACTIVE)
            .filter(in_force_on(on))
            .order_by("-valid_from")
            .first()
        )
        if version is None:
            raise SchemeVersion.DoesNotExist(
                f"No version of scheme '{scheme_code}' in force on {on}"
            )
        return version


class SchemeVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        ACTIVE = "ACTIVE", _("In force")
        RETIRED = "RETIRED", _("Retired")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    legal_source = models.CharField(_("legal source"), max_length=400)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    params = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_("Settings of the methodology that no official source fixes."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SchemeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="uniq_scheme_version")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.version}"

    @property
    def title(self) -> str:
        """The methodology in words for people (engine.SchemeSpec.title)."""
        from django.utils.translation import gettext

        return gettext("%(name)s, version %(version)s") % {
            "name": self.scheme.name or self.scheme.code,
            "version": self.version,
        }


class Layout(models.TextChoices):
    """How the national portal's report file of a group is shaped (interchange.md §3)."""

    METRICS = "metrics", _("overview / evaluation / metrics")
    TREE = "tree", _("parent / children")


class Group(models.Model):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    round_metrics = models.BooleanField(
        _("sum of rounded metric scores"),
        default=True,
        help_text=_("The group total is the sum of metric scores each rounded to 2 decimals."),
    )
    portal_report = models.CharField(_("portal report name"), max_length=80, blank=True)
    portal_layout = models.CharField(
        _("portal layout"), max_length=10, choices=Layout.choices, default=Layout.METRICS
    )
    portal_score_field = models.CharField(
        _("portal score field"),
        max_length=60,
        blank=True,
        help_text=_("Tree layout: the field holding a row's score."),
    )

    class Meta:
        verbose_name = _("index group")
        verbose_name_plural = _("index groups")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_group_code")]

    def __str__(self) -> str:
        return f"{self.version} {self.code}"

    @property
    def confirmed(self) -> bool:
        return all(m.confirmed for m in self.metrics.all())


class Metric(models.Model):
    class Kind(models.TextChoices):
        # points = max × min(1, ratio / threshold)
        RATIO = "ratio", _("Ratio with full-marks threshold")
        # points = max × min(1, (1 - ratio) / threshold): for "share of bad cases" counters
        COMPLEMENT = "complement", _("Complement of a ratio with threshold")

    class Empty(models.TextChoices):
        ZERO = "zero", _("0 points")
        FULL = "full", _("Full points")
        NULL = "null", _("Not scored (adds 0)")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="metrics")
    code = models.CharField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    threshold = models.DecimalField(
        _("full marks at"), max_digits=6, decimal_places=4, default=Decimal(1)
    )
    empty_rule = models.CharField(
        _("when the denominator is 0"), max_length=8, choices=Empty.choices, default=Empty.NULL
    )
    kind = models.CharField(_("formula"), max_length=12, choices=Kind.choices, default=Kind.RATIO)
    numerator = models.CharField(_("numerator counter"), max_length=60)
    denominator = models.CharField(_("denominator counter"), max_length=60)
    confirmed = models.BooleanField(_("confirmed against official figures"), default=False)
    portal_numerator = models.CharField(
        max_length=60, blank=True, help_text=_("Tree layout field of the numerator.")
    )
    portal_denominator = models.CharField(
        max_length=60, blank=True, help_text=_("Tree layout field of the denominator.")
    )
    source_note = models.TextField(_("source and notes"), blank=True)

    class Meta:
        verbose_name = _("index metric")
        verbose_name_plural = _("index metrics")
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="uniq_metric_code")]

    def __str__(self) -> str:
        return self.code


class ProvinceIndexSetting(models.Model):
    """What a province chooses: the target line and the minimum dossiers to be ranked [?]."""

    province_code = models.CharField(_("province code"), max_length=2, unique=True)
    target_total = models.DecimalField(
        _("target total"), max_digits=6, decimal_places=2, default=Decimal(80)
    )
    min_dossiers_to_rank = models.PositiveIntegerField(
        _("minimum dossiers to be ranked"), default=10
    )

    class Meta:
        verbose_name = _("index setting")
        verbose_name_plural = _("index settings")

    def __str__(self) -> str:
        return self.province_code

    @classmethod
    def for_province(cls, province_code: str) -> ProvinceIndexSetting:
        found = cls.objects.filter(province_code=province_code).first()
        return found or cls(province_code=province_code)


# -- facts --------------------------------------------------------------------------------------
class DossierFact(models.Model):
    """What the index needs of one dossier, computed by `facts.dossier_fact` (one pure function)."""

    # Derived rows, rebuilt from the dossiers at will: no database FK triggers (they cost more
    # than the rest of a million-row rebuild); Django still cascades deletions.
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="index_fact",
        db_constraint=False,
    )
    # no single-column indexes: (agency, received_on) serves the agency, nothing reads facts by
    # procedure alone (procedures with dossiers cannot be deleted), and each index cost ~12 %
    # of the rebuild's COPY
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    channel = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField()
    received_on = models.DateField(help_text=_("local date of reception"))
    appointment_at = models.DateTimeField(
        null=True, help_text=_("the appointment the on-time rule uses")
    )
    due_at = models.DateTimeField(
        null=True, help_text=_("appointment moved by the supplement pauses")
    )
    end_at = models.DateTimeField(null=True, help_text=_("end of processing per the on-time rule"))
    end_status = models.PositiveSmallIntegerField(null=True)
    pause_seconds = models.PositiveIntegerField(default=0)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    waiting_since = models.DateTimeField(
        null=True, help_text=_("waiting for the applicant's supplement since")
    )
    is_open = models.BooleanField(default=True)
    too_many_supplements = models.BooleanField(default=False)
    on_time = models.BooleanField(
        null=True, help_text=_("known once processing ended; open dossiers are judged per period")
    )
    online = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    fee_owed = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    electronic_result = models.BooleanField(default=False)
    digitized = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    population_data = models.BooleanField(default=False)
    storage_linked = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True)
    complained = models.BooleanField(
        default=False, help_text=_("disliked (rating 1-2) or has a petition")
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier fact")
        verbose_name_plural = _("dossier facts")
        indexes = [
            models.Index(fields=["agency", "received_on"], name="fact_agency_day_idx"),
            # only open dossiers are judged at query time: a partial index stays small and costs
            # nothing when the rebuild writes the (mostly closed) facts; it carries the columns
            # the judgement reads, so the count is an index-only scan (PostgreSQL)
            models.Index(
                fields=["agency", "received_on"],
                name="fact_open_agency_day_idx",
                condition=Q(is_open=True),
                include=[
                    "dossier",
                    "due_at",
                    "waiting_since",
                    "too_many_supplements",
                    "complained",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class PetitionFact(models.Model):
    """What the index needs of one petition (PAKN), computed by `facts.petition_fact`."""

    petition_id = models.BigIntegerField(primary_key=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=10)
    received_at = models.DateTimeField()
    received_on = models.DateField()
    due_at = models.DateTimeField(null=True)
    handled_at = models.DateTimeField(null=True)
    on_time = models.BooleanField(null=True)
    satisfied = models.BooleanField(default=True)
    dossier_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("petition fact")
        verbose_name_plural = _("petition facts")
        indexes = [models.Index(fields=["agency", "received_on"], name="pfact_agency_day_idx")]

    def __str__(self) -> str:
        return f"petition fact {self.petition_id}"


# -- summaries -----------------------------------------------------------------------------------
DAY_COUNTERS = (
    "received",
    "online",
    "synced",
    "fee_owed",
    "paid_online",
    "resolved",
    "electronic_result",
    "digitized",
    "reused",
    "population_data",
    "storage_linked",
    "closed",
    "on_time_closed",
    "satisfied_closed",
    "complained",
)


class DossierCounters(models.Model):
    """The counters of DAY_COUNTERS, shared by the day and month rows."""

    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    fee_owed = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    electronic_result = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    population_data = models.IntegerField(default=0)
    storage_linked = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time_closed = models.IntegerField(default=0)
    satisfied_closed = models.IntegerField(default=0)
    complained = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DaySummary(DossierCounters):
    """Integer counters of the dossiers an agency received on one local day.

    Time-dependent outcomes (on time, satisfied) are counted here only for dossiers whose
    processing ended; the bounded set of open dossiers is judged per period at query time.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_day_summary")]
        indexes = [models.Index(fields=["day"], name="daysum_day_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class MonthSummary(DossierCounters):
    """The day rows of an agency summed over a calendar month, kept with them (live deltas and
    rebuilds write both): a year's overview reads 12 rows per agency instead of 365."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text=_("first day of the month"))

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="uniq_month_summary")
        ]
        indexes = [models.Index(fields=["month"], name="monthsum_month_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


PROCEDURE_COUNTERS = ("received", "online", "paid_online", "population_data")


class ProcedureMonthSummary(models.Model):
    """Counters per agency × month × procedure: distinct-procedure metrics of a period
    (procedures with an online payment, online services that received dossiers)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text=_("first day of the month"))
    procedure = models.ForeignKey("catalogue.Procedure", on_delete=models.CASCADE, related_name="+")
    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    population_data = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly procedure summary")
        verbose_name_plural = _("monthly procedure summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "procedure"], name="uniq_proc_month_summary"
            )
        ]
        # a period's usage is read by month for all agencies: index-only with the counters
        indexes = [
            models.Index(
                fields=["month", "agency", "procedure"],
                name="procsum_month_idx",
                include=["received", "online", "paid_online", "population_data"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month} {self.procedure_id}"


class RebuildJob(models.Model):
    """A restartable rebuild of facts and summaries: resumes after the last finished chunk."""

    period = models.CharField(max_length=10)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_dossier_id = models.BigIntegerField(default=0)
    dossiers_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rebuild job")
        verbose_name_plural = _("rebuild jobs")

    def __str__(self) -> str:
        return f"rebuild {self.period} from {self.last_dossier_id}"


# -- period-locked reports ------------------------------------------------------------------------
class PeriodReport(models.Model):
    """A closed period: the figures frozen with the methodology version and data watermark."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("period"), max_length=10)
    province_code = models.CharField(_("province code"), max_length=2)
    document = models.JSONField(_("frozen figures"))
    counters = models.JSONField(
        _("frozen counters"),
        default=dict,
        blank=True,
        help_text=_("Each agency's counters (dossiers received, on time, ...) when frozen."),
    )
    last_event_seq = models.PositiveIntegerField(default=0)
    watermark_event_id = models.BigIntegerField(_("last event included"), default=0)
    watermark_at = models.DateTimeField(_("data as of"), null=True)
    closed_at = models.DateTimeField(pgettext_lazy("a period", "closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    restated = models.PositiveSmallIntegerField(_("restatements"), default=0)

    class Meta:
        verbose_name = _("closed period report")
        verbose_name_plural = _("closed period reports")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "period", "province_code"], name="uniq_period_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.period} {self.province_code}"

    @property
    def period_label(self) -> str:
        """The period in words ("Quý 3/2026"), not its code ("2026-Q3")."""
        from cchc.indices.periods import Period

        return Period.parse(self.period).label


class Restatement(models.Model):
    """Why and by whom a closed period's figures were changed (append-only record)."""

    report = models.ForeignKey(PeriodReport, on_delete=models.PROTECT, related_name="restatements")
    reason = models.TextField(_("reason"))
    previous_document = models.JSONField()
    previous_watermark_event_id = models.BigIntegerField(default=0)
    new_document = models.JSONField(_("figures after"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("restatement")
        verbose_name_plural = _("restatements")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.report}: {self.reason[:40]}"


class PeriodReportEvent(EventLog):
    """One action on a closed period (closed, restated), appended by `reports` services."""

    subject_field: ClassVar[str] = "report"

    report = models.ForeignKey(PeriodReport, on_delete=models.PROTECT, related_name="events")

    Meta = event_log_meta(
        "report",
        "uniq_period_report_event_seq",
        _("closed period event"),
        _("closed period events"),
    )


class PendingMark(models.Model):
    """An outbox row: a subject whose fact waits to be recomputed, keyed by the subject's id
    (`key_field`, the primary key) with the time of its newest change. Marked inside the
    subject's changing transaction, cleared once its fact is refreshed (cchc.indices.queue)."""

    key_field: ClassVar[str]
    queued_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.key_field)} @ {self.queued_at}"


class PendingRefresh(PendingMark):
    """A dossier whose fact waits to be recomputed (settings.INDICES_REFRESH = "queued").

    Queued mode takes the fact refresh off the clerk's request: the change only marks the
    dossier, and `run_index_worker` refreshes marked dossiers in batches, once per dossier
    however many actions it saw in between.
    """

    key_field: ClassVar[str] = "dossier_id"
    dossier_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("pending index refresh")
        verbose_name_plural = _("pending index refreshes")


class PendingPetitionRefresh(PendingMark):
    """A petition whose fact waits to be recomputed: marked inside the petition's changing
    transaction (the outbox), cleared once the fact is refreshed after the commit. A crash or
    a database restart in between leaves the mark, and the worker refreshes the petition
    (bench/bench_faults.py lost 1-2 petitions' index entries per run before it existed)."""

    key_field: ClassVar[str] = "petition_id"
    petition_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("pending petition index refresh")
        verbose_name_plural = _("pending petition index refreshes")


# -- published figures entered by hand (no data path on the platform) ----------------------------
class PublishedFigure(models.Model):
    """A counter the platform holds no data for (electronic certified copies today, which the
    Ministry of Justice's system counts), entered or imported by the Department of Home Affairs
    from the published figure of an agency and period. The index reads it instead of showing
    invented marks; without it the metric shows "no data" (cchc.indices.figures)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    period = models.CharField(_("period"), max_length=10)
    counter = models.CharField(_("counter"), max_length=60)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period", "counter"], name="uniq_published_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.period} {self.counter}={self.value}"

    @property
    def period_label(self) -> str:
        """The period in words ("Quý 3/2026"), not its code ("2026-Q3")."""
        from cchc.indices.periods import Period

        return Period.parse(self.period).label


class PublishedFigureEvent(EventLog):
    """One entry or import of a published figure, with the value before and after."""

    subject_field: ClassVar[str] = "figure"

    figure = models.ForeignKey(PublishedFigure, on_delete=models.PROTECT, related_name="events")

    Meta = event_log_meta(
        "figure",
        "uniq_published_figure_event_seq",
        _("published figure event"),
        _("published figure events"),
    )
