"""Where every point of a total went: a pure reading of an AgencyScore against its scheme.

The engine (cchc.indices.engine) adds nothing for a metric it does not score — empty
denominator under the "null" rule, or no data on the platform (a None counter) — and the
maximum stays 100: such a metric's maximum is not taken out of the denominator, so its
points are lost like a 0 score (domain.md §5: "points out of 100"). A group's total is
capped at the group's maximum, and the metrics of a group may add up to more than it (the
online-payment metrics reach 6 + 2 + 2,5 = 10,5 against a group maximum of 10): what lies
above the cap is never a loss.

For each group, then:
    Σ scores + Σ lost (scored) + Σ maxima of unscored metrics = Σ metric maxima
    Σ metric maxima − above_cap = group maximum = group score + group lost
and the group maxima add up to the scheme's maximum (100).
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.indices.engine import AgencyScore, SchemeSpec, round2

NO_DATA, NOT_SCORED = "no_data", "not_scored"


@dataclass(frozen=True)
class MetricPoints:
    code: str
    max_points: float
    score: float | None
    lost: float  # max − score of a scored metric; 0 when unscored (see `unscored`)
    unscored: float  # the whole maximum of a metric not scored or without data, else 0
    reason: str = ""  # NO_DATA | NOT_SCORED | ""


@dataclass(frozen=True)
class GroupPoints:
    code: str
    max_points: float  # the group's cap
    metrics_max: float  # what its metrics add up to (may exceed the cap)
    score: float
    lost: float  # max_points − score
    above_cap: float  # points of the metrics' losses that the cap absorbs (never lost)
    metrics: tuple[MetricPoints, ...]


def account(spec: SchemeSpec, score: AgencyScore) -> list[GroupPoints]:
    """Every group's and metric's points, scored, lost, unscored and above the cap."""
    out = []
    for g_spec, g in zip(spec.groups, score.groups, strict=True):
        metrics = []
        for m_spec, m in zip(g_spec.metrics, g.metrics, strict=True):
            maximum = float(m_spec.max_points)
            if m.score is None:
                reason = NO_DATA if m.no_data else NOT_SCORED
                metrics.append(MetricPoints(m.code, maximum, None, 0.0, maximum, reason))
            else:
                metrics.append(
                    MetricPoints(m.code, maximum, m.score, round2(maximum - m.score), 0.0)
                )
        metrics_max = round2(sum(m.max_points for m in metrics))
        lost = round2(float(g_spec.max_points) - g.score)
        accounted = sum(m.lost + m.unscored for m in metrics)
        out.append(
            GroupPoints(
                g.code,
                float(g_spec.max_points),
                metrics_max,
                g.score,
                lost,
                round2(accounted - lost),
                tuple(metrics),
            )
        )
    return out
