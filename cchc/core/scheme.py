"""The scheme engine's tree: an index as a tree of nodes scored from its leaves.

Every index the platform computes is a versioned tree of data (cchc.indices for Decision
766, cchc.surveys for SIPAS, the PAR INDEX templates): fields → components/criteria →
items/sub-criteria. A leaf's value comes from the module's own data (a counter ratio, the
share of satisfied answers, an appraised score); an inner node combines its children by the
rule its version names, never by code that knows the scheme:

- "sum":  Σ children (PAR points; 766 group totals), capped at the node's `max_points` when
          it has one and `cap` is set;
- "mean": the mean of the children that have a value (SIPAS components, fields, index);
          children without data are skipped, a node with none has no value.

`evaluate(root, leaf_values)` returns every node's value in one pass; missing leaves are
`None`. Pure functions of plain data: the same call serves a live page, a benchmark and a
test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SUM, MEAN = "sum", "mean"
AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    SUM: lambda values: float(sum(values)),
    MEAN: lambda values: float(sum(values)) / len(values),
}


@dataclass(frozen=True)
class Node:
    code: str
    name: str = ""
    aggregate: str = SUM
    children: tuple[Node, ...] = ()
    max_points: float | None = None
    cap: bool = False
    # sign of the node's value in its parent's sum: -1 for a penalty
    sign: int = 1
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> Iterator[Node]:
        return (n for n in self.walk() if n.is_leaf)

    def find(self, code: str) -> Node:
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)


def evaluate(root: Node, leaf_values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Every node's value: leaves from `leaf_values`, inner nodes by their aggregate."""
    out: dict[str, float | None] = {}

    def visit(node: Node) -> float | None:
        if node.is_leaf:
            value = leaf_values.get(node.code)
        else:
            parts = [v * child.sign for child in node.children if (v := visit(child)) is not None]
            if node.aggregate not in AGGREGATES:
                raise ValueError(f"unknown aggregate {node.aggregate!r} on node {node.code}")
            value = AGGREGATES[node.aggregate](parts) if parts else None
            if value is not None and node.cap and node.max_points is not None:
                value = min(value, node.max_points)
        out[node.code] = value
        return value

    visit(root)
    return out


@dataclass(frozen=True)
class Plan:
    """`evaluate` over one tree, unrolled once into its post-order steps: a tree scored many
    times (every unit of a year on one PAR template) pays the recursive walk once, not per
    unit. Each step is (code, children as (code, sign) or None for a leaf, aggregate,
    cap at max_points or None)."""

    steps: tuple[tuple[str, tuple[tuple[str, int], ...] | None, str, float | None], ...]


def plan(root: Node) -> Plan:
    steps: list[tuple[str, tuple[tuple[str, int], ...] | None, str, float | None]] = []

    def visit(node: Node) -> None:
        if node.is_leaf:
            steps.append((node.code, None, node.aggregate, None))
            return
        if node.aggregate not in AGGREGATES:
            raise ValueError(f"unknown aggregate {node.aggregate!r} on node {node.code}")
        for child in node.children:
            visit(child)
        cap = node.max_points if node.cap and node.max_points is not None else None
        kids = tuple((c.code, c.sign) for c in node.children)
        steps.append((node.code, kids, node.aggregate, cap))

    visit(root)
    return Plan(tuple(steps))


def evaluate_plan(p: Plan, leaf_values: Mapping[str, float | None]) -> dict[str, float | None]:
    """The same values as `evaluate(root, leaf_values)` for the tree `p` was made from."""
    out: dict[str, float | None] = {}
    get = leaf_values.get
    for code, kids, aggregate, cap in p.steps:
        if kids is None:
            out[code] = get(code)
            continue
        parts = [v * sign for child, sign in kids if (v := out[child]) is not None]
        if not parts:
            out[code] = None
            continue
        value = float(sum(parts)) if aggregate == SUM else AGGREGATES[aggregate](parts)
        out[code] = value if cap is None else min(value, cap)
    return out


def competition_ranks(
    values: Mapping[str, float | None],
    *,
    eligible: Callable[[str], bool] = lambda _k: True,
    places: int = 9,
) -> dict[str, int | None]:
    """Standard competition ranking, highest first: equal values share a rank and the next
    rank skips (1, 2, 2, 4). Values are compared rounded to `places` decimals so that float
    noise never splits a tie; ineligible keys and keys without a value get None."""
    ranked = sorted(
        ((round(v, places), k) for k, v in values.items() if v is not None and eligible(k)),
        key=lambda pair: -pair[0],
    )
    out: dict[str, int | None] = dict.fromkeys(values)
    previous: float | None = None
    rank = 0
    for position, (value, key) in enumerate(ranked, start=1):
        if value != previous:
            rank, previous = position, value
        out[key] = rank
    return out
