"""The restartable full rebuild of a period's facts and summaries (`rebuild_period`: chunks by
dossier id, resumes after the last finished chunk; on PostgreSQL, worker processes)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from cchc.core import rowsql
from cchc.core.db import unprepared
from cchc.indices import facts as F_
from cchc.indices.fact_store import PETITION_FIELDS, insert_facts, resummarise
from cchc.indices.models import (
    DossierFact,
    PetitionFact,
    RebuildJob,
)
from cchc.indices.periods import Period
from cchc.indices.summaries import (
    BUILD_FIELDS,
    FactBuilder,
    dossiers_with_petitions,
    petition_model,
)

REBUILD_CHUNK = 20000  # dossier ids per rebuild chunk (one transaction, one resume point)


def rebuild_period(
    period: Period,
    *,
    chunk: int = REBUILD_CHUNK,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
    stop_after_chunks: int | None = None,
    processes: int | None = None,
) -> RebuildJob:
    """Rebuild the facts of dossiers received in the period, then its summaries.

    Restartable: the job row records the last dossier id below which every chunk is done; a
    rerun resumes after it unless `restart`. `stop_after_chunks` interrupts on purpose (to
    test resuming). Its range queries are planned for each chunk's bounds (no prepared generic
    plans). On PostgreSQL, outside a transaction, the chunks are built and written by
    `processes` worker processes (default: one per CPU), each with its own connection.
    """
    with unprepared():
        return _rebuild_period(
            period,
            chunk=chunk,
            restart=restart,
            progress=progress,
            stop_after_chunks=stop_after_chunks,
            processes=processes,
        )


def _rebuild_period(
    period: Period,
    *,
    chunk: int,
    restart: bool,
    progress: Callable[[int], None] | None,
    stop_after_chunks: int | None,
    processes: int | None,
) -> RebuildJob:
    from cchc.dossiers.models import Dossier

    key = str(period)
    job = (
        None
        if restart
        else RebuildJob.objects.filter(period=key, finished_at__isnull=True).order_by("-pk").first()
    )
    if job is None:
        job = RebuildJob.objects.create(period=key)
    base = Dossier.objects.filter(received_at__gte=period.start_at, received_at__lt=period.end_at)
    last_id = base.aggregate(m=Max("pk"))["m"] or 0

    def chunks_from(after: int):  # type: ignore[no-untyped-def]
        """Yield (lower, upper, facts, dossiers read) chunk by chunk; the period filter applies
        inside each id range."""
        with unprepared():  # this may run in the reader thread, on its own connection
            builder = FactBuilder()
            petitioned = dossiers_with_petitions()  # one read: petitions are few next to dossiers
            for lower, upper in _chunk_bounds(after, last_id, chunk):
                yield lower, upper, *_chunk_facts(base, lower, upper, builder, petitioned)

    # On PostgreSQL outside a transaction, worker processes build and write whole chunks (with
    # one process, the fact function's Python time bounded the rebuild, not the database);
    # with a single CPU, a reader thread (its own connection) builds the next chunk while this
    # thread COPYs the previous one.
    separate = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and stop_after_chunks is None
    )
    processes = processes if processes is not None else (os.cpu_count() or 1)
    source: Any
    if separate and processes > 1 and not multiprocessing.current_process().daemon:
        _rebuild_in_processes(job, base, last_id, chunk, processes, progress)
        source = ()
    elif separate:
        source = _prefetching(chunks_from(job.last_dossier_id))
    else:
        source = chunks_from(job.last_dossier_id)
    done_chunks = 0
    for lower, upper, new, read in source:
        with transaction.atomic():
            # the summaries are re-aggregated at the end
            _replace_facts(base, lower, upper, new)
            job.last_dossier_id = upper
            job.dossiers_done += read
            job.save(update_fields=["last_dossier_id", "dossiers_done"])
        done_chunks += 1
        if progress:
            progress(job.dossiers_done)
        if stop_after_chunks is not None and done_chunks >= stop_after_chunks:
            return job
    with transaction.atomic():
        # facts of dossiers no longer received in the period (e.g. re-imported) leave it
        DossierFact.objects.filter(
            received_on__gte=period.start, received_on__lte=period.end
        ).exclude(
            dossier__received_at__gte=period.start_at, dossier__received_at__lt=period.end_at
        ).delete()
        days = Q(received_on__gte=period.start, received_on__lte=period.end)
        rebuild_petition_facts(period)
        resummarise(
            Q(day__gte=period.start, day__lte=period.end), Q(month__in=period.months()), days, days
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["finished_at"])
    return job


def _chunk_bounds(after: int, last_id: int, chunk: int) -> list[tuple[int, int]]:
    """(lower, upper] ranges of `chunk` dossier ids from `after` to `last_id`, found on the
    primary key alone (a plan that stays cheap whatever the statistics say)."""
    from cchc.dossiers.models import Dossier

    bounds = []
    while after < last_id:
        upper = (
            Dossier.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[chunk - 1 : chunk]
            .first()
        )
        upper = min(upper or last_id, last_id)
        bounds.append((after, upper))
        after = upper
    return bounds


def _chunk_facts(
    base: Any, lower: int, upper: int, builder: FactBuilder, petitioned: set[int]
) -> tuple[list[F_.FactValues], int]:
    """The facts of the period's dossiers with ids in (lower, upper], and how many were read."""
    rows = rowsql.query_rows(base.filter(pk__gt=lower, pk__lte=upper).order_by(), BUILD_FIELDS)
    return builder.build(rows, petitioned), len(rows)


