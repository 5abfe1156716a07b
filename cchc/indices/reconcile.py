"""Reconciliation with the national portal's 766 report files (interchange.md §3).

Reads the portal's JSON responses in both layouts — "metrics" (overview / evaluation[] with
metrics[]) and "tree" (parent / children[] with component fields) — and recomputes every
row's score from the official components with our engine. Which group a file belongs to is
found from the scheme's data (portal report name, metric codes, component field names).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cchc.indices.engine import GroupSpec, SchemeSpec, score_group

TOLERANCE = 0.015


class PortalFileError(ValueError):
    pass


@dataclass
class RowCheck:
    code: str
    name: str
    portal: float | None
    ours: float | None
    metrics: list[dict[str, Any]] = field(default_factory=list)

    @property
    def difference(self) -> float | None:
        if self.portal is None or self.ours is None:
            return None
        return round(abs(self.portal - self.ours), 6)

    @property
    def matches(self) -> bool:
        d = self.difference
        return d is not None and d <= TOLERANCE


@dataclass
class FileCheck:
    path: str
    group: GroupSpec
    rows: list[RowCheck]
    skipped: int = 0  # rows without components (cannot be recomputed)

    @property
    def checked(self) -> int:
        return len(self.rows)

    @property
    def matching(self) -> int:
        return sum(1 for r in self.rows if r.matches)

    @property
    def worst(self) -> float:
        return max((r.difference or 0.0 for r in self.rows), default=0.0)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise PortalFileError(_("Not a number: %(v)r") % {"v": value}) from exc


def _field(row: dict[str, Any], spec: str) -> int | None:
    """A component field, or a sum of fields written "a+b"; None if any is missing."""
    total = 0
    for name in spec.split("+"):
        value = row.get(name.strip())
        if value is None:
            return None
        total += int(value)
    return total


def load(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PortalFileError(
            _("%(file)s is not a readable JSON file: %(err)s") % {"file": path.name, "err": exc}
        ) from exc
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict):
        raise PortalFileError(
            _("%(file)s has no 'data' object: not a portal report.") % {"file": path.name}
        )
    return data


def identify(spec: SchemeSpec, data: dict[str, Any], hint: str = "") -> GroupSpec:
    """Which group of the scheme a portal response belongs to."""
    if "evaluation" in data:
        rows = data.get("evaluation") or []
        codes = {m.get("code") for r in rows[:5] for m in (r.get("metrics") or [])}
        best = max(spec.groups, key=lambda g: len(codes & {m.code for m in g.metrics}))
        if codes & {m.code for m in best.metrics}:
            return best
    elif "parent" in data:
        parent = data.get("parent") or {}
        for g in spec.groups:
            if g.portal_layout == "tree" and hint and g.portal_report == hint:
                return g
        for g in spec.groups:
            if g.portal_layout != "tree":
                continue
            fields = [
                f
                for m in g.metrics
                for f in (m.portal_numerator + "+" + m.portal_denominator).split("+")
                if f
            ]
            if fields and all(f in parent for f in fields):
                return g
    raise PortalFileError(_("Could not tell which index group this file belongs to."))


def check_data(spec: SchemeSpec, data: dict[str, Any], path: str, hint: str = "") -> FileCheck:
    group = identify(spec, data, hint)
    rows: list[RowCheck] = []
    skipped = 0
    if group.portal_layout == "metrics":
        source = ([data["overview"]] if data.get("overview") else []) + list(
            data.get("evaluation") or []
        )
        for row in source:
            values = {
                m.get("code"): (m.get("numerator"), m.get("denominator"))
                for m in row.get("metrics") or []
            }
            ours = score_group(group, {}, values)
            rows.append(_row(row, _number(row.get("totalScore")), ours))
    else:
        source = ([data["parent"]] if data.get("parent") else []) + list(data.get("children") or [])
        for row in source:
            values = {}
            complete = True
            for m in group.metrics:
                num, den = _field(row, m.portal_numerator), _field(row, m.portal_denominator)
                if num is None or den is None:
                    complete = False
                values[m.code] = (num, den)
            if not complete:
                skipped += 1
                continue
            portal = (
                row.get(group.portal_score_field)
                if group.portal_score_field in row
                else row.get("totalScore")
            )
            rows.append(_row(row, _number(portal), score_group(group, {}, values)))
    return FileCheck(path=path, group=group, rows=rows, skipped=skipped)


def _row(row: dict[str, Any], portal: float | None, ours) -> RowCheck:  # type: ignore[no-untyped-def]
    portal_metrics = {m.get("code"): m.get("score") for m in row.get("metrics") or []}
    metrics = [
        {
            "code": m.code,
            "numerator": m.numerator,
            "denominator": m.denominator,
            "ours": m.score,
            "portal": portal_metrics.get(m.code),
        }
        for m in ours.metrics
    ]
    return RowCheck(
        code=str(row.get("departmentCode") or row.get("departmentId") or ""),
        name=str(row.get("departmentName") or ""),
        portal=portal,
        ours=ours.score,
        metrics=metrics,
    )


def files_in(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.rglob("*.json") if not p.name.startswith("manifest"))
    return [target]


def check_paths(spec: SchemeSpec, paths: Iterable[Path]) -> tuple[list[FileCheck], list[str]]:
    checks, errors = [], []
    for path in paths:
        try:
            checks.append(check_data(spec, load(path), str(path), hint=path.parent.name))
        except PortalFileError as exc:
            errors.append(f"{path}: {exc}")
    return checks, errors


@dataclass
class GroupSummary:
    group: GroupSpec
    checked: int = 0
    matching: int = 0
    skipped: int = 0
    worst: float = 0.0
    files: int = 0

    @property
    def ok(self) -> bool:
        return self.checked == self.matching


def summarise(spec: SchemeSpec, checks: list[FileCheck]) -> list[GroupSummary]:
    out = {g.code: GroupSummary(g) for g in spec.groups}
    for c in checks:
        s = out[c.group.code]
        s.files += 1
        s.checked += c.checked
        s.matching += c.matching
        s.skipped += c.skipped
        s.worst = max(s.worst, c.worst)
    return [s for s in out.values() if s.files]
