"""Scoring: a pure function of integer counters and a scheme version.

Nothing here knows a scheme or a metric code. A version is read once into plain frozen
dataclasses (`SchemeSpec`); `score_agency(spec, counters)` turns the counters of one agency
and period into points.

Formula kinds (a closed set; a metric picks one):
- "ratio":      points = max × min(1, (num/den) / threshold)
- "complement": points = max × min(1, (1 − num/den) / threshold)
A group's total is min(group max, Σ metric points), each metric rounded to 2 decimals first
when the group says so (domain.md §5: summing unrounded scores drifts by up to 0.02). A
capped linear combination of ratios (e.g. 6A + min(2, 2.5B) + 2.5C) is a group of "ratio"
metrics whose maxima and thresholds give the weights and caps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

EMPTY_ZERO, EMPTY_FULL, EMPTY_NULL = "zero", "full", "null"
KINDS = ("ratio", "complement")


@dataclass(frozen=True)
class MetricSpec:
    code: str
    name: str
    max_points: float
    threshold: float = 1.0
    empty_rule: str = EMPTY_NULL
    kind: str = "ratio"
    numerator: str = ""
    denominator: str = ""
    confirmed: bool = False
    portal_numerator: str = ""
    portal_denominator: str = ""

    @property
    def label(self) -> str:
        """What pages and exports show: the translated label of the code (cchc.indices.labels),
        else the version row's name."""
        from cchc.indices.labels import metric_label

        return metric_label(self.code, self.name)


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    max_points: float
    metrics: tuple[MetricSpec, ...]
    round_metrics: bool = True
    portal_report: str = ""
    portal_layout: str = "metrics"
    portal_score_field: str = ""

    @property
    def label(self) -> str:
        from cchc.indices.labels import group_label

        return group_label(self.code, self.name)

    @property
    def confirmed(self) -> bool:
        return all(m.confirmed for m in self.metrics)


@dataclass(frozen=True)
class SchemeSpec:
    scheme: str
    version: str
    legal_source: str
    groups: tuple[GroupSpec, ...]
    params: Mapping = field(default_factory=dict)
    scheme_name: str = ""  # the Scheme row's name (the code is for machines)

    @property
    def title(self) -> str:
        """The methodology in words for pages and exports: the scheme's name and its version,
        never the raw code and version."""
        from django.utils.translation import gettext

        return gettext("%(name)s, version %(version)s") % {
            "name": self.scheme_name or self.scheme,
            "version": self.version,
        }

    @property
    def max_points(self) -> float:
        return sum(g.max_points for g in self.groups)

    @property
    def largest_group_points(self) -> float:
        """The largest group's maximum: the top of the charts' group axis."""
        return max((g.max_points for g in self.groups), default=0.0)

    def group(self, code: str) -> GroupSpec:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def metric(self, code: str) -> tuple[GroupSpec, MetricSpec]:
        for g in self.groups:
            for m in g.metrics:
                if m.code == code:
                    return g, m
        raise KeyError(code)


@dataclass(frozen=True)
class MetricScore:
    code: str
    numerator: int | None
    denominator: int | None
    score: float | None  # None: not scored (empty denominator under the "null" rule)
    max_points: float
    ratio: float | None
    # the platform holds no data for a counter of this metric (a None counter): shown as
    # "no data - enter or import the figure", adding 0 points, never invented full marks
    no_data: bool = False

    @property
    def points(self) -> float:
        return self.score or 0.0


@dataclass(frozen=True)
class GroupScore:
    code: str
    score: float
    max_points: float
    metrics: tuple[MetricScore, ...]


@dataclass(frozen=True)
class AgencyScore:
    total: float
    groups: tuple[GroupScore, ...]

    def group(self, code: str) -> GroupScore:
        return next(g for g in self.groups if g.code == code)


def round2(value: float) -> float:
    """Round half up to 2 decimals (the portal's display rounding), free of float artefacts
    (2.675 → 2.68 although 2.675 is stored as 2.67499…)."""
    if value >= 0:
        return math.floor(value * 100 + 0.5 + 1e-9) / 100
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def metric_points(
    metric: MetricSpec, numerator: int | None, denominator: int | None
) -> float | None:
    """Unrounded points of one metric; None when not scored."""
    if not denominator:
        if metric.empty_rule == EMPTY_FULL:
            return float(metric.max_points)
        if metric.empty_rule == EMPTY_ZERO:
            return 0.0
        return None
    ratio = (numerator or 0) / denominator
    ratio = min(1.0, max(0.0, ratio))
    if metric.kind == "complement":
        ratio = 1.0 - ratio
    elif metric.kind != "ratio":
        raise ValueError(f"unknown formula kind {metric.kind!r}")
    threshold = metric.threshold if metric.threshold > 0 else 1.0
    return float(metric.max_points) * min(1.0, ratio / threshold)


