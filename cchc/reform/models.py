"""PAR INDEX (Chỉ số CCHC, domain.md §7): templates as versioned data, self-assessments with
evidence, appraisal, results and external indices (PAPI, national PAR INDEX, SIPAS) with
targets.

A template version is a tree of nodes (field → criterion → sub-criterion, any depth) with its
index rule (`survey_optional`, grade bands) as data. A published template is never edited in
place: services refuse it, and a new year starts from a copy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link, value_is
from cchc.core.text import FoldedTextField

DEFAULT_GRADES = [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 0}]


class TemplateStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", pgettext_lazy("a PAR template", "Published")


class Template(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    name = models.CharField(_("name"), max_length=300)
    unit_level = models.CharField(
        _("unit type"), max_length=20, blank=True, help_text=_("Agency level it applies to")
    )
    survey_optional = models.BooleanField(_("survey optional"), default=False)
    # who is assessed under this version: the units of these ranking groups (none named: the
    # units of any group), valid at the end of the year (cchc.reform.subjects)
    groups = models.ManyToManyField(
        "agencies.RankingGroup",
        blank=True,
        related_name="+",
        verbose_name=_("ranking groups assessed"),
        help_text=_("The units of these groups are assessed; none: the units of every group"),
    )
    # index rule of this version: grade bands, highest minimum first
    grades = models.JSONField(_("grade bands"), default=list, blank=True)
    deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    published_at = models.DateTimeField(
        pgettext_lazy("a PAR template", "published at"), null=True, blank=True
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("PAR template")
        verbose_name_plural = _("PAR templates")

    def __str__(self) -> str:
        return f"{self.code} ({self.year})"

    is_published = status_is(TemplateStatus.PUBLISHED)

    def grade_bands(self) -> list[dict]:
        return sorted(self.grades or DEFAULT_GRADES, key=lambda g: -float(g["min"]))


class NodeKind(models.TextChoices):
    FIELD = "field", _("Field")
    CRITERION = "criterion", _("Criterion")
    SUBCRITERION = "subcriterion", _("Sub-criterion")


class Method(models.TextChoices):
    SELF = "self", _("Self-assessed, appraised")
    SURVEY = "survey", _("Survey-scored")
    COMPUTED = "computed", _("Computed from platform data")
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")


class TemplateNode(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("code"), max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence_required = models.TextField(_("required evidence"), blank=True)
    # computed and survey nodes: the platform measure and how its percent becomes points
    measure = models.CharField(_("platform measure"), max_length=60, blank=True)
    measure_rule = models.JSONField(_("measure rule"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="uniq_par_node_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    is_survey = value_is(
        "method",
        Method.SURVEY,
        doc="Survey-scored: filled from the surveys module or an import, never by the unit.",
    )


class AssessmentStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Being self-assessed")
    SUBMITTED = "SUBMITTED", _("Submitted")
    APPRAISING = "APPRAISING", _("Under appraisal")
    EXPLANATION = "EXPLANATION", _("Awaiting the unit's explanation")
    RESPONDED = "RESPONDED", _("Explanation received")
    FINAL = "FINAL", _("Finalised")


class Assessment(models.Model):
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="assessments")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="par_assessments"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    # the explanation round's end, set when the chair asks the unit to answer the adjustments
    answer_due = models.DateTimeField(_("answers due by"), null=True, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    last_event_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "agency"], name="uniq_par_assessment")
        ]
        verbose_name = _("self-assessment")

    def __str__(self) -> str:
        return f"{self.template.code} / {self.agency.code}"

    # what templates ask, instead of comparing status values
    is_draft = status_is(AssessmentStatus.DRAFT)

    is_appraising = status_is(AssessmentStatus.APPRAISING)

    awaits_explanation = status_is(AssessmentStatus.EXPLANATION)

    @property
    def can_be_finalised(self) -> bool:
        """Submitted and not final: the chair may close the appraisal."""
        return self.status not in (AssessmentStatus.DRAFT, AssessmentStatus.FINAL)


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    node = models.ForeignKey(TemplateNode, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(
        _("self score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("explanation"), blank=True)
    appraised_score = models.DecimalField(
        _("appraised score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    appraisal_comment = models.TextField(_("appraisal comment"), blank=True)
    unit_response = models.TextField(_("unit's explanation"), blank=True)
    survey_score = models.DecimalField(
        _("survey score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # computed and survey nodes: the frozen figure (measure, numerator, denominator, link)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="uniq_par_score")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.node_id}"

    @property
    def adjusted(self) -> bool:
        return self.appraised_score is not None and self.appraised_score != self.self_score


class AssessmentSummary(models.Model):
    """The assessment's scored result, derived from its Score rows and kept current by every
    service that changes a score or the status (same transaction, under the assessment's
    lock), so that computing a year reads one row per unit instead of one per leaf.

    Valid only while `seq` equals the assessment's `last_event_seq`, `pending` matches
    whether self scores still count (not final, not imported) and `layout` is the current
    `cchc.reform.summaries.LAYOUT`; otherwise the result is computed from the Score rows.
    `result`: total, points, max, grade, weakest and the per-node totals of the template's
    fields and criteria in the tree's order (`cchc.reform.summaries`)."""

    assessment = models.OneToOneField(
        Assessment, primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    seq = models.PositiveIntegerField()
    pending = models.BooleanField()
    layout = models.PositiveSmallIntegerField()
    result = models.JSONField()

    def __str__(self) -> str:
        return f"summary of {self.assessment_id}"


class EvidenceFile(models.Model):
    """An uploaded document, stored once per unit (by content hash) and reused across items."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="par/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    # the name folded ("ke hoach" finds "Kế hoạch.pdf"): the sheet's "reuse an uploaded file"
    # list is searched by it, as it cannot offer every file of a unit in every row
    search_name = FoldedTextField(sources=("name",))
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "sha256"], name="uniq_par_file_hash")
        ]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    doc_number = models.CharField(_("document number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=300)
    doc_date = models.DateField(_("document date"))
    file = models.ForeignKey(
        EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="uses"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.doc_number} ({self.issuer})"


# What each action of the two PAR logs is called on the pages that show them.
ACTION_LABELS = {
    "create": _("Created"),
    "copy": _("Copied from an earlier template"),
    "update": _("Settings changed"),
    "deadline": _("Deadline changed"),
    "add_node": _("Node added"),
    "change_node": _("Node changed"),
    "delete_node": _("Node removed"),
    "publish": pgettext_lazy("a PAR template", "Published"),
    "team": _("Appraisal team created"),
    "remove_team": _("Appraisal team dissolved"),
    "import": _("Imported"),
    "open": _("Opened"),
    "self_score": _("Self score"),
    "add_evidence": _("Evidence added"),
    "remove_evidence": _("Evidence removed"),
    "prefill": _("Filled from platform data"),
    "survey_score": _("Survey score"),
    "submit": _("Submitted"),
    "reopen": _("Returned to the unit"),
    "accept": _("Self score accepted"),
    "adjust": _("Score adjusted"),
    "request_explanation": _("Explanation requested"),
    "move_answer_due": _("Last day for the answers moved"),
    "respond": _("The unit's explanation"),
    "responded": _("Explanation sent"),
    "accept_adjustment": _("Adjustment accepted by the unit"),
    "finalise": _("Appraisal finalised"),
}


class PARLogRow:
    """How a PAR log row reads on a page beside its action's name (ACTION_LABELS): its
    details (a score's old and new value, the fields a change touched with their old and
    new values, the note)."""

    def details(self) -> str:
        data: dict = self.data or {}  # type: ignore[attr-defined]
        parts = []
        if self.action == "copy":  # type: ignore[attr-defined]
            parts.append(str(data.get("from", "")))
        elif "from" in data and "to" in data:  # a score: stored as data, shown as a number
            parts.append(f"{_score(data['from'])} → {_score(data['to'])}")
        if self.action in ("update", "change_node", "deadline", "move_answer_due"):  # type: ignore[attr-defined]
            parts += [
                f"{_field_name(k)}: {shown(v[0])} → {shown(v[1])}"
                for k, v in data.items()
                if isinstance(v, list) and len(v) == 2
                for shown in [
                    _points if k in NUMBER_FIELDS else _when if k in TIME_FIELDS else _shown
                ]
            ]
        if self.action == "responded" and data.get("accepted"):  # type: ignore[attr-defined]
            parts.append(
                _("every adjustment accepted at once: %(items)s")
                % {"items": ", ".join(data["accepted"])}
            )
        if self.action == "finalise" and data.get("without_answers"):  # type: ignore[attr-defined]
            parts.append(
                _("finalised without asking the unit to answer the adjustments of %(items)s")
                % {"items": ", ".join(data["without_answers"])}
            )
        if self.action == "finalise" and data.get("unanswered_due"):  # type: ignore[attr-defined]
            parts.append(
                _("the unit did not answer the adjustments by %(when)s")
                % {"when": _when(data["unanswered_due"])}
            )
        if self.note:  # type: ignore[attr-defined]
            parts.append(self.note)  # type: ignore[attr-defined]
        if data.get("after_publication"):
            parts.append(
                _("made after version %(v)s of the results was published")
                % {"v": data["after_publication"]}
            )
        return "; ".join(parts)


def _shown(value: object) -> str:
    return "—" if value in (None, "", [], {}) else str(value)


# the logged fields holding an instant (stored in ISO form), shown in local time
TIME_FIELDS = frozenset({"deadline", "answer_due"})


def _when(value: object) -> str:
    """An instant of a log's data as the reader reads times: local, "d/m/Y (H:i)" (an ISO
    string without an offset is UTC, as times are stored); anything else as it is."""
    if not isinstance(value, str) or not value:
        return _shown(value)
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        return _shown(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return dateformat.format(timezone.localtime(moment), "d/m/Y (H:i)")


# the logged fields holding points (node codes such as "1.1" look like numbers: never these)
NUMBER_FIELDS = frozenset({"max_points"})


def _logged_number(value: object) -> Decimal | None:
    """The number a log's data holds (stored with a decimal point), or None: empty, text or
    not finite."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _points(value: object) -> str:
    """A number of a log's data as the reader's language writes it: "0.73" → "0,73" in
    Vietnamese; anything else as it is."""
    number = _logged_number(value)
    if number is None:
        return _shown(value)
    return number_format(Decimal(f"{number.normalize():f}"))


