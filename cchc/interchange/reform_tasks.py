"""tasks.jsonl out (interchange.md §7): the reform tasks assigned in the export's range, with
the tasks above them (a task's MaCha must be in the bundle or already in the database it is
imported into), written so that `import_bundle` of the export gives the same report_tasks."""

from __future__ import annotations

import datetime as dt
from typing import IO

from cchc.interchange.formats import format_date, json_line
from cchc.plans.models import Extension, Task


def export_tasks(handle: IO[str], date_from: dt.date, date_to: dt.date) -> int:
    tasks = {
        t.pk: t
        for t in Task.objects.filter(assigned_on__range=(date_from, date_to)).select_related(
            "lead_agency", "parent"
        )
    }
    wanted = [t.parent_id for t in tasks.values() if t.parent_id and t.parent_id not in tasks]
    while wanted:  # the ancestors, level by level
        found = Task.objects.filter(pk__in=wanted).select_related("lead_agency", "parent")
        tasks.update({t.pk: t for t in found})
        wanted = [t.parent_id for t in found if t.parent_id and t.parent_id not in tasks]
    co: dict[int, list[str]] = {}
    for task_id, code in Task.co_agencies.through.objects.filter(
        task_id__in=list(tasks)
    ).values_list("task_id", "agency__code"):
        co.setdefault(task_id, []).append(code)
    extensions: dict[int, list[Extension]] = {}
    for e in Extension.objects.filter(
        task_id__in=list(tasks), approved=True, decided_on__isnull=False
    ).order_by("decided_on", "new_deadline", "pk"):
        extensions.setdefault(e.task_id, []).append(e)
    count = 0
    # parents first: a file read in order never names a parent it has not met yet
    for task in sorted(tasks.values(), key=lambda t: (_depth(t, tasks), t.code)):
        handle.write(
            json_line(
                {
                    "Ma": task.code,
                    "TieuDe": task.title,
                    "NguonVanBan": task.source_document,
                    "DonViChuTri": task.lead_agency.code,
                    "DonViPhoiHop": sorted(co.get(task.pk, [])),
                    "MaCha": task.parent.code if task.parent else None,
                    "NgayGiao": format_date(task.assigned_on),
                    "HanXuLy": format_date(task.deadline),
                    "GiaHan": [
                        {
                            "HanMoi": format_date(e.new_deadline),
                            "NgayDuyet": format_date(e.decided_on),
                        }
                        for e in extensions.get(task.pk, [])
                    ],
                    "NgayHoanThanh": format_date(task.completed_on) or None,
                }
            )
        )
        count += 1
    return count


def _depth(task: Task, tasks: dict[int, Task]) -> int:
    depth, parent_id = 0, task.parent_id
    while parent_id is not None and parent_id in tasks and depth < 100:
        depth, parent_id = depth + 1, tasks[parent_id].parent_id
    return depth
