"""The scoring engine: a pure function of counters and the scheme version's data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.indices.engine import (
    GroupSpec,
    MetricSpec,
    SchemeSpec,
    load_spec,
    metric_points,
    round2,
    score_agency,
    score_group,
)
from cchc.indices.tests.conftest import QD766_GROUPS

maxes = st.sampled_from([0.0, 2.0, 2.5, 4.0, 6.0, 20.0])
thresholds = st.sampled_from([0.5, 0.8, 0.9, 1.0])
kinds = st.sampled_from(["ratio", "complement"])


@st.composite
def fractions(draw):
    den = draw(st.integers(min_value=1, max_value=10**7))
    num = draw(st.integers(min_value=0, max_value=den))
    return num, den


@given(maxes, thresholds, kinds, fractions())
def test_points_are_bounded(mx, thr, kind, frac):
    m = MetricSpec("X", "x", mx, thr, "null", kind)
    points = metric_points(m, *frac)
    assert 0.0 <= points <= mx + 1e-9


@given(maxes, thresholds, fractions(), st.integers(min_value=0, max_value=1000))
def test_more_in_the_numerator_never_lowers_the_score(mx, thr, frac, extra):
    num, den = frac
    m = MetricSpec("X", "x", mx, thr, "null", "ratio")
    assert metric_points(m, min(den, num + extra), den) >= metric_points(m, num, den) - 1e-12
    c = MetricSpec("X", "x", mx, thr, "null", "complement")
    assert metric_points(c, min(den, num + extra), den) <= metric_points(c, num, den) + 1e-12


@given(maxes, thresholds, fractions())
def test_full_marks_at_and_above_the_threshold(mx, thr, frac):
    num, den = frac
    m = MetricSpec("X", "x", mx, thr, "null", "ratio")
    points = metric_points(m, num, den)
    if num / den >= thr:
        assert points == pytest.approx(mx)
    else:
        assert points < mx or mx == 0
        assert points == pytest.approx(mx * (num / den) / thr)


@pytest.mark.parametrize(("rule", "expected"), [("zero", 0.0), ("full", 6.0), ("null", None)])
def test_empty_denominator_rules(rule, expected):
    assert metric_points(MetricSpec("X", "x", 6, 1, rule), 0, 0) == expected
    assert metric_points(MetricSpec("X", "x", 6, 1, rule), None, None) == expected


@given(st.lists(st.tuples(maxes, thresholds, fractions()), min_size=1, max_size=6), st.booleans())
def test_group_total_is_capped_sum_of_rounded_scores(parts, rounded):
    metrics = tuple(
        MetricSpec(f"M{i}", "m", mx, thr, "null", "ratio", f"n{i}", f"d{i}")
        for i, (mx, thr, _) in enumerate(parts)
    )
    counters = {}
    for i, (_, _, (num, den)) in enumerate(parts):
        counters[f"n{i}"], counters[f"d{i}"] = num, den
    group = GroupSpec("g", "g", 10.0, metrics, round_metrics=rounded)
    result = score_group(group, counters)
    assert 0 <= result.score <= 10.0
    if rounded:
        assert result.score == round2(min(10.0, sum(round2(m.score) for m in result.metrics)))
    assert all(m.score == round2(m.score) for m in result.metrics)


def test_round2_is_half_up():
    assert round2(1.005) == 1.01
    assert round2(2.675) == 2.68
    assert round2(0.004999) == 0.0


@pytest.mark.django_db
def test_seeded_scheme_is_data_and_sums_to_100():
    spec = load_spec("qd766", __import__("datetime").date(2026, 9, 1))
    assert isinstance(spec, SchemeSpec)
    assert spec.max_points == 100
    assert [g.code for g in spec.groups] == QD766_GROUPS
    assert {g.code for g in spec.groups if not g.confirmed} == {"online"}
    # an agency with nothing at all: progress 0, satisfaction 12 (petitions full, dossiers 0), digitisation 2
    result = score_agency(spec, {})
    assert result.group("progress").score == 0
    assert result.group("satisfaction").score == 12
    assert result.group("digitization").score == 2


def test_scoring_code_never_names_a_scheme_or_metric():
    """Rules are data: the engine, summaries, scoring and refresh modules must not branch on codes."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for name in (
        "engine.py",
        "summaries.py",
        "scoring.py",
        "refresh.py",
        "rebuild.py",
        "fact_store.py",
        "reports.py",
        "counters.py",
        "facts.py",
    ):
        path = root / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for needle in (
            "766",
            "PUBLISH_ON_TIME",
            "DOSSIER_ON_TIME",
            "PETITION_PROCESSING",
            '"progress"',
            "'progress'",
        ):
            assert needle not in text.split('"""', 2)[-1], f"{name} mentions {needle}"


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
def test_fast_round2_equals_decimal_half_up(units, extra):
    from decimal import ROUND_HALF_UP, Decimal

    value = units / 1000 + extra / 10**7
    assert round2(value) == float(
        Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    )


def test_score2_prints_what_floatformat_2_prints():
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from cchc.indices.engine import round2
    from cchc.indices.templatetags.scores import score2

    values = [0, 0.005, 1.5, 2.675, 8.888, 19.999, 99.995, 100, None] + [
        round2(i / 7) for i in range(0, 1500)
    ]
    for language in ("vi", "en"):
        with translation.override(language):
            for v in values:
                shown = round2(v) if isinstance(v, float) else v
                assert score2(shown) == floatformat(shown, 2), (language, v)


def test_score2_groups_thousands_as_the_exports_do():
    """The losses page wrote 1259,03 where its PDF (export.vi_number) wrote 1.259,03."""
    from django.utils import translation

    from cchc.indices.export import vi_number
    from cchc.indices.templatetags.scores import score2, score_formatter

    for value in (1259.03, -1259.03, 1000.0, 1234567.5, 999.99):
        with translation.override("vi"):
            assert score2(value) == score_formatter()(value) == vi_number(value)
    with translation.override("en"):
        assert score2(1259.03) == score_formatter()(1259.03) == "1,259.03"
