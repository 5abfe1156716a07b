"""The plans module's rule data (a `RuleVersion` with key "plans"): reminder offsets, the
default remediation period of findings and the emulation scheme of task completion.

Migration 0002 seeds the first version; a province changes them by adding a version, never
by editing code. Without a version in force the documented defaults apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cchc.core.models import RuleVersion
from cchc.core.scheme import Node

KEY = "plans"

DEFAULTS: dict[str, Any] = {
    # domain.md §10 [S]: 7, 3 and 1 days before and on the deadline
    "reminder_days": [7, 3, 1, 0],
    # domain.md §11 [S]: remediation commonly within 15 days of the conclusion notice
    "remediation_days": 15,
    # The longest remediation period a conclusion may set. No text sets one; a year is the
    # cycle of the annual inspection plan, whose next round checks what is still not remedied.
    "remediation_max_days": 365,
    # Whether the emulation counts a task that has sub-tasks besides its sub-tasks. domain.md
    # §10 [S]: parent and child tasks roll up, so a parent's result is its children's (a
    # quarterly task is its four reports); counting it as well counts the same work twice.
    "emulation_counts_parent_tasks": False,
    # Year-end emulation score of a unit from its tasks (Đà Nẵng's task software [C]):
    # points = 70 × on-time rate + 30 × completion rate, 100 at most.
    "emulation": {
        "code": "EMULATION",
        "name": "Điểm thi đua thực hiện nhiệm vụ",
        "aggregate": "sum",
        "max_points": 100,
        "cap": True,
        "children": [
            {"code": "ON_TIME", "name": "Tỷ lệ đúng hạn", "weight": 0.7},
            {"code": "COMPLETION", "name": "Tỷ lệ hoàn thành", "weight": 0.3},
        ],
    },
}


def plan_rules(on: dt.date) -> dict[str, Any]:
    try:
        version = RuleVersion.objects.in_force(KEY, on)
    except RuleVersion.DoesNotExist:
        return dict(DEFAULTS)
    return {**DEFAULTS, **version.params}


def scheme_node(data: dict[str, Any]) -> Node:
    return Node(
        code=data["code"],
        name=data.get("name", ""),
        aggregate=data.get("aggregate", "sum"),
        max_points=data.get("max_points"),
        cap=bool(data.get("cap")),
        params={"weight": data.get("weight", 1.0)},
        children=tuple(scheme_node(c) for c in data.get("children", [])),
    )
