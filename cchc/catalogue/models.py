"""The procedure catalogue (thủ tục hành chính, TTHC) as published in the national database.

About 22 published fields (Decision 31/QĐ-VPCP on the national TTHC database); seven are the
mandatory core the 766 "published in full" metric checks: name, steps, means of submission,
dossier components, deadline, applicant, implementing agency.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta, status_is
from cchc.core.text import fold, matches_folded, thousands
from cchc.core.validity import in_force_on


class Field(models.Model):
    """A field of state management (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("working days")
    WORKING_HOUR = "working_hour", _("working hours")
    SAME_DAY = "same_day", _("same day")


class OnlineLevel(models.TextChoices):
    # Decree 42/2022: full-process or partial online public service.
    FULL = "full", _("Full-process online")
    PARTIAL = "partial", _("Partial online")
    NONE = "none", _("Not online")


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        return self.filter(status=Procedure.Status.PUBLISHED)

    def valid_on(self, day: dt.date) -> ProcedureQuerySet:
        # a procedure without "valid from" has been in force since it was published
        return self.filter(in_force_on(day, open_start=True))

    def search(self, query: str) -> ProcedureQuerySet:
        """Diacritics-insensitive search: "thu tuc ho tich" finds "Thủ tục hộ tịch"; the code,
        the name, the field and the numbers of the decisions that published and amended the
        procedure ("1234/qd-ubnd", "Quyết định số 1234/QĐ-UBND")."""
        text = decision_query(query)
        condition = matches_folded("search_text", text)
        other_spelling = i_or_y(text)
        if other_spelling != text:
            condition |= matches_folded("search_text", other_spelling)
        return self.filter(condition)


# Words people put around a decision's number ("Quyết định số 1234/QĐ-UBND"), which the
# search text does not hold: left out of a query that names a decision.
_DECISION_WORDS = frozenset({"quyet", "dinh", "so", "qd"})
_DECISION_NUMBER = re.compile(r"\d+(?:/\d{4})?/qd-\S+")


# a syllable that ends in i or y after a consonant: "kí"/"ký", "lí"/"lý", "sĩ"/"sỹ", "mĩ"/"mỹ"
_I_OR_Y = re.compile(r"\b(k|l|m|s|t|h|v|d|qu)([iy])\b")


def i_or_y(text: str) -> str:
    """A folded query with the other spelling of its closed i/y syllables: "dang ki khai sinh"
    -> "dang ky khai sinh". Both are in use ("đăng kí" is taught in schools, "đăng ký" is in
    the published names), so a citizen who types one finds the other."""
    return _I_OR_Y.sub(lambda m: m[1] + ("y" if m[2] == "i" else "i"), text)


def decision_query(query: str | None) -> str:
    """A query as the search matches it: a decision's number written with spaces around its
    slashes ("1234 / QĐ - UBND") closed up, and, when the query names a decision, the words
    around the number dropped."""
    text = re.sub(r"\s*([/-])\s*", r"\1", fold(query))
    if _DECISION_NUMBER.search(text):
        text = " ".join(w for w in text.split() if w not in _DECISION_WORDS)
    return text


def procedure_search_text(
    code: str, name: str, field_name: str, publication_decision: str, amending_decisions: str
) -> str:
    """The folded text a procedure is found by (`ProcedureQuerySet.search`); an import that
    writes procedures in bulk computes it with this too."""
    return fold(f"{code} {name} {field_name} {publication_decision} {amending_decisions}")


class Procedure(models.Model):
    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        PUBLISHED = "PUBLISHED", _("Published")
        WITHDRAWN = "WITHDRAWN", pgettext_lazy("a procedure", "Withdrawn")

    code = models.CharField(
        _("national code"), max_length=40, unique=True, help_text=_("e.g. 2.000635")
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("field"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    processing_time = models.DecimalField(
        _("processing time"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    time_unit = models.CharField(
        _("time unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    has_fee = models.BooleanField(_("has fees or charges"), default=False)
    fee_amount = models.PositiveBigIntegerField(_("fee (phí), VND"), default=0)
    charge_amount = models.PositiveBigIntegerField(_("charge (lệ phí), VND"), default=0)
    fee_legal_basis = models.TextField(_("legal basis of fees"), blank=True)
    paper_result = models.BooleanField(_("result issued on paper"), default=True)
    result_description = models.TextField(_("result"), blank=True)
    applicant_types = models.CharField(_("applicants"), max_length=300, blank=True)
    submission_means = models.TextField(_("means of submission"), blank=True)
    steps_description = models.TextField(_("steps"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    number_of_copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    receiving_address = models.TextField(_("receiving address"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    publication_decision = models.CharField(_("publication decision"), max_length=200, blank=True)
    deciding_authority = models.CharField(_("deciding authority"), max_length=300, blank=True)
    validity = models.CharField(_("validity of the result"), max_length=200, blank=True)
    agencies = models.ManyToManyField(
        "agencies.Agency",
        blank=True,
        related_name="procedures",
        verbose_name=_("implementing agencies"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, help_text=_("date of the publication decision")
    )
    # the numbers of the decisions that amended the published procedure, oldest first, kept
    # by cchc.catalogue.services.update_procedure so that a clerk told "the procedure of
    # decision 1234/QĐ-UBND" finds it (the log keeps each decision with what it changed)
    amending_decisions = models.TextField(
        _("amending decisions"), blank=True, default="", editable=False
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    # until when an amendment of the time limit waits for the day its decision set: a
    # reception before it reads the terms in force from the log (terms_at); after it, and
    # when no amendment waits, the record's own values are in force (no log read)
    terms_pending_until = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_text = procedure_search_text(
            self.code,
            self.name,
            self.field.name if self.field is not None else "",
            self.publication_decision,
            self.amending_decisions,
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    is_published = status_is(Status.PUBLISHED)

    is_withdrawn = status_is(Status.WITHDRAWN)

    @property
    def total_fee(self) -> int:
        return int(self.fee_amount) + int(self.charge_amount)

    def terms_on(self, moment: dt.datetime) -> tuple[Decimal, str]:
        """The processing time and its unit in force at `moment`: a dossier keeps the terms in
        force when it was received, even after the procedure is edited. Today's values with
        every edit not yet in force at `moment` undone, newest first: an edit is in force from
        when it was saved, or from the day its amending decision set (the Chairman's decision
        may take effect later than it is recorded, `CatalogueChange.in_force_at`)."""
        amount, unit = Decimal(self.processing_time), str(self.time_unit)
        later = self.changes.filter(action=CatalogueChange.Action.UPDATE).filter(
            models.Q(at__gt=moment) | models.Q(data__decision__has_key="effective_from")
        )
        for change in later.order_by("-at", "-seq"):
            if change.in_force_at <= moment:
                continue
            data = change.data or {}
            old_time = data.get("processing_time")
            if isinstance(old_time, list) and len(old_time) == 2:
                amount = Decimal(str(old_time[0] if old_time[0] is not None else 0))
            old_unit = data.get("time_unit")
            if isinstance(old_unit, list) and len(old_unit) == 2 and old_unit[0]:
                unit = str(old_unit[0])
        return amount, unit

    def terms_at(self, moment: dt.datetime) -> tuple[Decimal, str]:
        """`terms_on(moment)`, without reading the log when the record's own values are in force
        at `moment`: nothing edited since and no amendment waiting for a later day (a
        reception, which is at or near now, reads the log only while an amendment waits)."""
        pending = self.terms_pending_until
        if (self.updated_at is None or moment >= self.updated_at) and (
            pending is None or moment >= pending
        ):
            return Decimal(self.processing_time), str(self.time_unit)
        return self.terms_on(moment)

    def pending_amendments(self, now: dt.datetime | None = None) -> list[CatalogueChange]:
        """The recorded amendments whose decision takes effect on a day still to come, oldest
        first (the record page says "amendment in force from …" while they wait)."""
        now = now or timezone.now()
        rows = self.changes.filter(
            action=CatalogueChange.Action.UPDATE, data__decision__has_key="effective_from"
        ).order_by("at", "seq")
        return [c for c in rows if c.in_force_at > now]

    def missing_core_fields(self) -> list[str]:
        """Which of the seven mandatory published fields are empty (766 PUBLIC_CONTENT_FULL)."""
        missing = []
        if not self.name:
            missing.append("name")
        if not self.steps_description and not self.step_templates.exists():
            missing.append("steps")
        if not self.submission_means:
            missing.append("means")
        if not self.required_documents.exists():
            missing.append("documents")
        if self.time_unit != TimeUnit.SAME_DAY and not self.processing_time:
            missing.append("deadline")
        if not self.applicant_types:
            missing.append("applicant")
        if not self.agencies.exists():
            missing.append("agency")
        return missing


def template_path(instance: RequiredDocument, filename: str) -> str:
    return f"catalogue/templates/{instance.procedure_id}/{filename[-80:]}"


class RequiredDocument(models.Model):
    """A dossier component (thành phần hồ sơ), optionally with the blank form (mẫu đơn, tờ
    khai) the applicant fills in, published with the procedure (Decision 31/QĐ-VPCP: forms
    are one of the published fields). The file passes the shared upload check
    (cchc.core.uploads) and is written only by `cchc.catalogue.services`."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="required_documents"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    form_name = models.CharField(_("form / template"), max_length=200, blank=True)
    template_file = models.FileField(
        _("template file"), upload_to=template_path, max_length=300, blank=True
    )
    template_content_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_template(self) -> bool:
        return bool(self.template_file)

    @property
    def template_download_name(self) -> str:
        """The name the browser saves: the form's name (or the component's) and the extension
        of the stored file, which the upload check derived from the content."""
        stem = (self.form_name or self.name)[:120]
        stored = self.template_file.name or ""
        suffix = stored.rsplit(".", 1)[-1] if "." in stored else ""
        return f"{stem}.{suffix}" if suffix else stem


class StepTemplate(models.Model):
    """One step of an (inter-agency) procedure with its own time budget in working hours.

    `agency` empty means "the competent agency of the dossier".
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="step_templates"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=300)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_hours = models.DecimalField(_("working hours"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="uniq_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CatalogueChange(EventLog):
    """The log of a procedure's record on the event core (append-only, hash-chained): every
    change to the catalogue, naming the actor (who changed what, when), with the fields' old
    and new values in `data`. Written only by `cchc.catalogue.services` (a person's edit, or
    an import's in bulk)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Edited")
        PUBLISH = "publish", _("Published")
        WITHDRAW = "withdraw", pgettext_lazy("a procedure", "Withdrawn")

    subject_field: ClassVar[str] = "procedure"
    chained_fields = ("procedure_code",)
    action_labels: ClassVar[dict[str, Any]] = dict(Action.choices)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="changes")
    procedure_code = models.CharField(_("national code"), max_length=40)

    Meta = event_log_meta(
        "procedure",
        "uniq_catalogue_change_seq",
        _("catalogue change"),
        _("catalogue changes"),
        ordering=["-at", "-seq"],
    )

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.action}"

    @property
    def effective_from(self) -> dt.date | None:
        """The day the amending decision set for this edit to take effect, if it set one."""
        decision = (self.data or {}).get("decision")
        value = decision.get("effective_from") if isinstance(decision, dict) else None
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @property
    def in_force_at(self) -> dt.datetime:
        """When the edit took (or takes) effect: when it was saved, or the start of the day
        (in the province's time) its decision set, whichever is later."""
        day = self.effective_from
        if day is None:
            return self.at
        start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
        return max(self.at, start)

    @property
    def is_pending(self) -> bool:
        return self.in_force_at > timezone.now()

    def amending_decision(self) -> str:
        """ "amending decision 55/QĐ-UBND of 02/03/2026", empty when the row has none."""
        value = (self.data or {}).get("decision")
        if not isinstance(value, dict):
            return ""
        return str(
            _("amending decision %(number)s of %(day)s")
            % {
                "number": value.get("number", ""),
                "day": _shown_field("announced_on", value.get("signed_on")),
            }
        )

    def decision_summary(self) -> str:
        """The decision that brought the row, as the history's "decision" column says it: the
        amending decision of an edit (and the day it takes effect), the publication decision
        of a publication; empty for a draft's edit or an import."""
        data = self.data or {}
        if self.action == self.Action.PUBLISH and data.get("publication_decision"):
            return str(
                _("publication decision %(number)s of %(day)s")
                % {
                    "number": data["publication_decision"],
                    "day": _shown_field("announced_on", data.get("announced_on")),
                }
            )
        if isinstance(data.get("decision"), dict):
            return self.summary()[0]
        return ""

    def field_summary(self, names: dict[str, dict[str, str]] | None = None) -> list[str]:
        """The fields the row changed, one line each ("processing time: 3 → 5"), without its
        decision (`decision_summary`). `names`: the names of the codes the log keeps, by
        field ("agencies": {"H26.02": "Sở Xây dựng"}, "field": {...}), so a reader sees
        "Sở Xây dựng", not "H26.02"."""
        if self.action == self.Action.PUBLISH:
            return []
        lines = self.summary(names)
        return lines[1:] if isinstance((self.data or {}).get("decision"), dict) else lines

    def summary(self, names: dict[str, dict[str, str]] | None = None) -> list[str]:
        """What the row changed, as the procedure's history shows it: each field by its
        name, with its old and new values for an edit (an import's or a person's)."""
        out = []
        # the decision first, then its date (PostgreSQL's jsonb does not keep the keys' order)
        items = sorted((self.data or {}).items(), key=lambda kv: LEADING_KEYS.get(kv[0], 9))
        for key, value in items:
            if key == "decision" and isinstance(value, dict):
                # the decision of the province that brought an edit of a published procedure
                line = self.amending_decision()
                if value.get("effective_from"):
                    line = _("%(decision)s, in force from %(day)s") % {
                        "decision": line,
                        "day": _shown_field("announced_on", value["effective_from"]),
                    }
                out.append(line)
                continue
            if key in LIST_CHANGE_LABELS:
                name = str(LIST_CHANGE_LABELS[key])
            else:
                try:
                    name = str(getattr(Procedure._meta.get_field(key), "verbose_name", key))
                except FieldDoesNotExist:
                    name = key
            if key in ("documents", "templates"):
                # a note that the list changed (and which forms), not an old/new pair
                out.append(f"{name}: {_shown(value)}" if key == "templates" else name)
            elif (
                self.action == self.Action.UPDATE
                and isinstance(value, list)
                and len(value) == 2
                # older rows kept only the new steps, an import only the new agencies:
                # a list of names, not an old/new pair of lists
                and (key not in ("steps", "agencies") or all(isinstance(v, list) for v in value))
            ):
                old, new = (_shown_field(key, v, (names or {}).get(key)) for v in value)
                out.append(f"{name}: {old} → {new}")
            elif value in (None, "", [], {}) or (
                self.action == self.Action.CREATE and value in (0, False)
            ):
                continue  # a field the new record left empty, a publication without a date
            elif self.action == self.Action.PUBLISH:
                out.append(f"{name}: {_shown_field(key, value)}")
            elif (
                self.action == self.Action.CREATE
                and key == "steps"
                and isinstance(value, list)
                and len(value) == 2
                and isinstance(value[1], list)
            ):
                out.append(f"{name}: {_shown(value[1])}")  # the steps it was filed with
            elif self.action == self.Action.CREATE and key not in ("steps", "required_documents"):
                # what the new record was filled with, not only which fields
                shown = _shown_field(key, value, (names or {}).get(key))
                if len(shown) > CREATED_VALUE_CHARS:
                    shown = shown[: CREATED_VALUE_CHARS - 1].rstrip() + "…"
                out.append(f"{name}: {shown}")
            else:
                out.append(name)
        return out


MONEY_FIELDS = ("fee_amount", "charge_amount")
# what a history line names first: the decision that brought the change, then its date
LEADING_KEYS = {"decision": 0, "publication_decision": 1, "announced_on": 2}
DATE_FIELDS = ("valid_from", "valid_to", "announced_on")
CHOICE_FIELDS: dict[str, type[models.TextChoices]] = {
    "time_unit": TimeUnit,
    "online_level": OnlineLevel,
    "status": Procedure.Status,
}
# a long text filled in a new record is shown in the history up to this many characters
CREATED_VALUE_CHARS = 120

# The lists a change may touch besides the record's own fields (cchc.catalogue.services).
LIST_CHANGE_LABELS = {
    "documents": _("dossier components"),
    "required_documents": _("dossier components"),  # an import's: old and new names
    "templates": _("template file"),
    "steps": _("processing steps"),
}


def _shown_field(key: str, value: object, names: dict[str, str] | None = None) -> str:
    """An old or new value of the field `key` as the record page writes it: đồng grouped by
    dots, a time limit with a decimal comma ("0,5"), a date as dd/mm/yyyy."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if names and isinstance(value, str):
        return names.get(value, value)
    if names and isinstance(value, list):
        return _shown([names.get(v, v) if isinstance(v, str) else v for v in value])
    choices = CHOICE_FIELDS.get(key)
    if choices is not None and isinstance(value, str) and value in choices.values:
        # a unit or a level by its name, not its stored code ("working_day")
        return str(choices(value).label)
    if key in MONEY_FIELDS and isinstance(value, int):
        return thousands(value)
    if key == "processing_time" and isinstance(value, str | int | float):
        return str(value).replace(".", ",")
    if key in DATE_FIELDS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return _shown(value)


def _shown(value: object) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
