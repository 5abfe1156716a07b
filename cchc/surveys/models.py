"""SIPAS satisfaction surveys: methods as versioned data, questionnaires, campaigns, samples,
responses (domain.md §6, issue 13).

A `Method` is a versioned, immutable set of rules (validity, satisfied answers, minimum
sample for ranking, margin of error) and a tree of fields → components → items (`Item`,
the shared item bank). A `Questionnaire` picks items of a method into sections; once
published it is never edited: a change is a new version. A `Campaign` surveys units over a
period; its `Sample` per unit is drawn with a stored seed; a `Response` keeps its answers as
given, its mode, collector and validity, and never a name, phone or ID of the respondent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is, user_link, value_is
from cchc.core.personal import EncryptedTextField
from cchc.core.text import FoldedTextField


class Mode(models.TextChoices):
    """Modes of collection (interchange.md §5, `HinhThuc`)."""

    PAPER_POST = "paper_post", _("Paper by post")
    PAPER_HOME = "paper_home", _("Paper delivered to households")
    PAPER_DESK = "paper_desk", _("Paper at the desk")
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Phone interview")
    INTERVIEW = "interview", _("Face-to-face interview")


# modes whose answers are given in front of the office rated (exit polls, biased upwards)
DESK_MODES = (Mode.PAPER_DESK, Mode.KIOSK)


class Method(models.Model):
    """One version of a survey method (e.g. `sipas-2023`, Decision 1001/QĐ-BNV). Rules and
    structure are data; a published method is never changed (a new version is added)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    province_code = models.CharField(
        _("province code"), max_length=2, blank=True, help_text=_("blank for a national method")
    )
    # the versions of one method share a family ("sipas": sipas-2023, a later national
    # version...); the index of a campaign is computed by the family's version in force at
    # the end of the campaign's period (methods.method_in_force, domain.md §6)
    family = models.CharField(
        _("method family"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("the versions of one method share it; blank: a method of one version"),
    )
    effective_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("blank: in force until a later version of the family takes over"),
    )
    # {"valid_answers": [1..5], "satisfied_answers": [4, 5], "min_valid_share": 0.5,
    #  "min_valid_ranked": 30, "margin": 0.05, "interval": "wilson"}
    rules = models.JSONField(_("rules"), default=dict)
    # [{"code": "POLICY", "name": ..., "components": [{"code": "P1", "name": ...}]}]
    structure = models.JSONField(_("structure"), default=list)
    published = models.BooleanField(pgettext_lazy("a method", "published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey method")
        verbose_name_plural = _("survey methods")

    def __str__(self) -> str:
        return self.code

    def rule(self, name: str, default: Any = None) -> Any:
        return self.rules.get(name, default)


class Item(models.Model):
    """An item of a method's item bank, with its Vietnamese wording and answer options."""

    class Kind(models.TextChoices):
        SATISFACTION = "satisfaction", _("Satisfaction (scored)")
        PERCEPTION = "perception", _("Perception")
        SCREENING = "screening", _("Screening")
        EXPECTATION = "expectation", _("Expectation")
        PROFILE = "profile", _("Respondent profile")
        OTHER = "other", _("Other")

    class Type(models.TextChoices):
        SCALE = "scale", _("1–5 scale")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        MATRIX = "matrix", _("Matrix of scale items")
        RANKING = "ranking", _("Ranking")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        FILE = "file", _("File")

    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SINGLE)
    field = models.CharField(_("field"), max_length=20, blank=True)
    component = models.CharField(
        pgettext_lazy("a survey index", "component"), max_length=20, blank=True
    )
    text = models.TextField(_("wording"))
    help_text = models.TextField(_("help text"), blank=True)
    # [[value, label], ...]; an "other" option has "allow_other": true in params
    options = models.JSONField(_("answer options"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["method", "order"]
        constraints = [
            models.UniqueConstraint(fields=["method", "code"], name="uniq_survey_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    is_scored = value_is("kind", Kind.SATISFACTION)

    # how the respondent's form renders the item (templates never compare raw type values)
    is_scale = value_is("type", Type.SCALE)

    is_one_choice = value_is(
        "type", Type.SCALE, Type.SINGLE, doc="Radio buttons: a 1–5 scale or a single choice."
    )

    is_many_choices = value_is("type", Type.MULTIPLE, doc="Check boxes: a multiple choice.")

    is_matrix = value_is(
        "type",
        Type.MATRIX,
        doc='One 1-5 scale per row (`params["rows"]`), answered as {row: value}.',
    )

    is_ranking = value_is(
        "type",
        Type.RANKING,
        doc="Places 1..k, each naming one of the options; answered as the options in order.",
    )

    is_file = value_is(
        "type",
        Type.FILE,
        doc="An uploaded document (checked like every upload: type sniffed, size limited).",
    )

    @property
    def matrix_rows(self) -> list[list[Any]]:
        return list(self.params.get("rows", []))

    @property
    def ranking_places(self) -> range:
        """The places offered: every option, or the first `params["places"]`."""
        return range(1, int(self.params.get("places") or len(self.options)) + 1)

    is_number = value_is("type", Type.NUMBER)

    is_date = value_is("type", Type.DATE)

    is_long_text = value_is("type", Type.LONG_TEXT)


class Questionnaire(models.Model):
    """A questionnaire built from a method's items. `code` names the family, `version` counts
    its versions; a published version is frozen (services refuse to change it)."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        PUBLISHED = "PUBLISHED", pgettext_lazy("a questionnaire", "Published")

    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="questionnaires")
    code = models.CharField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        pgettext_lazy("a questionnaire", "published at"), null=True, blank=True
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # the surveys list finds a questionnaire by its code or title typed without accents
    search_text = FoldedTextField(sources=("code", "title"))

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    is_published = status_is(Status.PUBLISHED)

    is_draft = status_is(Status.DRAFT, doc="Still editable in the builder.")


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    screening = models.BooleanField(_("screening (asked first)"), default=False)
    # {"item": "Q8.3", "in": [1]}: shown only when an earlier answer matches
    condition = models.JSONField(_("condition"), default=dict, blank=True)

    class Meta:
        ordering = ["-screening", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """An item placed in a section of a questionnaire."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=False)
    condition = models.JSONField(_("condition"), default=dict, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.item_id}@{self.section_id}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        OPEN = "OPEN", _("Collecting")
        CLOSED = "CLOSED", _("Closed")
        PUBLISHED = "PUBLISHED", _("Results published")

    # the transitions of services.open/close_campaign and publish_results, in one place
    OPEN_FROM = (Status.DRAFT, Status.CLOSED)
    CLOSE_FROM = (Status.OPEN,)
    PUBLISH_FROM = (Status.CLOSED,)
    # samples drawn and quotas set before and during collection, not once it is closed (a
    # closed campaign is reopened first): its returns are being counted against them
    PREPARE_IN = (Status.DRAFT, Status.OPEN)

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="campaigns")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns"
    )
    province_code = models.CharField(_("province code"), max_length=2)
    period = models.CharField(_("period"), max_length=10, help_text=_("e.g. 2026"))
    date_from = models.DateField(_("transactions from"))
    date_to = models.DateField(_("transactions to"))
    modes = models.JSONField(_("modes"), default=list)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    # the province's own aim for each unit (Hà Nội: SIPAS ≥ 86 %, domain.md §6): data of the
    # campaign, not of the method, and carried over from the province's previous campaign
    target_index = models.DecimalField(
        _("target satisfaction index (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("the SIPAS each unit should reach; blank: no target"),
    )
    open_link_limit = models.PositiveSmallIntegerField(
        _("answers per device on the open link"), default=1
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    open_token = models.CharField(max_length=40, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_results = models.JSONField(_("published results"), null=True, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    # +1 in the transaction of every write that changes the figures (a response recorded,
    # reviewed or corrected: live.changed); the live results tell from it that they are stale
    figures_changes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")

    def __str__(self) -> str:
        return self.name

    is_open = status_is(Status.OPEN, doc="Collecting answers (and sending invitations).")

    is_closed = status_is(
        Status.CLOSED, doc="Collection ended, results not yet published: reopened or published."
    )

    is_published = status_is(
        Status.PUBLISHED, doc="Results published and frozen: no more draws or answers."
    )

    can_open = status_is(*OPEN_FROM)

    can_close = status_is(*CLOSE_FROM)

    can_publish = status_is(*PUBLISH_FROM)

    can_prepare = status_is(*PREPARE_IN, doc="Samples may be drawn and quotas set.")

    # what Home Affairs may still correct in the campaign (campaign_settings.edit_campaign): anything
    # while it is prepared; once answers come in only what leaves them meaning the same (the
    # name, a later end date, the target); nothing once closed: its figures are being counted
    EDITABLE_IN = (Status.DRAFT, Status.OPEN)
    EDITABLE_WHILE_OPEN = ("name", "date_to", "target_index")

    can_edit = status_is(*EDITABLE_IN, doc="Its name, dates, method or target may be corrected.")

    is_draft = status_is(Status.DRAFT, doc="Being prepared: every setting may still change.")

    def meets_target(self, total: float | None, *, n_valid: int, minimum: int) -> bool | None:
        """Whether a unit's SIPAS reaches the campaign's target (None: no target, no figure,
        or too few answers to judge: `too_few_to_judge`). Compared as printed, to two
        decimals: 85.996 shows as 86,00 and meets 86."""
        from decimal import ROUND_HALF_UP, Decimal

        if self.target_index is None or total is None:
            return None
        if self.too_few_to_judge(total, n_valid=n_valid, minimum=minimum):
            return None
        shown = Decimal(repr(float(total))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return shown >= self.target_index

    def too_few_to_judge(self, total: float | None, *, n_valid: int, minimum: int) -> bool:
        """A figure resting on fewer valid questionnaires than the method's minimum (its
        `min_valid_ranked`, domain.md §6 rule 5: below it a unit is not ranked) is not judged
        against the target either: on 6 answers a 95 % interval spans tens of points, and
        "reached" or "not reached" would be chance."""
        return (
            self.target_index is not None
            and total is not None
            and n_valid is not None
            and n_valid < minimum
        )

    def units_in_order(self) -> list[CampaignUnit]:
        """The campaign's units by ranking group (in the groups' order: departments,
        districts, wards…), then by name in Vietnamese alphabetical order (`core.collation`, as on the staff
        list: "Sở Khoa học và Công nghệ" under S). Not by code: codes compared as text put the
        wards H26.100–H26.199 before H26.11."""
        from cchc.core.collation import vietnamese_sort_key

        def key(unit: CampaignUnit) -> tuple[Any, ...]:
            group = unit.agency.group
            return (
                group is None,
                (group.order, group.name) if group is not None else (0, ""),
                vietnamese_sort_key(unit.agency.name),
                unit.agency.name,
                unit.agency.code,
            )

        return sorted(self.units.select_related("agency__group"), key=key)


class LiveResults(models.Model):
    """Kết quả tạm thời: the last computed live figures of a campaign that is not published
    (the index document, the ranking's summary of it, the bias check's desk/independent
    split), and what they reflect. Pages serve them while a job computes newer ones
    (stale-while-revalidate, cchc/surveys/live.py); a published campaign shows its frozen
    `published_results` instead."""

    campaign = models.OneToOneField(
        Campaign, primary_key=True, on_delete=models.CASCADE, related_name="live_results"
    )
    # the campaign's state the figures were computed from (live.state_of)
    state = models.CharField(max_length=80, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    document = models.JSONField()
    summary = models.JSONField()
    bias_split = models.JSONField()
    # set when a recomputation is enqueued, cleared by it: at most one waits at a time
    refresh_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("live results")
        verbose_name_plural = _("live results")

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.computed_at:%Y-%m-%d %H:%M}"


class CampaignUnit(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency"], name="uniq_campaign_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.agency_id}"


class Quota(models.Model):
    """Target returns per unit × stratum; `filled` counts the responses that counted for it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=80, default="*")
    target = models.PositiveIntegerField(_("target"))
    filled = models.PositiveIntegerField(_("filled"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agency", "stratum"], name="uniq_quota_stratum"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.stratum} {self.filled}/{self.target}"

    @property
    def is_full(self) -> bool:
        return self.filled >= self.target


class Sample(models.Model):
    """The draw of one unit: frame size, sample size, the seed that reproduces it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="samples")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(_("seed"), max_length=64)
    frame_size = models.PositiveIntegerField(_("frame size"))
    size = models.PositiveIntegerField(_("sample size"))
    strata = models.JSONField(_("strata"), default=dict)  # stratum -> [frame, sample]
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency"], name="uniq_sample_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.agency_id} n={self.size}"

    @property
    def is_empty(self) -> bool:
        """Nobody was drawn (an empty frame: nobody completed a procedure at the unit in
        the period): there is nobody to write a letter to."""
        return self.size == 0


class SampledPerson(models.Model):
    """A person of the sample or the reserve list. For an anonymous campaign nothing here
    points to the answers: at submission only `status` becomes RETURNED and the token is
    erased."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Not yet contacted")
        CONTACTED = "CONTACTED", _("Contacted")
        RETURNED = "RETURNED", _("Returned")
        REFUSED = "REFUSED", _("Refused")

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="people")
    position = models.PositiveIntegerField(pgettext_lazy("an order", "position"))
    reserve = models.BooleanField(_("reserve list"), default=False)
    stratum = models.CharField(_("stratum"), max_length=80)
    dossier_code = models.CharField(_("dossier"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # the sampled person's contact details, encrypted at rest like the dossier's they are
    # copied from (cchc/core/personal.py)
    address = EncryptedTextField(_("address"), max_length=300, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    contact_ok = models.BooleanField(_("agreed to be contacted"), default=False)
    token = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    message_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sample", "reserve", "position"]

    def __str__(self) -> str:
        return f"{self.sample_id}#{self.position}"


class Response(models.Model):
    """One questionnaire as returned. Never holds a name, phone or ID of the respondent."""

    class Review(models.TextChoices):
        NEW = "NEW", _("New")
        ACCEPTED = "ACCEPTED", _("Accepted")
        REJECTED = "REJECTED", pgettext_lazy("a survey response", "Rejected")

    code = models.CharField(_("questionnaire number"), max_length=60, unique=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", null=True, blank=True
    )
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.CharField(_("period"), max_length=10, db_index=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    collector = user_link(on_delete=models.PROTECT)
    collector_label = models.CharField(_("collector"), max_length=200, blank=True)
    collected_at = models.DateTimeField(_("collected at"))
    answers = models.JSONField(_("answers"), default=dict)
    # the method's scored answers in item order, one character each ("5490x4..."; "x" for a
    # blank or anything but an integer 0-9), derived from `answers` at every write: the
    # index reads this text instead of decoding 100,000 answer objects (MethodSpec.score_vector)
    scored = models.TextField(blank=True, default="")
    valid = models.BooleanField(_("valid"), default=False)
    valid_items = models.PositiveSmallIntegerField(_("valid satisfaction answers"), default=0)
    quota_stratum = models.CharField(_("quota counted for"), max_length=80, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.NEW
    )
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)
    device_key = models.CharField(max_length=64, blank=True)
    # the form's one-time key: a double click or a replayed POST finds the first submission
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["campaign", "agency"], name="survey_resp_unit")]

    def __str__(self) -> str:
        return self.code


class PaperForm(models.Model):
    """A paper questionnaire keyed twice (double entry). When the two keyings agree the
    response is created; otherwise a supervisor resolves the differences."""

    class Status(models.TextChoices):
        KEYING = "KEYING", _("Being keyed")
        DISPUTED = "DISPUTED", _("Differences to resolve")
        DONE = "DONE", _("Entered")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="paper_forms")
    number = models.CharField(_("form number"), max_length=60)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.KEYING
    )
    differences = models.JSONField(_("differences"), default=list, blank=True)
    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="paper_form"
    )
    last_event_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="uniq_paper_form")
        ]

    def __str__(self) -> str:
        return self.number


class Keying(models.Model):
    """One clerk's typing of a paper form; every keying is kept."""

    form = models.ForeignKey(PaperForm, on_delete=models.PROTECT, related_name="keyings")
    round = models.PositiveSmallIntegerField(_("keying"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    keyed_at = models.DateTimeField(_("keyed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "round"], name="uniq_keying")]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.round}"


# What each action of a questionnaire's log is called on the builder page.
QUESTIONNAIRE_ACTIONS = {
    "create": _("Created"),
    "new_version": _("New version made"),
    "add_section": _("Section added"),
    "add_question": _("Question added from the item bank"),
    "add_own_question": _("Question of its own added"),
    "remove_question": _("Question removed"),
    "publish": _("Questionnaire published"),
}


class QuestionnaireEvent(EventLog):
    """Every change Home Affairs makes to a questionnaire: creation or a new version (from
    which version), each section and question added, each question removed, publication.
    What respondents are asked never changes without a trace of who changed it."""

    subject_field = "questionnaire"
    action_labels = QUESTIONNAIRE_ACTIONS
    # the item code of the question added or removed (blank for the other actions)
    chained_fields = ("item_code",)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="events"
    )
    item_code = models.CharField(_("item code"), max_length=40, blank=True)

    Meta = event_log_meta(
        "questionnaire",
        "uniq_questionnaire_event_seq",
        _("questionnaire event"),
        _("questionnaire events"),
    )

    def details(self) -> str:
        """The row as read on the page: the title of the questionnaire or section, the
        wording of a question added or removed and its section, the version copied, the
        status before and after (publication)."""
        data: dict[str, Any] = self.data or {}
        parts = [str(data[k]) for k in ("title", "text") if data.get(k)]
        if data.get("section"):
            parts.append(_("in section %(title)s") % {"title": data["section"]})
        if "from_version" in data:
            parts.append(_("from version %(version)s") % {"version": data["from_version"]})
        if isinstance(data.get("status"), list):
            parts.append(" → ".join(_status_label(v) for v in data["status"]))
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


def _status_label(value: str) -> str:
    if value in Questionnaire.Status.values:
        return str(Questionnaire.Status(value).label)
    return value


CAMPAIGN_ACTIONS = {
    "create": _("Campaign created"),
    "edit": _("Campaign settings changed"),
    "open": _("Collection opened"),
    "closed": _("Collection closed"),
    "publish": _("Results published"),
    "quota": _("Quota set"),
    "draw": _("Sample drawn"),
    "invite": _("Invitations queued"),
    "answers_file": _("Raw answers file requested"),
    "units": _("Units surveyed changed"),
}

# what an "edit" event's changes are called on the campaign's history
CAMPAIGN_FIELDS = {
    "name": _("Name"),
    "questionnaire": _("Questionnaire"),
    "period": _("Period"),
    "date_from": _("Transactions from"),
    "date_to": _("Transactions to"),
    "modes": _("Modes of collection"),
    "anonymous": _("Anonymous answers"),
    "target_index": _("Target satisfaction index (%)"),
}


class SurveyEvent(EventLog):
    """The log of a campaign: creation and every change of its settings, opening, draws,
    quotas, invitations, closing, publication."""

    subject_field = "campaign"
    action_labels = CAMPAIGN_ACTIONS
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")

    Meta = event_log_meta(
        "campaign",
        "uniq_survey_event_seq",
        _("survey event"),
        _("survey events"),
        ordered=False,
    )

    def details(self) -> str:
        """The row as read on the campaign's history: each setting changed, old → new; the
        unit and figure of a quota or a draw."""
        data: dict[str, Any] = self.data or {}
        parts = []
        for name, (old, new) in (data.get("changes") or {}).items():
            parts.append(
                f"{CAMPAIGN_FIELDS.get(name, name)}: {_setting_text(name, old)} → "
                f"{_setting_text(name, new)}"
            )
        if self.action == "quota":
            parts.append(f"{data.get('unit', '')}: {data.get('target', '')}")
        elif self.action == "draw":
            parts.append(f"{data.get('unit', '')}: {data.get('size', '')}/{data.get('frame', '')}")
        elif self.action == "invite":
            parts.append(str(data.get("queued", "")))
        elif self.action == "units":
            if data.get("added"):
                parts.append(_("added: %(units)s") % {"units": ", ".join(data["added"])})
            if data.get("removed"):
                parts.append(_("removed: %(units)s") % {"units": ", ".join(data["removed"])})
        elif self.action == "answers_file":
            parts.append(str(data.get("format", "")).upper())
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


def _setting_text(name: str, value: Any) -> str:
    """A campaign setting as the history prints it: dates as dd/mm/yyyy, modes by name."""
    import datetime as dt

    if value is None or value == "":
        return "—"
    if name in ("date_from", "date_to"):
        try:
            return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
        except ValueError:
            return str(value)
    if name == "modes":
        labels = dict(Mode.choices)
        return ", ".join(str(labels.get(m, m)) for m in value)
    if name == "anonymous":
        return str(_("yes") if value else _("no"))
    if name == "target_index":
        return f"{value} %"
    return str(value)


class ResponseEvent(EventLog):
    """The log of a response: submission, edits (old and new answers, who, why), review."""

    subject_field = "response"
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="events")

    Meta = event_log_meta(
        "response",
        "uniq_response_event_seq",
        _("response event"),
        _("response events"),
        ordered=False,
    )


class PaperFormEvent(EventLog):
    """The log of a paper form: each keying (with its answers), the resolution."""

    subject_field = "form"
    form = models.ForeignKey(PaperForm, on_delete=models.PROTECT, related_name="events")

    Meta = event_log_meta(
        "form",
        "uniq_paper_event_seq",
        _("paper form event"),
        _("paper form events"),
        ordered=False,
    )


class AnswerFile(models.Model):
    """A file given to a questionnaire's file item, stored once by its content
    (files.store_answer_file). The row is written as soon as the file is stored, outside the
    submission's transaction, so an upload whose questionnaire is never submitted (abandoned,
    refused, replaced by another file) is still known: `files.clean_orphan_files` deletes
    the file and its row once `uploaded_at` is older than SURVEY_ORPHAN_FILE_HOURS and no
    response, response history or paper keying refers to it."""

    name = models.CharField(_("stored name"), max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    # the last time the file was uploaded (the same content given again renews it)
    uploaded_at = models.DateTimeField(_("uploaded at"), db_index=True)

    class Meta:
        verbose_name = _("answer file")
        verbose_name_plural = _("answer files")

    def __str__(self) -> str:
        return self.name


class PreparedAnswers(models.Model):
    """Tệp phiếu trả lời toàn tỉnh: every unit's raw answers of a campaign in one format (CSV,
    SPSS .sav, JSONL), built by a job (`answer_files.build_answers_file`) and kept in the
    file storage, because a province's file (Hà Nội: 12,000+ questionnaires, SPSS through
    pandas) is too slow to build inside a request. One row per campaign and format: preparing
    it again replaces the file. `answers_state` is the campaign's `figures_changes` when the
    file was read: a larger counter now means answers were recorded, reviewed or corrected
    since, and the page marks the file as out of date."""

    class Status(models.TextChoices):
        PREPARING = "PREPARING", _("Being prepared")
        READY = "READY", _("Ready")
        FAILED = "FAILED", _("Could not be prepared")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="prepared_answers"
    )
    format = models.CharField(_("file format"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = user_link(_("requested by"))
    # the stored file (none until the first build): its name in the file storage, not public
    file_name = models.CharField(_("stored name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    questionnaires = models.PositiveIntegerField(_("questionnaires"), null=True, blank=True)
    built_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    answers_state = models.PositiveBigIntegerField(default=0)
    failure = models.TextField(_("why it could not be prepared"), blank=True)

    class Meta:
        verbose_name = _("prepared answers file")
        verbose_name_plural = _("prepared answers files")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "format"], name="uniq_prepared_answers_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.format}"

    is_preparing = status_is(Status.PREPARING, doc="A job is building the file.")
    is_failed = status_is(Status.FAILED, doc="The last build found nothing to write.")

    @property
    def is_stale(self) -> bool:
        """Answers changed since the stored file was read (the campaign's counter moved on);
        the caller reads the campaign with the row (`select_related`)."""
        return bool(self.file_name) and self.campaign.figures_changes > self.answers_state
