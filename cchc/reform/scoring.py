"""The PAR INDEX rule (domain.md §7) over a template version, as pure functions of plain data.

index % = (Σ appraised scores of self-assessed items + Σ survey scores + bonus − penalty)
          ÷ template maximum × 100
and, when the template marks the survey optional and the unit has no survey score,
index % = (Σ appraised + bonus − penalty) ÷ (maximum − survey maximum) × 100.

The template maximum is the sum of the fields' maxima (bonus and penalty sit under fields of
maximum 0). The tree is combined by `cchc.core.scheme.evaluate` (its unrolled `Plan`) (sums, penalties with sign
−1); nothing here knows a particular year's template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cchc.core.scheme import SUM, Node, Plan, competition_ranks, evaluate_plan, plan

SELF_METHODS = ("self", "computed")


@dataclass(frozen=True)
class NodeInfo:
    code: str
    name: str
    kind: str
    method: str
    max_points: float
    parent: str | None
    order: int


@dataclass
class Tree:
    """One template version, ready to score."""

    template_id: int
    code: str
    year: int
    survey_optional: bool
    grades: list[dict]
    root: Node
    info: dict[str, NodeInfo]
    fields: list[str]
    max_total: float
    survey_max: float
    leaves: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)  # kind "criterion", in template order
    self_criteria: list[str] = field(default_factory=list)  # only self-assessed leaves
    field_criteria: dict[str, list[str]] = field(default_factory=dict)
    survey_leaves: list[str] = field(default_factory=list)
    weak_order: dict[str, tuple] = field(default_factory=dict)  # natural order of criteria
    # `evaluate` unrolled once per template version: a year scores hundreds of units on it
    plan: Plan | None = None

    def leaf_codes(self, methods: Iterable[str]) -> list[str]:
        wanted = set(methods)
        return [c for c in self.leaves if self.info[c].method in wanted]


def natural_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code) if p != "")


def build_tree(
    *,
    template_id: int,
    code: str,
    year: int,
    survey_optional: bool,
    grades: list[dict],
    nodes: Iterable[Mapping[str, Any]],
) -> Tree:
    """`nodes`: dicts with code, name, kind, method, max_points, parent (code or None), order."""
    info: dict[str, NodeInfo] = {}
    children: dict[str | None, list[str]] = {}
    for n in nodes:
        ni = NodeInfo(
            code=n["code"],
            name=n.get("name", ""),
            kind=n["kind"],
            method=n.get("method") or "",
            max_points=float(n["max_points"]),
            parent=n.get("parent"),
            order=int(n.get("order", 0)),
        )
        info[ni.code] = ni
        children.setdefault(ni.parent, []).append(ni.code)
    for kids in children.values():
        kids.sort(key=lambda c: (info[c].order, natural_key(c)))

    def make(code: str) -> Node:
        ni = info[code]
        return Node(
            code=code,
            name=ni.name,
            aggregate=SUM,
            children=tuple(make(c) for c in children.get(code, [])),
            max_points=ni.max_points,
            sign=-1 if ni.method == "penalty" else 1,
        )

    fields = children.get(None, [])
    root = Node(code="", aggregate=SUM, children=tuple(make(c) for c in fields))
    leaves = [n.code for n in root.walk() if n.is_leaf and n.code]
    criteria = [n.code for n in root.walk() if n.code and info[n.code].kind == "criterion"]
    self_criteria = []
    for c in criteria:
        sub = [n.code for n in root.find(c).leaves()]
        if info[c].max_points > 0 and sub and all(info[s].method in SELF_METHODS for s in sub):
            self_criteria.append(c)
    field_criteria = {
        f: [n.code for n in root.find(f).walk() if n.code != f and info[n.code].kind == "criterion"]
        for f in fields
    }
    return Tree(
        plan=plan(root),
        field_criteria=field_criteria,
        survey_leaves=[c for c in leaves if info[c].method == "survey"],
        weak_order={c: natural_key(c) for c in self_criteria},
        template_id=template_id,
        code=code,
        year=year,
        survey_optional=survey_optional,
        grades=sorted(grades, key=lambda g: -float(g["min"])),
        root=root,
        info=info,
        fields=fields,
        max_total=sum(info[f].max_points for f in fields),
        survey_max=sum(info[c].max_points for c in leaves if info[c].method == "survey"),
        leaves=leaves,
        criteria=criteria,
        self_criteria=self_criteria,
    )


def grade_of(grades: list[dict], total: float | None) -> str | None:
    if total is None:
        return None
    for band in grades:
        if round(total, 9) >= float(band["min"]):
            return str(band["grade"])
    return None


def _exact(value: float) -> float:
    """A sum of scores given to two decimals, without the binary float noise of the adding
    (8.1 + 19.2 is 27.299999999999997 in floats): nine decimals keep every real figure, and
    the published document no longer reads 110.00000000000001."""
    return round(value, 9)


def score_unit(tree: Tree, leaf_values: Mapping[str, float | None]) -> dict[str, Any]:
    """Points, maximum used, index %, per-field/criterion scores and the weakest criteria."""
    values = evaluate_plan(tree.plan or plan(tree.root), leaf_values)
    points = _exact(values.get("") or 0.0)
    has_survey = any(leaf_values.get(c) is not None for c in tree.survey_leaves)
    maximum = tree.max_total
    if tree.survey_optional and not has_survey:
        maximum = tree.max_total - tree.survey_max
    total = _exact(points / maximum * 100) if maximum else None
    groups: dict[str, Any] = {}
    info = tree.info
    for f in tree.fields:
        crit = {
            c: {"score": _exact(values.get(c) or 0.0), "max": info[c].max_points}
            for c in tree.field_criteria[f]
        }
        groups[f] = {
            "score": _exact(values.get(f) or 0.0),
            "max": tree.info[f].max_points,
            "criteria": crit,
        }

    # the three self-assessed criteria with the lowest score ÷ max (ties: more points lost,
    # then natural code order); rounded so that float noise never splits a tie
    decorated = []
    for c in tree.self_criteria:
        score = values.get(c) or 0.0
        maxp = info[c].max_points
        decorated.append((round(score / maxp, 9), round(score - maxp, 9), tree.weak_order[c], c))
    decorated.sort()
    weakest = [d[3] for d in decorated[:3]]
    return {
        "total": total,
        "points": points,
        "max": maximum,
        "has_survey": has_survey,
        "grade": grade_of(tree.grades, total),
        "groups": groups,
        "weakest": weakest,
        "values": values,
    }


def rank_units(rows: list[dict[str, Any]]) -> None:
    """Set `rank` on each row (dicts with key, group, total): within its group, ties share."""
    by_group: dict[Any, dict[str, float | None]] = {}
    for r in rows:
        by_group.setdefault(r["group"], {})[r["code"]] = r["total"]
    ranks: dict[str, int | None] = {}
    for values in by_group.values():
        ranks.update(competition_ranks(values))
    for r in rows:
        r["rank"] = ranks.get(r["code"])


# A unit's scored result as stored in its AssessmentSummary: `score_unit`'s figures without
# the leaf values, the per-node totals of the fields and criteria as one list in the tree's
# order (JSON objects do not keep their key order in PostgreSQL's jsonb; the tree does).
# Bump SUMMARY_LAYOUT whenever `score_unit`'s figures or this packing change: summaries of an
# older layout are then ignored and their units scored from the Score rows.
SUMMARY_LAYOUT = 1


def pack(tree: Tree, res: Mapping[str, Any]) -> dict[str, Any]:
    nodes: list[float] = []
    for f in tree.fields:
        group = res["groups"][f]
        nodes.append(group["score"])
        nodes.extend(group["criteria"][c]["score"] for c in tree.field_criteria[f])
    return {
        "total": res["total"],
        "points": res["points"],
        "max": res["max"],
        "grade": res["grade"],
        "weakest": list(res["weakest"]),
        "nodes": nodes,
    }


def unpack(tree: Tree, packed: Mapping[str, Any]) -> dict[str, Any] | None:
    """`pack`'s inverse for the same tree: total, points, max, grade, groups and weakest as
    `score_unit` gives them; None when the stored list does not fit the tree."""
    nodes = packed.get("nodes")
    # every criterion sits under exactly one field: fields + criteria values in all
    if not isinstance(nodes, list) or len(nodes) != len(tree.fields) + len(tree.criteria):
        return None
    info = tree.info
    it = iter(nodes)
    groups: dict[str, Any] = {}
    for f in tree.fields:
        score = next(it)
        groups[f] = {
            "score": score,
            "max": info[f].max_points,
            "criteria": {
                c: {"score": next(it), "max": info[c].max_points} for c in tree.field_criteria[f]
            },
        }
    return {
        "total": packed["total"],
        "points": packed["points"],
        "max": packed["max"],
        "grade": packed["grade"],
        "groups": groups,
        "weakest": packed["weakest"],
    }
