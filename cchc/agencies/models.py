"""Administrative units (provinces, communes, historical districts) and agencies.

Since 1 July 2025: 34 provincial units and 3,321 communes, no district level (Resolution
202/2025/QH15). Units and agencies are dated and a merged unit names its successors, so old
dossiers and old rankings still resolve.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.agencies import hours
from cchc.core.events import EventLog
from cchc.core.models import event_log_meta
from cchc.core.validity import in_force_on, is_in_force


class UnitLevel(models.TextChoices):
    PROVINCE = "PROVINCE", _("Province / centrally-run city")
    DISTRICT = "DISTRICT", _("District (historical)")
    COMMUNE = "COMMUNE", _("Commune / ward / special zone")


class AdministrativeUnit(models.Model):
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    valid_from = models.DateField(_("valid from"), default=dt.date(2025, 7, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="uniq_unit_level_code")
        ]
        ordering = ["province_code", "level", "name"]

    def __str__(self) -> str:
        return self.name


class AgencyLevel(models.TextChoices):
    PROVINCE_AGENCY = "PROVINCE_AGENCY", _("Provincial department (sở, ban, ngành)")
    PROVINCE_CENTRE = "PROVINCE_CENTRE", _("Public Administration Service Centre")
    COMMUNE = "COMMUNE", _("Commune people's committee")
    DISTRICT = "DISTRICT", _("District (historical)")
    CENTRAL_AGENCY = "CENTRAL_AGENCY", _("Central agency located in the province")


class RankingGroup(models.Model):
    """Agencies are ranked against the others of their group (Đà Nẵng ranks 3 groups)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ranking group")
        verbose_name_plural = _("ranking groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet["Agency"]):
    def valid_on(self, day: dt.date) -> AgencyQuerySet:
        return self.filter(in_force_on(day))

    def current(self) -> AgencyQuerySet:
        return self.valid_on(dt.date.today())  # noqa: DTZ011 - a calendar date, not a moment

    def in_province(self, province_code: str) -> AgencyQuerySet:
        return self.filter(province_code=province_code)


class Agency(models.Model):
    """An agency that handles procedures (cơ quan giải quyết TTHC)."""

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("e.g. H26.100"))
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    group = models.ForeignKey(
        RankingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="agencies"
    )
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agencies",
        verbose_name=_("administrative unit"),
    )
    identity_code = models.CharField(
        _("identity code"),
        max_length=20,
        blank=True,
        help_text=_("V1V2V3.Z1Z2.Y1Y2.MX1X2 part of dossier codes, e.g. 000.00.01.H26"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # giờ tiếp nhận hồ sơ: [[weekday, "HH:MM", "HH:MM"], ...], weekday 0 = Monday (see hours.py)
    reception_hours = models.JSONField(_("reception hours"), default=list, blank=True)
    reception_note = models.CharField(
        _("note on reception hours"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Nghỉ các ngày lễ, Tết theo quy định"),
    )
    valid_from = models.DateField(_("valid from"), default=dt.date(2025, 7, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def dossier_code_prefix(self) -> str:
        return self.identity_code or self.code

    def reception_periods(self) -> list[hours.Period]:
        """The reception hours as periods (`hours.Period`), by day and start."""
        return hours.from_data(self.reception_hours)

    def is_valid_on(self, day: dt.date) -> bool:
        return is_in_force(self.valid_from, self.valid_to, day)

    def resolve_current(self, on: dt.date | None = None) -> list[Agency]:
        """The agencies that carry on this one on `on` (itself if still valid).

        A merged pre-2025 district resolves to its successors, following chains.
        """
        on = on or dt.date.today()  # noqa: DTZ011
        if self.is_valid_on(on):
            return [self]
        seen: set[int] = {self.pk}
        frontier = list(self.successors.all())
        result: list[Agency] = []
        while frontier:
            agency = frontier.pop(0)
            if agency.pk in seen:
                continue
            seen.add(agency.pk)
            if agency.is_valid_on(on):
                result.append(agency)
            else:
                frontier.extend(agency.successors.all())
        return result


class AgencyEvent(EventLog):
    """Every change to an agency's record: created or changed by an import (agencies.csv) or
    in the administration site, with `{field: [old, new]}` in `data`. Who handles a dossier,
    where a unit ranks and which unit a figure belongs to follow from these records: none
    changes without a trace of who changed it."""

    subject_field: ClassVar[str] = "agency"
    action_labels: ClassVar[dict[str, Any]] = {
        "create": _("Created"),
        "update": _("Changed"),
        "merge": _("Merged into a successor"),
        "hours": _("Reception hours changed"),
    }
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="events", verbose_name=_("agency")
    )

    Meta = event_log_meta(
        "agency", "uniq_agency_event_seq", _("agency change"), _("agency changes")
    )


def agency_link(
    verbose_name: Any = None, related_name: str = "+", **options: Any
) -> models.ForeignKey[Any, Any]:
    """A register's link to an agency: protected, since an agency that records name is never
    deleted (it is closed with valid_to and successors instead)."""
    return models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )
