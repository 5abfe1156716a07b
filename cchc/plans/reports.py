"""Task reports: `report_tasks` (interchange.md §7), per-unit and per-document figures, the
emulation ranking and the `tasks_on_time` platform measure.

One pass over plain rows (code, dates, approved extensions) through `status.status_as_of`,
so every figure here is the same computation as the status badge on a task page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.agencies.models import Agency
from cchc.core.scheme import competition_ranks, evaluate
from cchc.plans import status as st
from cchc.plans.models import Extension, Task
from cchc.plans.rules import plan_rules, scheme_node


def _rows(qs) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    rows = list(
        qs.values(
            "id",
            "code",
            "title",
            "lead_agency_id",
            "lead_agency__code",
            "source_document",
            "assigned_on",
            "deadline",
            "completed_on",
        )
    )
    approvals: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    ids = [r["id"] for r in rows]
    ext = Extension.objects.filter(approved=True, decided_on__isnull=False)
    if len(ids) < 2000:
        ext = ext.filter(task_id__in=ids)
    else:
        ext = ext.filter(task__in=qs.values("id"))
    for task_id, decided_on, new_deadline in ext.values_list(
        "task_id", "decided_on", "new_deadline"
    ):
        if decided_on is not None:  # the filter above; spelt out for the type checker
            approvals[task_id].append((decided_on, new_deadline))
    for r in rows:
        r["approvals"] = approvals.get(r["id"], [])
    return rows


def classify(rows: list[dict[str, Any]], as_of: dt.date) -> list[tuple[dict[str, Any], str]]:
    out = []
    for r in rows:
        s = st.status_as_of(
            assigned_on=r["assigned_on"],
            deadline=r["deadline"],
            approvals=r["approvals"],
            completed_on=r["completed_on"],
            as_of=as_of,
        )
        if s is not None:
            out.append((r, s))
    return out


def counted(qs, on: dt.date):  # type: ignore[no-untyped-def]
    """The tasks a unit's figures count: each piece of work once. A task with sub-tasks is
    counted through its sub-tasks unless the rule's `emulation_counts_parent_tasks` says
    otherwise (domain.md §10: parent and child tasks roll up; a quarterly task is its four
    reports). The unit page, the emulation ranking and the `tasks_on_time` measure all count
    this way, so a leader reads the same rates on each; `report_tasks` (interchange.md §7)
    counts every task, as its format says."""
    if plan_rules(on)["emulation_counts_parent_tasks"]:
        return qs
    return qs.filter(children__isnull=True)


def report_tasks(as_of: dt.date, *, qs=None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The interchange.md §7 document: counts per lead unit as of `as_of`."""
    qs = (qs if qs is not None else Task.objects.all()).filter(assigned_on__lte=as_of)
    counts: dict[str, dict[str, int]] = {}
    for row, s in classify(_rows(qs), as_of):
        c = counts.setdefault(row["lead_agency__code"], st.empty_counts())
        c["total"] += 1
        c[s] += 1
    return {
        "as_of": as_of.isoformat(),
        "agencies": [{"code": code, **counts[code]} for code in sorted(counts)],
    }


def group_counts(qs, as_of: dt.date, key: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Counts and rates grouped by a row key ("lead_agency__code", "source_document")."""
    groups: dict[str, dict[str, int]] = {}
    for row, s in classify(_rows(qs.filter(assigned_on__lte=as_of)), as_of):
        c = groups.setdefault(row[key] or "—", st.empty_counts())
        c["total"] += 1
        c[s] += 1
    return [{"key": k, **c, **st.rates(c)} for k, c in sorted(groups.items())]


def unit_report(agency: Agency, *, year: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """A unit's year: counts, rates, by source document, and the overdue list."""
    as_of = as_of or min(timezone.localdate(), dt.date(year, 12, 31))
    qs = Task.objects.filter(lead_agency=agency, assigned_on__year=year)
    qs = qs.filter(assigned_on__lte=as_of)
    classified = classify(_rows(counted(qs, as_of)), as_of)
    # the deadline in force on `as_of` (an approved extension moves it), which the overdue
    # list, the chart and the exports show; `extended` says it is not the original one
    for row, _s in classified:
        row["deadline_in_force"] = st.deadline_as_of(row["deadline"], row["approvals"], as_of)
        row["extended"] = row["deadline_in_force"] != row["deadline"]
    counts = st.empty_counts()
    by_doc: dict[str, dict[str, int]] = {}
    overdue = []
    for row, s in classified:
        counts["total"] += 1
        counts[s] += 1
        d = by_doc.setdefault(row["source_document"], st.empty_counts())
        d["total"] += 1
        d[s] += 1
        if s == st.OVERDUE:
            overdue.append(row)
    overdue.sort(key=lambda r: (r["deadline_in_force"], r["code"]))
    # every task the figures count, with its status (the unit's Excel export lists them
    # under the same figures)
    tasks = [{**row, "status": s} for row, s in classified]
    tasks.sort(key=lambda r: (r["deadline_in_force"], r["code"]))
    return {
        "agency": agency,
        "year": year,
        "as_of": as_of,
        "counts": counts,
        "rates": st.rates(counts),
        "by_document": [{"key": k, **c, **st.rates(c)} for k, c in sorted(by_doc.items())],
        "overdue": overdue,
        "tasks": tasks,
        # tasks left out above because their sub-tasks are counted (said under the table)
        "rolled_up": qs.count() - counts["total"],
        "monthly": monthly_series(classified, year),
    }


def monthly_series(classified: list[tuple[dict[str, Any], str]], year: int) -> list[dict[str, Any]]:
    """Tasks due per month of the year (by the deadline in force, which their status is
    measured against) and how many of them were done on time (the chart)."""
    months = [{"month": m, "due": 0, "on_time": 0, "late": 0, "overdue": 0} for m in range(1, 13)]
    for row, s in classified:
        due = row["deadline_in_force"]
        if due.year != year:
            continue
        bucket = months[due.month - 1]
        bucket["due"] += 1
        if s == st.DONE_ON_TIME:
            bucket["on_time"] += 1
        elif s == st.DONE_LATE:
            bucket["late"] += 1
        elif s == st.OVERDUE:
            bucket["overdue"] += 1
    return months


def emulation(year: int, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Every lead unit's year scored by the rule data (`plans` rule, param `emulation`) and
    ranked inside its ranking group. A task with sub-tasks counts through its sub-tasks unless
    the rule's `emulation_counts_parent_tasks` says otherwise (domain.md §10: they roll up)."""
    as_of = as_of or min(timezone.localdate(), dt.date(year, 12, 31))
    rules = plan_rules(as_of)
    root = scheme_node(rules["emulation"])
    tasks = counted(Task.objects.filter(assigned_on__year=year), as_of)
    by_unit = {g["key"]: g for g in group_counts(tasks, as_of, "lead_agency__code")}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=by_unit).select_related("group")}
    scores: dict[str, float | None] = {}
    details: dict[str, dict[str, float | None]] = {}
    for code, g in by_unit.items():
        leaves: dict[str, float | None] = {}
        for leaf in root.leaves():
            rate = g["on_time_rate"] if leaf.code == "ON_TIME" else g["completion_rate"]
            leaves[leaf.code] = None if rate is None else rate * float(leaf.params.get("weight", 1))
        values = evaluate(root, leaves)
        details[code] = values
        scores[code] = values[root.code]
    out = []
    groups: dict[str, list[str]] = defaultdict(list)
    for code in by_unit:
        a = agencies.get(code)
        groups[str(a.group) if a and a.group_id else ""].append(code)
    for group, codes in sorted(groups.items()):
        ranks = competition_ranks({c: scores[c] for c in codes})
        for code in sorted(codes, key=lambda c: (ranks[c] is None, ranks[c] or 0, c)):
            out.append(
                {
                    "group": group,
                    "code": code,
                    "agency": agencies.get(code),
                    "score": None if (score := scores[code]) is None else round(score, 2),
                    "rank": ranks[code],
                    **by_unit[code],
                }
            )
    return out