def _score(value: object) -> str:
    """A score of a sheet's log (stored "1", "0.6") written as the sheet writes its scores:
    two decimals in the reader's language ("1,00", "0,60"); no score "—"."""
    number = _logged_number(value)
    return _shown(value) if number is None else floatformat(number, 2)


def _field_name(name: str) -> str:
    for model in (TemplateNode, Template, Assessment):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            continue
    return name


class ReformEvent(PARLogRow, EventLog):
    """Every change to an assessment: scores, evidence, submission, appraisal, finalisation."""

    subject_field: ClassVar[str] = "assessment"
    action_labels = ACTION_LABELS
    chained_fields = ("node_code", "from_status", "to_status")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    node_code = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)

    Meta = event_log_meta(
        "assessment",
        "uniq_par_event_seq",
        _("PAR assessment event"),
        _("PAR assessment events"),
    )


class TemplateEvent(PARLogRow, EventLog):
    """Every change Home Affairs makes to a template: creation or copy, its settings, each
    node added, changed or removed, the deadline, publication and the appraisal teams. What
    a unit's score depends on is never changed without a trace of who changed it."""

    subject_field: ClassVar[str] = "template"
    action_labels = ACTION_LABELS
    chained_fields = ("node_code",)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="events")
    node_code = models.CharField(max_length=40, blank=True)

    Meta = event_log_meta(
        "template",
        "uniq_par_template_event_seq",
        _("PAR template event"),
        _("PAR template events"),
    )