def score_group(
    group: GroupSpec,
    counters: Mapping[str, int | None],
    values: Mapping[str, tuple[int | None, int | None]] | None = None,
) -> GroupScore:
    """Score a group from named counters (or, for reconciliation, from explicit
    (numerator, denominator) pairs per metric code in `values`)."""
    results = []
    total = 0.0
    for metric in group.metrics:
        if values is not None:
            num, den = values.get(metric.code, (None, None))
        else:
            num, den = counters.get(metric.numerator, 0), counters.get(metric.denominator, 0)
            if num is None or den is None:
                # no data on our side (counters.NO_DATA): neither a score nor the empty rule
                results.append(
                    MetricScore(metric.code, None, None, None, float(metric.max_points), None, True)
                )
                continue
        raw = metric_points(metric, num, den)
        shown = None if raw is None else round2(raw)
        if raw is not None:
            total += shown if group.round_metrics else raw  # type: ignore[operator]
        ratio = None if not den else (num or 0) / den
        results.append(MetricScore(metric.code, num, den, shown, float(metric.max_points), ratio))
    total = min(float(group.max_points), total)
    return GroupScore(group.code, round2(total), float(group.max_points), tuple(results))


def score_agency(spec: SchemeSpec, counters: Mapping[str, int | None]) -> AgencyScore:
    groups = tuple(score_group(g, counters) for g in spec.groups)
    return AgencyScore(round2(sum(g.score for g in groups)), groups)


def spec_from_version(version) -> SchemeSpec:  # type: ignore[no-untyped-def]
    """Read a SchemeVersion row (with its groups and metrics) into a SchemeSpec."""
    groups = []
    for g in version.groups.order_by("order").prefetch_related("metrics"):
        metrics = tuple(
            MetricSpec(
                code=m.code,
                name=m.name,
                max_points=float(m.max_points),
                threshold=float(m.threshold),
                empty_rule=m.empty_rule,
                kind=m.kind,
                numerator=m.numerator,
                denominator=m.denominator,
                confirmed=m.confirmed,
                portal_numerator=m.portal_numerator,
                portal_denominator=m.portal_denominator,
            )
            for m in sorted(g.metrics.all(), key=lambda m: m.order)
        )
        groups.append(
            GroupSpec(
                code=g.code,
                name=g.name,
                max_points=float(g.max_points),
                metrics=metrics,
                round_metrics=g.round_metrics,
                portal_report=g.portal_report,
                portal_layout=g.portal_layout,
                portal_score_field=g.portal_score_field,
            )
        )
    return SchemeSpec(
        version.scheme.code,
        version.version,
        version.legal_source,
        tuple(groups),
        dict(version.params),
        version.scheme.name,
    )


def load_spec(scheme_code: str, on) -> SchemeSpec:  # type: ignore[no-untyped-def]
    from cchc.indices.models import SchemeVersion

    version = SchemeVersion.objects.select_related("scheme").in_force(scheme_code, on)
    return spec_from_version(version)


def derivation(metric: MetricSpec, result: MetricScore, spec: SchemeSpec) -> list[str]:
    """Plain-language lines: formula, values, version (shown next to a score)."""
    from django.utils.formats import number_format

    def num(value: float, places: int | None = None) -> str:
        # the reader's notation (86,11 in Vietnamese), as every other number on the page
        if places is None:
            places = 0 if float(value).is_integer() else len(f"{value:g}".split(".")[-1])
        return number_format(value, places)

    thr = f" / {num(metric.threshold)}" if metric.threshold != 1 else ""
    inner = "1 − t/m" if metric.kind == "complement" else "t/m"
    lines = [f"{num(metric.max_points)} × min(1, ({inner}){thr})"]
    if result.no_data:
        from cchc.indices.labels import NO_DATA_LABEL

        lines.append(str(NO_DATA_LABEL))
    elif result.denominator:
        lines.append(
            f"t = {result.numerator}, m = {result.denominator} → "
            f"{num((result.ratio or 0) * 100, 2)}%"
        )
    else:
        from cchc.indices.labels import EMPTY_RULE_LABELS

        lines.append(f"m = 0 → {EMPTY_RULE_LABELS.get(metric.empty_rule, metric.empty_rule)}")
    lines.append(
        f"= {'—' if result.score is None else num(result.score, 2)} / {num(metric.max_points)}"
    )
    lines.append(f"{spec.title}: {spec.legal_source}")
    return lines