def _replace_facts(base: Any, lower: int, upper: int, new: list[F_.FactValues]) -> None:
    """The facts of the period's dossiers with ids in (lower, upper] become `new` (a semi-join,
    not a list of ids: facts of other periods' dossiers in the same id range are kept)."""
    stale = DossierFact.objects.filter(pk__gt=lower, pk__lte=upper)
    if stale.exists():
        stale.filter(dossier__in=base.filter(pk__gt=lower, pk__lte=upper).values("pk")).delete()
    insert_facts(new)


_worker_state: dict[str, Any] = {}


def _worker_start(base: Any) -> None:
    """In each rebuild process (forked after the parent closed its connections)."""
    _worker_state["base"] = base
    _worker_state["builder"] = FactBuilder()
    with unprepared():
        _worker_state["petitioned"] = dossiers_with_petitions()


def _worker_chunk(bounds: tuple[int, int]) -> tuple[int, int, int]:
    lower, upper = bounds
    base = _worker_state["base"]
    with unprepared():
        new, read = _chunk_facts(
            base, lower, upper, _worker_state["builder"], _worker_state["petitioned"]
        )
        with transaction.atomic():
            _replace_facts(base, lower, upper, new)
    return lower, upper, read


def _rebuild_in_processes(
    job: RebuildJob,
    base: Any,
    last_id: int,
    chunk: int,
    processes: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Chunks written by `processes` forked workers, in any order; the job's resume point
    moves over the chunks finished without a gap (a chunk done beyond a gap is redone after an
    interruption: writing a chunk replaces its facts, so that is harmless)."""
    from django.db import connections

    bounds = _chunk_bounds(job.last_dossier_id, last_id, chunk)
    if not bounds:
        return
    connections.close_all()  # nothing open may be shared with the forked workers
    finished: dict[int, tuple[int, int]] = {}
    context = multiprocessing.get_context("fork")
    with context.Pool(
        min(processes, len(bounds)), initializer=_worker_start, initargs=(base,)
    ) as pool:
        for lower, upper, read in pool.imap_unordered(_worker_chunk, bounds):
            finished[lower] = (upper, read)
            moved = False
            while job.last_dossier_id in finished:
                upper_done, read_done = finished.pop(job.last_dossier_id)
                job.last_dossier_id = upper_done
                job.dossiers_done += read_done
                moved = True
            if moved:
                job.save(update_fields=["last_dossier_id", "dossiers_done"])
                if progress:
                    progress(job.dossiers_done)


def _prefetching(chunks: Any, depth: int = 2) -> Any:
    """Run a generator in a thread (with its own database connection), `depth` items ahead."""
    import queue
    import threading

    from django.db import connections

    items: queue.Queue = queue.Queue(maxsize=depth)
    end = object()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            for item in chunks:
                items.put(item)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
            failure.append(exc)
        finally:
            connections.close_all()
            items.put(end)

    thread = threading.Thread(target=produce, name="indices-rebuild-reader", daemon=True)
    thread.start()
    while True:
        item = items.get()
        if item is end:
            break
        yield item
    thread.join()
    if failure:
        raise failure[0]


def rebuild_petition_facts(period: Period) -> int:
    """Petition facts of the period, set-based (petitions are few next to dossiers)."""
    Petition = petition_model()
    if Petition is None:
        return 0
    PetitionFact.objects.filter(received_on__gte=period.start, received_on__lte=period.end).delete()
    rows = Petition.objects.filter(
        received_at__gte=period.start_at, received_at__lt=period.end_at
    ).values(*PETITION_FIELDS)
    new = [
        f for f in (F_.petition_fact(r) for r in rows.iterator(chunk_size=5000)) if f is not None
    ]
    PetitionFact.objects.bulk_create(
        [PetitionFact(**f.as_model_kwargs()) for f in new], batch_size=5000
    )
    return len(new)
