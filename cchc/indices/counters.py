"""The counter vocabulary metric rows refer to, and the evidence behind each counter.

A metric names a numerator and a denominator counter; the evidence of a metric × agency ×
period is the list of items (dossiers, procedures, petitions) in the numerator and those in
the denominator but not in the numerator, with the points the latter cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.indices.engine import MetricSpec, SchemeSpec, metric_points, score_group
from cchc.indices.labels import PROCEDURE_COUNTER_LABELS
from cchc.indices.models import DossierFact, PetitionFact
from cchc.indices.periods import Period
from cchc.indices.summaries import cutoff_for, on_time_q, petition_on_time_q, procedure_flags

DOSSIER, PROCEDURE, PETITION, NONE = "dossier", "procedure", "petition", "none"

# counter -> (source, predicate on the source's facts given the cutoff, description)
DOSSIER_COUNTERS: dict[str, tuple[Callable[[dt.datetime], Q], Any]] = {
    "received": (lambda c: Q(), _("dossiers received in the period")),
    "online": (lambda c: Q(online=True), _("dossiers submitted online")),
    "synced": (lambda c: Q(synced=True), _("dossiers synchronised to the national portal")),
    "fee_owed": (lambda c: Q(fee_owed=True), _("dossiers owing fees or charges")),
    "paid_online": (lambda c: Q(paid_online=True), _("dossiers paid online")),
    "resolved": (lambda c: Q(resolved=True), _("dossiers with a result")),
    "electronic_result": (
        lambda c: Q(electronic_result=True),
        _("dossiers with an electronic result"),
    ),
    "digitized": (lambda c: Q(digitized=True), _("dossiers digitised")),
    "reused": (lambda c: Q(reused=True), _("dossiers reusing digitised data")),
    "population_data": (
        lambda c: Q(population_data=True),
        _("dossiers using the population database"),
    ),
    "storage_linked": (
        lambda c: Q(storage_linked=True),
        _("digitised dossiers shared with the national portal"),
    ),
    "on_time": (on_time_q, _("dossiers handled on time")),
    "late": (lambda c: ~on_time_q(c), _("late dossiers")),
    "satisfied": (
        lambda c: on_time_q(c) & Q(complained=False),
        _("dossiers on time without a petition or a dislike"),
    ),
}
PETITION_COUNTERS: dict[str, tuple[Callable[[dt.datetime], Q], Any]] = {
    "petitions": (lambda c: Q(), _("petitions received in the period")),
    "petitions_on_time": (petition_on_time_q, _("petitions handled on time")),
    "petitions_satisfied": (
        lambda c: Q(satisfied=True),
        _("petitions without more dislikes than likes"),
    ),
    "petitions_tthc": (lambda c: Q(category="TTHC"), _("petitions about procedures")),
    "petitions_staff": (lambda c: Q(category="CANBO"), _("petitions about officials' conduct")),
}


def source_of(counter: str) -> str:
    if counter in DOSSIER_COUNTERS:
        return DOSSIER
    if counter in PETITION_COUNTERS:
        return PETITION
    if counter.startswith(("procedures_", "online_services")):
        return PROCEDURE
    return NONE


def describe(counter: str) -> str:
    """The counter's label in the active language (cchc.indices.labels for procedure counters);
    an unknown counter shows its code, never an English phrase made from it."""
    for table in (DOSSIER_COUNTERS, PETITION_COUNTERS):
        if counter in table:
            return str(table[counter][1])
    label = PROCEDURE_COUNTER_LABELS.get(counter)
    return str(label) if label is not None else counter


@dataclass
class Evidence:
    metric: MetricSpec
    source: str
    numerator: list[Any] | QuerySet
    missing: list[Any] | QuerySet  # in the denominator, not in the numerator
    numerator_count: int
    denominator_count: int
    score: float | None
    points_lost: float

    @property
    def missing_count(self) -> int:
        return self.denominator_count - self.numerator_count


def _facts(source: str, agency_id: int, period: Period) -> QuerySet:
    model = DossierFact if source == DOSSIER else PetitionFact
    qs = model.objects.filter(
        agency_id=agency_id, received_on__gte=period.start, received_on__lte=period.end
    )
    if source == DOSSIER:
        return (
            qs.select_related("dossier", "procedure")
            .only(
                "dossier_id",
                "received_at",
                "due_at",
                "end_at",
                "supplement_count",
                "too_many_supplements",
                "dossier__code",
                "dossier__status",
                "procedure__code",
                "procedure__name",
            )
            .order_by(*EVIDENCE_ORDER)
        )
    return qs.order_by(*EVIDENCE_ORDER)


# received_at order; received_on (its local date) first, so the (agency, received_on) index
# yields the rows in order and a page of 50 stops early instead of sorting the whole month
EVIDENCE_ORDER = ("received_on", "received_at", "pk")


def evidence(
    spec: SchemeSpec,
    metric_code: str,
    agency_id: int,
    period: Period,
    *,
    publish_within_days: int | None = None,
    now: dt.datetime | None = None,
) -> Evidence:
    if publish_within_days is None:  # the scheme version's own (as scoring reads it)
        publish_within_days = int(spec.params.get("publish_within_days", 5))
    group, metric = spec.metric(metric_code)
    source = source_of(metric.denominator)
    cutoff = cutoff_for(period, now)
    if source in (DOSSIER, PETITION):
        table = DOSSIER_COUNTERS if source == DOSSIER else PETITION_COUNTERS
        base = _facts(source, agency_id, period).filter(table[metric.denominator][0](cutoff))
        num_q = table[metric.numerator][0](cutoff) if metric.numerator in table else Q(pk__in=[])
        numerator, missing = base.filter(num_q), base.exclude(num_q)
        num_count, den_count = numerator.count(), base.count()
    elif source == PROCEDURE:
        numerator, missing = [], []
        for _agency, proc, names in procedure_flags(period, [agency_id], publish_within_days):
            if metric.denominator in names:
                (numerator if metric.numerator in names else missing).append(proc)
        num_count, den_count = len(numerator), len(numerator) + len(missing)
    else:
        # figures entered by hand (cchc.indices.figures): none entered = no data, not 0/0
        from cchc.indices.figures import entered_counters

        entered = entered_counters(period, [agency_id])[agency_id]
        num, den = entered.get(metric.numerator), entered.get(metric.denominator)
        numerator, missing = [], []
        if num is None or den is None:
            return Evidence(metric, source, numerator, missing, 0, 0, None, 0.0)
        num_count, den_count = num, den
    result = score_group(group, {}, {metric.code: (num_count, den_count)})
    score = next(m.score for m in result.metrics if m.code == metric.code)
    full = metric_points(metric, den_count, den_count) if den_count else None
    lost = round(max(0.0, (full or 0.0) - (score or 0.0)), 2) if den_count else 0.0
    return Evidence(metric, source, numerator, missing, num_count, den_count, score, lost)
