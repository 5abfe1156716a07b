"""The national status vocabulary of tasks, as of any date (interchange.md §7, domain.md §10).

Pure functions of plain dates, so the report, the pages, the import check and the benchmark
all compute the same thing:

- a task assigned after D does not exist yet as of D (None);
- the deadline in force as of D starts at the original deadline; an approved extension moves
  it when it was approved on or before the deadline in force at that time and on or before D
  (a later approval is not known as of D, a late one never counts);
- completed on or before D: done on time when completed on or before the deadline in force,
  else done late; not completed by D: overdue when the deadline in force is before D, else
  still within the deadline. A deadline is the end of that local day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
WITHIN_DEADLINE = "within_deadline"
OVERDUE = "overdue"
VOCABULARY = (DONE_ON_TIME, DONE_LATE, WITHIN_DEADLINE, OVERDUE)
LABELS = {
    DONE_ON_TIME: _("Done on time"),
    DONE_LATE: _("Done late"),
    WITHIN_DEADLINE: _("Not done, within the deadline"),
    OVERDUE: _("Overdue"),
}


def deadline_as_of(
    deadline: dt.date, approvals: Iterable[tuple[dt.date, dt.date]], as_of: dt.date
) -> dt.date:
    """The deadline in force on `as_of`. `approvals`: (approved_on, new_deadline) pairs of
    the approved extensions."""
    current = deadline
    for approved_on, new_deadline in sorted(approvals):
        if approved_on > as_of:
            break
        if approved_on <= current:
            current = new_deadline
    return current


def status_as_of(
    *,
    assigned_on: dt.date,
    deadline: dt.date,
    approvals: Iterable[tuple[dt.date, dt.date]],
    completed_on: dt.date | None,
    as_of: dt.date,
) -> str | None:
    if assigned_on > as_of:
        return None
    in_force = deadline_as_of(deadline, approvals, as_of)
    if completed_on is not None and completed_on <= as_of:
        return DONE_ON_TIME if completed_on <= in_force else DONE_LATE
    return OVERDUE if in_force < as_of else WITHIN_DEADLINE


def approvals_of(task: Any) -> list[tuple[dt.date, dt.date]]:
    """(approved_on, new_deadline) of a task's approved extensions (prefetched or queried)."""
    return [
        (e.decided_on, e.new_deadline)
        for e in task.extensions.all()
        if e.approved and e.decided_on is not None
    ]


def task_status(task: Any, as_of: dt.date) -> str | None:
    return status_as_of(
        assigned_on=task.assigned_on,
        deadline=task.deadline,
        approvals=approvals_of(task),
        completed_on=task.completed_on,
        as_of=as_of,
    )


def empty_counts() -> dict[str, int]:
    return {"total": 0, **dict.fromkeys(VOCABULARY, 0)}


def rates(counts: dict[str, int]) -> dict[str, float | None]:
    """Completion rate (done / total) and on-time rate (on time / those due or done)."""
    done = counts[DONE_ON_TIME] + counts[DONE_LATE]
    due = done + counts[OVERDUE]
    return {
        "completion_rate": round(100.0 * done / counts["total"], 2) if counts["total"] else None,
        "on_time_rate": round(100.0 * counts[DONE_ON_TIME] / due, 2) if due else None,
    }


@dataclass(frozen=True)
class DeadlineBadge:
    """The words beside a task's deadline, the same on the task list and the task page:
    "overdue by 302 days", "due in 3 days", "done 02/03/2026, 2 days late" (a colour alone
    says nothing to a screen reader, and a bare "overdue" not how far behind)."""

    words: str
    late: bool
    # the list's data-status: done_on_time, done_late, due_soon (reminders have begun) or ""
    mark: str


def deadline_badge(
    *, deadline_in_force: dt.date, completed_on: dt.date | None, today: dt.date, soon: int
) -> DeadlineBadge:
    """`soon`: how many days ahead the reminders begin (rule data)."""
    if completed_on is not None:
        day = completed_on.strftime("%d/%m/%Y")
        days_late = (completed_on - deadline_in_force).days
        if days_late > 0:
            words = ngettext(
                "Done %(day)s, %(n)s day late", "Done %(day)s, %(n)s days late", days_late
            ) % {"day": day, "n": days_late}
            return DeadlineBadge(words, True, DONE_LATE)
        return DeadlineBadge(gettext("Done on time %(day)s") % {"day": day}, False, DONE_ON_TIME)
    days_left = (deadline_in_force - today).days
    if days_left < 0:
        words = ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", -days_left) % {
            "n": -days_left
        }
        return DeadlineBadge(words, True, "")
    if days_left == 0:
        return DeadlineBadge(gettext("Due today"), False, "due_soon")
    if days_left <= soon:
        words = ngettext("Due in %(n)s day", "Due in %(n)s days", days_left) % {"n": days_left}
        return DeadlineBadge(words, False, "due_soon")
    return DeadlineBadge(gettext("Within deadline"), False, "")
