"""Background work through Django's tasks framework (the `django-tasks` backport of Django
6.0's `django.tasks`, with the ORM backend of `django-tasks-db`).

Why this library: it is the API Django itself ships from 6.0 on, so the code moves to
`django.tasks` unchanged; its database backend works on PostgreSQL (production, CI) and on
SQLite (the demo), needs no broker, and — what matters most here — `enqueue` inserts the job
row with the same connection, so a job enqueued inside a service's transaction is committed
with the change it follows or not at all: the transactional outbox, with no hand-written
polling loop. Procrastinate (PostgreSQL-only) would leave the demo without a worker.

    from cchc.core.jobs import job

    @job(max_attempts=6)
    def send_task_reminder(task_id: int, kind: str) -> None: ...

    send_task_reminder.enqueue(task.pk, "D-7")     # inside the service's transaction

A failing run is retried with exponential backoff (1, 2, 4 ... minutes, at most 6 hours) up
to `max_attempts`; a job must be idempotent (check a sent/done marker of its own before it
acts) so that a retry after a crash never sends twice. `manage.py db_worker` runs jobs in
production; `run_jobs()` runs what is due in-process (tests, `make demo`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_tasks import task

DEFAULT_MAX_ATTEMPTS = 6


def backoff(attempt: int) -> dt.timedelta:
    """Delay before retry `attempt + 1`: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempt - 1, 0), 6 * 3600))


def job(
    *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, queue_name: str = "default", priority: int = 0
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a background job: a module-level function whose arguments are JSON values."""

    def decorate(fn: Callable[..., Any]) -> Any:
        @functools.wraps(fn)
        def run(*args: Any, _attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception:
                if _attempt < max_attempts:
                    declared.using(run_after=timezone.now() + backoff(_attempt)).enqueue(
                        *args, _attempt=_attempt + 1, **kwargs
                    )
                raise

        declared = task(queue_name=queue_name, priority=priority)(run)
        return declared

    return decorate


def run_jobs(*, max_tasks: int | None = None, queue_names: tuple[str, ...] = ("*",)) -> int:
    """Run every job that is due now, in this process; returns how many ran. Jobs deferred to
    later (retries) wait for their time."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.exclude(status="READY").count()
    Worker(
        queue_names=list(queue_names),
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="in-process",
        excluded_queue_names=[],
    ).run()
    return DBTaskResult.objects.exclude(status="READY").count() - before