class AppraisalTeam(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="par_teams")
    agencies = models.ManyToManyField("agencies.Agency", related_name="par_teams")

    def __str__(self) -> str:
        return self.name


class ResultSet(models.Model):
    """The published results of a year (interchange.md §6 document), frozen; a restatement is
    a new version with its reason, the old one kept."""

    year = models.PositiveSmallIntegerField(_("year"))
    province_code = models.CharField(max_length=2)
    version = models.PositiveSmallIntegerField(default=1)
    document = models.JSONField()
    # the document's rows without their per-field detail: what ranking pages read
    summary = models.JSONField(default=list)
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province_code", "version"], name="uniq_par_result_version"
            )
        ]

    def __str__(self) -> str:
        return f"PAR {self.year} v{self.version}"


class ExternalIndex(models.TextChoices):
    PAPI = "PAPI", "PAPI"
    PAR = "PAR", _("National PAR INDEX")
    SIPAS = "SIPAS", "SIPAS"


class ExternalValue(models.Model):
    """A published value of an external index for one province, year and node (PAPI dimension
    or sub-dimension, or the total when `node_code` is empty). Recorded, never computed."""

    index = models.CharField(_("index"), max_length=10, choices=ExternalIndex.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    province_code = models.CharField(_("province code"), max_length=2)
    node_code = models.CharField(_("dimension code"), max_length=20, blank=True)
    node_name = models.CharField(_("dimension"), max_length=300, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4)
    max_score = models.DecimalField(_("maximum"), max_digits=8, decimal_places=2, default=100)
    rank = models.PositiveSmallIntegerField(_("published rank"), null=True, blank=True)
    group = models.CharField(_("group"), max_length=40, blank=True)
    lead_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # who typed or imported the figure, when; the values it replaced, oldest first, each with
    # who had entered it (a figure that targets and rankings read never changes untraced)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    entered_by = user_link(_("entered by"), on_delete=models.PROTECT)
    entered_by_label = models.CharField(_("entered by"), max_length=200, blank=True)
    earlier = models.JSONField(_("earlier values"), default=list, blank=True)

    class Meta:
        ordering = ["index", "year", "node_code", "province_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["index", "year", "province_code", "node_code"], name="uniq_par_external"
            )
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.year} {self.node_code} {self.province_code}"


class TargetKind(models.TextChoices):
    SCORE = "score", _("Score at least")
    RANK = "rank", _("Rank at most (top N)")
    RANK_CHANGE = "rank_change", _("Places gained at least")
    GROUP = "group", _("Stay in group")


class Target(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    index = models.CharField(_("index"), max_length=10, choices=ExternalIndex.choices)
    node_code = models.CharField(_("dimension code"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=TargetKind.choices)
    value = models.CharField(_("target value"), max_length=40)
    owner = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    entered_by = user_link(_("entered by"), on_delete=models.PROTECT)
    entered_by_label = models.CharField(_("entered by"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "index", "node_code"]

    def __str__(self) -> str:
        return f"{self.index} {self.year} {self.kind} {self.value}"


def dec(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))