# -- the platform measure ------------------------------------------------------------------------
def tasks_on_time(*, agency_code: str, period: str):  # type: ignore[no-untyped-def]
    """Platform measure `tasks_on_time`: of the unit's tasks whose deadline in force falls in
    the period, the share done on time (as of the period's end, or today if earlier)."""
    from django.urls import reverse

    from cchc.core.errors import NotFound
    from cchc.indices.measures import Measure
    from cchc.indices.periods import Period

    parsed = Period.parse(period)
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound(_("No unit %(code)s.") % {"code": agency_code})
    as_of = min(parsed.end, timezone.localdate())
    qs = counted(Task.objects.filter(lead_agency=agency), as_of).filter(
        Q(deadline_in_force__gte=parsed.start, deadline_in_force__lte=parsed.end)
        | Q(deadline__gte=parsed.start, deadline__lte=parsed.end)
    )
    counts = st.empty_counts()
    for _row, s in classify(_rows(qs), as_of):
        counts[s] += 1
    due = counts[st.DONE_ON_TIME] + counts[st.DONE_LATE] + counts[st.OVERDUE]
    value = 100.0 * counts[st.DONE_ON_TIME] / due if due else None
    return Measure(
        name="tasks_on_time",
        label=str(TASKS_ON_TIME_LABEL),
        agency_code=agency_code,
        period=str(parsed),
        numerator=float(counts[st.DONE_ON_TIME]) if due else None,
        denominator=float(due) if due else None,
        value=value,
        evidence_url=reverse("plans:unit", kwargs={"code": agency_code})
        + f"?year={parsed.start.year}",
        source="plans:tasks",
    )


TASKS_ON_TIME_LABEL = _("Assigned tasks done on time")
tasks_on_time.label = TASKS_ON_TIME_LABEL  # type: ignore[attr-defined]


def findings_closed(*, agency_code: str, period: str):  # type: ignore[no-untyped-def]
    """Platform measure `findings_closed`: of the inspection findings about the unit raised in
    the period, the share closed at re-inspection (inspection results feed PAR, domain.md §11)."""
    from django.urls import reverse

    from cchc.core.errors import NotFound
    from cchc.indices.measures import Measure
    from cchc.indices.periods import Period
    from cchc.plans.inspection_models import Finding, FindingStatus

    parsed = Period.parse(period)
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound(_("No unit %(code)s.") % {"code": agency_code})
    qs = Finding.objects.filter(agency=agency, found_on__gte=parsed.start, found_on__lte=parsed.end)
    total = qs.count()
    closed = qs.filter(status=FindingStatus.CLOSED).count()
    return Measure(
        name="findings_closed",
        label=str(FINDINGS_CLOSED_LABEL),
        agency_code=agency_code,
        period=str(parsed),
        numerator=float(closed) if total else None,
        denominator=float(total) if total else None,
        value=100.0 * closed / total if total else None,
        evidence_url=reverse("plans:unit", kwargs={"code": agency_code})
        + f"?year={parsed.start.year}",
        source="plans:findings",
    )


FINDINGS_CLOSED_LABEL = _("Inspection findings closed")
findings_closed.label = FINDINGS_CLOSED_LABEL  # type: ignore[attr-defined]
