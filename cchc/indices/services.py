"""Every write of the indices app, and the period document built from the summaries.

- `refresh_dossier` (after each lifecycle action): recompute one fact and move its
  contribution between summary rows by deltas — a few row updates.
- `refresh_dossiers` (after a bulk import): set-based — recompute the facts, then re-aggregate
  the affected agency × day and agency × month × procedure rows from the facts.
- `rebuild_period`: the restartable full rebuild (chunks by dossier id, resumes after the last
  finished chunk).
- `close_period` / `restate_period`: period-locked reports with their audit trail.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Field, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.core import rowsql
from cchc.core.db import unprepared
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.indices import facts as F_
from cchc.indices.engine import AgencyScore, SchemeSpec, score_agency, spec_from_version
from cchc.indices.models import (
    DAY_COUNTERS,
    PROCEDURE_COUNTERS,
    DaySummary,
    DossierFact,
    MonthSummary,
    PeriodReport,
    PetitionFact,
    ProcedureMonthSummary,
    ProvinceIndexSetting,
    RebuildJob,
    Restatement,
    SchemeVersion,
)
from cchc.indices.periods import Period
from cchc.indices.summaries import (
    BUILD_FIELDS,
    FactBuilder,
    dossiers_with_petitions,
    fetch_rows,
    period_counters_many,
    petition_model,
)

CHUNK = 5000
REBUILD_CHUNK = 20000  # dossier ids per rebuild chunk (one transaction, one resume point)
FACT_FIELDS = F_.FACT_FIELD_NAMES


def _fact_of(row: DossierFact) -> F_.FactValues:
    return F_.FactValues(**{name: getattr(row, name) for name in FACT_FIELDS})


def _bump(model: Any, keys: dict[str, Any], deltas: dict[str, int]) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    updated = model.objects.filter(**keys).update(**{k: F(k) + v for k, v in deltas.items()})
    if updated:
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **deltas)
    except IntegrityError:  # created concurrently: add to it
        model.objects.filter(**keys).update(**{k: F(k) + v for k, v in deltas.items()})


def _upsert_counters(
    model: Any,
    key_fields: tuple[str, ...],
    counters: tuple[str, ...],
    rows: dict[tuple[Any, ...], dict[str, int]],
) -> None:
    """Add counter deltas to summary rows, creating missing rows: on PostgreSQL one
    INSERT … ON CONFLICT DO UPDATE for all keys, in key order (a fixed lock order, so two
    refreshes never deadlock)."""
    rows = {key: d for key, d in rows.items() if any(d.values())}
    if not rows:
        return
    if connection.vendor != "postgresql":
        for key in sorted(rows):
            _bump(model, dict(zip(key_fields, key, strict=True)), rows[key])
        return
    meta = model._meta
    keys = [meta.get_field(f).column for f in key_fields]
    cols = [meta.get_field(c).column for c in counters]
    placeholders = "(" + ", ".join(["%s"] * (len(keys) + len(cols))) + ")"
    params: list[Any] = []
    for key in sorted(rows):
        params.extend(key)
        params.extend(int(rows[key].get(c, 0)) for c in counters)
    table = meta.db_table
    sql = (
        f"INSERT INTO {table} ({', '.join(keys + cols)}) VALUES {', '.join([placeholders] * len(rows))} "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in cols)
    )
    rowsql.cursor(connection).execute(sql, params)


def _apply_deltas(changes: Iterable[tuple[F_.FactValues | None, F_.FactValues | None]]) -> None:
    """Move the contributions of changed facts between summary rows (old out, new in),
    summed per row first so each row is written once."""
    day: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    month: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    proc: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for old, new in changes:
        for fact, sign in ((old, -1), (new, 1)):
            if fact is None:
                continue
            first = F_.month_of(fact.received_on)
            for k, v in F_.day_counters(fact).items():
                day[(fact.agency_id, fact.received_on)][k] += sign * v
                month[(fact.agency_id, first)][k] += sign * v
            for k, v in F_.procedure_counters(fact).items():
                proc[(fact.agency_id, first, fact.procedure_id)][k] += sign * v
    _upsert_counters(DaySummary, ("agency_id", "day"), DAY_COUNTERS, day)
    _upsert_counters(MonthSummary, ("agency_id", "month"), DAY_COUNTERS, month)
    _upsert_counters(
        ProcedureMonthSummary, ("agency_id", "month", "procedure_id"), PROCEDURE_COUNTERS, proc
    )


@transaction.atomic
def refresh_facts(dossier_ids: Iterable[int]) -> dict[int, F_.FactValues | None]:
    """Recompute the facts of some dossiers and move their contributions in the summaries
    (the live update after lifecycle actions). A fixed handful of statements whatever the
    number of dossiers: lock the old facts, read the dossiers, write the changed facts, add
    the summed deltas to the summary rows."""
    from cchc.dossiers.models import Dossier

    ids = sorted(set(dossier_ids))
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        old_rows, rows, petitioned = _live_reads(ids)
    else:
        old_rows = list(
            DossierFact.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values(*FACT_FIELDS)
        )
        rows = fetch_rows(Dossier.objects.filter(pk__in=ids), BUILD_FIELDS)
        petitioned = dossiers_with_petitions(ids)
    old = {r["dossier_id"]: F_.FactValues(**r) for r in old_rows}
    built = {f.dossier_id: f for f in FactBuilder().build(rows, petitioned)}
    changes = [(old.get(i), built.get(i)) for i in ids if old.get(i) != built.get(i)]
    if changes:
        _delete_facts([i for i in ids if old.get(i) != built.get(i)])
        _insert_facts([new for _old, new in changes if new is not None])
        _apply_deltas(changes)
    return {i: built.get(i) for i in ids}


_LIVE_SQL: dict[str, str] = {}


def _compiled(name: str, make: Callable[[list[int]], Any]) -> str:
    """The SQL of an ORM query over a list of ids, compiled once and taking the ids as ONE
    array parameter (`= ANY(%s)`): the statement's text is the same for any number of ids,
    so it is compiled by the ORM once, parsed by psycopg once and prepared by PostgreSQL once.
    (Compiled per number of ids, the queue's batches of ever different sizes were compiled
    and parsed again nearly every time.)"""
    sql = _LIVE_SQL.get(name)
    if sql is None:
        sql, params = make([1]).query.sql_with_params()
        if (
            list(params) != [1] or sql.count(" IN (%s)") != 1
        ):  # parameters of its own: do not rewrite it
            raise ValueError(f"{name}: unexpected query shape {sql!r} {params!r}")
        sql = _LIVE_SQL[name] = sql.replace(" IN (%s)", " = ANY(%s)")
    return sql


def _live_reads(ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[int]]:
    """PostgreSQL: the old facts (locked), the dossier rows and which of them have a petition,
    by statements compiled once, results on a binary cursor."""
    from cchc.dossiers.models import Dossier

    Petition = petition_model()
    facts = (
        _compiled(
            "facts",
            lambda probe: (
                DossierFact.objects.filter(pk__in=probe).order_by("pk").values_list(*FACT_FIELDS)
            ),
        )
        + " FOR UPDATE"
    )
    dossiers = _compiled(
        "dossiers", lambda probe: Dossier.objects.filter(pk__in=probe).values_list(*BUILD_FIELDS)
    )
    petitions = (
        _compiled(
            "petitions",
            lambda probe: Petition.objects.filter(dossier_id__in=probe).values_list("dossier_id"),
        )
        if Petition is not None
        else None
    )
    cur = rowsql.cursor(connection)  # the connection's kept cursor: binary results on PostgreSQL
    cur.execute(facts, [ids])
    old_rows = [dict(zip(FACT_FIELDS, row, strict=True)) for row in cur.fetchall()]
    cur.execute(dossiers, [ids])
    rows = [dict(zip(BUILD_FIELDS, row, strict=True)) for row in cur.fetchall()]
    petitioned: set[int] = set()
    if petitions is not None:
        cur.execute(petitions, [ids])
        petitioned = {dossier_id for (dossier_id,) in cur.fetchall() if dossier_id is not None}
    return old_rows, rows, petitioned


def _delete_facts(ids: list[int]) -> None:
    if connection.vendor != "postgresql":
        DossierFact.objects.filter(pk__in=ids).delete()
        return
    # one statement text for any number of ids (see _compiled)
    rowsql.cursor(connection).execute(
        f"DELETE FROM {DossierFact._meta.db_table} WHERE {DossierFact._meta.pk.column} = ANY(%s)",  # noqa: S608
        [ids],
    )


def refresh_dossier(dossier_id: int) -> F_.FactValues | None:
    """Recompute one dossier's fact and move its contribution in the summaries (live update)."""
    return refresh_facts([dossier_id])[dossier_id]


def _insert_facts(new: list[F_.FactValues]) -> None:
    """Insert fact rows: COPY on PostgreSQL (the full rebuild writes a million of them)."""
    if not new:
        return
    if connection.vendor != "postgresql":
        DossierFact.objects.bulk_create(
            [DossierFact(**f.as_model_kwargs()) for f in new], batch_size=2000
        )
        return
    fields = [  # concrete columns, not relations
        cast("Field[Any, Any]", DossierFact._meta.get_field(name))
        for name in (*F_.FACT_FIELD_NAMES, "computed_at")
    ]
    now = timezone.now()
    # binary COPY: psycopg encodes each value in C by its declared column type; the text
    # format cost seven times more Python time than the rows' binary form
    sql = f"COPY {DossierFact._meta.db_table} ({', '.join(cast(str, f.column) for f in fields)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        copy.set_types([f.db_type(connection) for f in fields])
        for fact in new:
            copy.write_row((*fact, now))


def _store_facts(
    rows: Iterable[dict[str, Any]], ids: list[int], builder: FactBuilder
) -> set[tuple[int, dt.date, int]]:
    """Replace the facts of `ids`; return the (agency, day, procedure) keys touched."""
    touched = set(
        DossierFact.objects.filter(pk__in=ids).values_list(
            "agency_id", "received_on", "procedure_id"
        )
    )
    DossierFact.objects.filter(pk__in=ids).delete()
    new = builder.build(rows, dossiers_with_petitions(ids))
    _insert_facts(new)
    touched |= {(f.agency_id, f.received_on, f.procedure_id) for f in new}
    return touched


def _day_aggregates() -> dict[str, Any]:
    closed = Q(is_open=False)
    return {
        "received": Count("pk"),
        "online": Count("pk", filter=Q(online=True)),
        "synced": Count("pk", filter=Q(synced=True)),
        "fee_owed": Count("pk", filter=Q(fee_owed=True)),
        "paid_online": Count("pk", filter=Q(paid_online=True)),
        "resolved": Count("pk", filter=Q(resolved=True)),
        "electronic_result": Count("pk", filter=Q(electronic_result=True)),
        "digitized": Count("pk", filter=Q(digitized=True)),
        "reused": Count("pk", filter=Q(reused=True)),
        "population_data": Count("pk", filter=Q(population_data=True)),
        "storage_linked": Count("pk", filter=Q(storage_linked=True)),
        "closed": Count("pk", filter=closed),
        "on_time_closed": Count("pk", filter=closed & Q(on_time=True)),
        "satisfied_closed": Count("pk", filter=closed & Q(on_time=True, complained=False)),
        "complained": Count("pk", filter=Q(complained=True)),
    }


def _proc_aggregates() -> dict[str, Any]:
    return {
        "received": Count("pk"),
        "online": Count("pk", filter=Q(online=True)),
        "paid_online": Count("pk", filter=Q(paid_online=True)),
        "population_data": Count("pk", filter=Q(population_data=True)),
    }


def _insert_select(model: Any, columns: tuple[str, ...], rows: Any) -> None:
    """INSERT INTO model's table (columns) the rows of a values_list queryset with the same
    columns in the same order: aggregated in the database, never through Python."""
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def resummarise(day_filter: Q, month_filter: Q, fact_filter_days: Q, fact_filter_months: Q) -> None:
    """Re-aggregate summary rows from facts (set-based): delete the rows the filters select,
    insert fresh GROUP BY results (INSERT … SELECT)."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    DaySummary.objects.filter(day_filter).delete()
    _insert_select(
        DaySummary,
        ("agency", "day", *DAY_COUNTERS),
        DossierFact.objects.filter(fact_filter_days)
        .values("agency_id", "received_on")
        .annotate(**_day_aggregates())
        .order_by()
        .values_list("agency_id", "received_on", *DAY_COUNTERS),
    )
    # the month rows of the same agencies and months (both filters select whole months)
    MonthSummary.objects.filter(month_filter).delete()
    _insert_select(
        MonthSummary,
        ("agency", "month", *DAY_COUNTERS),
        DaySummary.objects.filter(day_filter)
        .annotate(m=TruncMonth("day"))
        .values("agency_id", "m")
        .annotate(**{f"sum_{c}": Sum(c) for c in DAY_COUNTERS})
        .order_by()
        .values_list("agency_id", "m", *(f"sum_{c}" for c in DAY_COUNTERS)),
    )
    ProcedureMonthSummary.objects.filter(month_filter).delete()
    _insert_select(
        ProcedureMonthSummary,
        ("agency", "month", "procedure", *PROCEDURE_COUNTERS),
        DossierFact.objects.filter(fact_filter_months)
        .annotate(month=TruncMonth("received_on"))
        .values("agency_id", "month", "procedure_id")
        .annotate(**_proc_aggregates())
        .order_by()
        .values_list("agency_id", "month", "procedure_id", *PROCEDURE_COUNTERS),
    )


def refresh_dossiers(dossier_ids: Iterable[int]) -> int:
    """Set-based refresh after a bulk import: facts of these dossiers, then their summary rows."""
    from cchc.dossiers.models import Dossier

    ids = sorted(set(dossier_ids))
    builder = FactBuilder()
    touched: set[tuple[int, dt.date, int]] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            rows = fetch_rows(Dossier.objects.filter(pk__in=chunk), BUILD_FIELDS)
            touched |= _store_facts(rows, chunk, builder)
    # re-aggregate whole months of the agencies touched: a few set-based statements per month
    agencies_by_month: dict[dt.date, set[int]] = defaultdict(set)
    for agency_id, day, _proc in touched:
        agencies_by_month[F_.month_of(day)].add(agency_id)
    with transaction.atomic():
        for month, agency_ids in sorted(agencies_by_month.items()):
            after = (month + dt.timedelta(days=32)).replace(day=1)
            facts = Q(agency_id__in=agency_ids, received_on__gte=month, received_on__lt=after)
            resummarise(
                Q(agency_id__in=agency_ids, day__gte=month, day__lt=after),
                Q(agency_id__in=agency_ids, month=month),
                facts,
                facts,
            )
    return len(ids)


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
    rows = fetch_rows(base.filter(pk__gt=lower, pk__lte=upper).order_by(), BUILD_FIELDS)
    return builder.build(rows, petitioned), len(rows)


def _replace_facts(base: Any, lower: int, upper: int, new: list[F_.FactValues]) -> None:
    """The facts of the period's dossiers with ids in (lower, upper] become `new` (a semi-join,
    not a list of ids: facts of other periods' dossiers in the same id range are kept)."""
    stale = DossierFact.objects.filter(pk__gt=lower, pk__lte=upper)
    if stale.exists():
        stale.filter(dossier__in=base.filter(pk__gt=lower, pk__lte=upper).values("pk")).delete()
    _insert_facts(new)


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


PETITION_FIELDS = (
    "id",
    "agency_id",
    "category",
    "status",
    "received_at",
    "handle_due_at",
    "handled_at",
    "likes",
    "dislikes",
    "dossier_id",
)


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


@transaction.atomic
def refresh_petition(petition_id: int) -> F_.PetitionValues | None:
    Petition = petition_model()
    if Petition is None:
        return None
    row = Petition.objects.filter(pk=petition_id).values(*PETITION_FIELDS).first()
    old = PetitionFact.objects.filter(pk=petition_id).first()
    new = F_.petition_fact(row) if row else None
    if new is None:
        PetitionFact.objects.filter(pk=petition_id).delete()
    else:
        PetitionFact.objects.update_or_create(
            petition_id=petition_id, defaults=new.as_model_kwargs()
        )
    for dossier_id in {getattr(old, "dossier_id", None), getattr(new, "dossier_id", None)}:
        if dossier_id is not None:
            transaction.on_commit(functools.partial(refresh_dossier, dossier_id))
    return new


# -- period documents, rankings ------------------------------------------------------------------
def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def version_for(scheme_code: str, period: Period) -> SchemeVersion:
    try:
        return SchemeVersion.objects.select_related("scheme").in_force(scheme_code, period.end)
    except SchemeVersion.DoesNotExist as exc:
        raise ValidationFailed(
            _("No methodology of scheme %(s)s is in force for %(p)s.")
            % {"s": scheme_code, "p": period}
        ) from exc


def agencies_for(period: Period, province_code: str = "", until: Period | None = None) -> list[Any]:
    """Agencies that existed at some time from the period's start to `until`'s end."""
    from cchc.agencies.models import Agency

    end = (until or period).end
    start = min(period.start, (until or period).start)
    qs = Agency.objects.filter(valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    if province_code:
        qs = qs.filter(province_code=province_code)
    return list(qs.select_related("group").order_by("code"))


def rank(entries: list[tuple[int, Any, float, int]], min_dossiers: int) -> dict[int, int | None]:
    """Competition ranking ("1, 2, 2, 4") of (agency_id, group, total, dossiers) within each
    group; agencies with fewer dossiers than `min_dossiers` are not ranked (None)."""
    out: dict[int, int | None] = {}
    by_group: dict[Any, list[tuple[int, float]]] = defaultdict(list)
    for agency_id, group, total, dossiers in entries:
        if dossiers < min_dossiers:
            out[agency_id] = None
        else:
            by_group[group].append((agency_id, round(total, 2)))
    for members in by_group.values():
        members.sort(key=lambda m: -m[1])
        previous, position = None, 0
        for index, (agency_id, total) in enumerate(members, start=1):
            if total != previous:
                position, previous = index, total
            out[agency_id] = position
    return out


class PeriodScores:
    """Scores of every agency for one period (live), with counters kept for evidence."""

    def __init__(
        self,
        spec: SchemeSpec,
        version: SchemeVersion,
        period: Period,
        agencies: list[Any],
        counters: dict[int, dict[str, int]],
        min_dossiers: int,
    ):
        self.spec, self.version, self.period, self.agencies = spec, version, period, agencies
        self.counters = counters
        self.scores: dict[int, AgencyScore] = {
            a.pk: score_agency(spec, counters[a.pk]) for a in agencies
        }
        self.ranks = rank(
            [
                (a.pk, a.group_id, self.scores[a.pk].total, counters[a.pk].get("received", 0))
                for a in agencies
            ],
            min_dossiers,
        )

    @functools.cached_property
    def province(self) -> AgencyScore:
        """The province row: every agency's counters added up, scored like one agency."""
        total: dict[str, int] = {}
        for c in self.counters.values():
            for k, v in c.items():
                total[k] = total.get(k, 0) + (v or 0)
        return score_agency(self.spec, total)

    def document(self) -> dict[str, Any]:
        rows = []
        for a in self.agencies:
            s = self.scores[a.pk]
            rows.append(
                {
                    "code": a.code,
                    "name": a.name,
                    "group": a.group.name if a.group_id else "",
                    "total": s.total,
                    "rank": self.ranks.get(a.pk),
                    "groups": {
                        g.code: {
                            "score": g.score,
                            "max": _num(g.max_points),
                            "metrics": {
                                m.code: {
                                    "numerator": m.numerator,
                                    "denominator": m.denominator,
                                    "score": m.score,
                                    "max": _num(m.max_points),
                                }
                                for m in g.metrics
                            },
                        }
                        for g in s.groups
                    },
                }
            )
        return {
            "scheme": self.spec.scheme,
            "version": self.spec.version,
            "period": str(self.period),
            "agencies": rows,
        }


def period_scores(
    scheme_code: str, period: Period, *, province_code: str = "", now: dt.datetime | None = None
) -> PeriodScores:
    return period_scores_many(scheme_code, [period], province_code=province_code, now=now)[0]


def period_scores_many(
    scheme_code: str,
    periods: list[Period],
    *,
    province_code: str = "",
    now: dt.datetime | None = None,
) -> list[PeriodScores]:
    """Scores of several periods (a trend) with the counters read once for all of them.
    Periods without a methodology in force are left out."""
    with unprepared():
        return _period_scores_many(scheme_code, periods, province_code=province_code, now=now)


def _period_scores_many(
    scheme_code: str, periods: list[Period], *, province_code: str, now: dt.datetime | None
) -> list[PeriodScores]:
    versions = {}
    for p in periods:
        try:
            versions[p] = version_for(scheme_code, p)
        except ValidationFailed:
            if len(periods) == 1:
                raise
    if not versions:
        return []
    kept = [p for p in periods if p in versions]
    specs = {v.pk: spec_from_version(v) for v in {v.pk: v for v in versions.values()}.values()}
    first = specs[versions[kept[-1]].pk]
    everyone = agencies_for(kept[0], province_code, until=kept[-1])
    agencies_by_period = {
        p: [
            a
            for a in everyone
            if a.valid_from <= p.end and (a.valid_to is None or a.valid_to >= p.start)
        ]
        for p in kept
    }
    agency_ids = sorted({a.pk for agencies in agencies_by_period.values() for a in agencies})
    counters = period_counters_many(
        kept,
        agency_ids,
        publish_within_days=int(first.params.get("publish_within_days", 5)),
        now=now,
    )
    min_dossiers = ProvinceIndexSetting.for_province(province_code).min_dossiers_to_rank
    return [
        PeriodScores(
            specs[versions[p].pk], versions[p], p, agencies_by_period[p], counters[p], min_dossiers
        )
        for p in kept
    ]


def period_document(
    scheme_code: str, period: Period, *, province_code: str = "", live: bool = False
) -> dict[str, Any]:
    """The interchange.md §2 document; a closed period returns its frozen figures."""
    if not live:
        version = version_for(scheme_code, period)
        report = PeriodReport.objects.filter(
            version=version, period=str(period), province_code=province_code
        ).first()
        if report is not None:
            return report.document
    return period_scores(scheme_code, period, province_code=province_code).document()


def watermark() -> tuple[int, dt.datetime | None]:
    from cchc.dossiers.models import DossierEvent

    agg = DossierEvent.objects.aggregate(id=Max("pk"), at=Max("recorded_at"))
    return int(agg["id"] or 0), agg["at"]


def _check_province_admin(actor: Any, province_code: str) -> None:
    if not permissions.is_province_admin(actor, province_code or None):
        raise NotPermitted(
            _("Only the province's administrator may close or restate a reporting period.")
        )


@transaction.atomic
def close_period(
    *, actor: Any, scheme_code: str, period: Period, province_code: str
) -> PeriodReport:
    """Freeze a period: the figures, the methodology version and the data watermark."""
    _check_province_admin(actor, province_code)
    if period.end_at > timezone.now():
        raise TransitionNotAllowed(_("Period %(p)s has not ended yet.") % {"p": period})
    version = version_for(scheme_code, period)
    if (
        PeriodReport.objects.select_for_update()
        .filter(version=version, period=str(period), province_code=province_code)
        .exists()
    ):
        raise TransitionNotAllowed(
            _("Period %(p)s is already closed; restate it with a reason instead.") % {"p": period}
        )
    event_id, at = watermark()
    return PeriodReport.objects.create(
        version=version,
        period=str(period),
        province_code=province_code,
        closed_by=actor,
        document=period_scores(scheme_code, period, province_code=province_code).document(),
        watermark_event_id=event_id,
        watermark_at=at,
    )


@transaction.atomic
def restate_period(*, actor: Any, report: PeriodReport, reason: str) -> PeriodReport:
    """Replace a closed period's figures with today's computation, recording why and by whom."""
    _check_province_admin(actor, report.province_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason for the restatement."), field="reason")
    report = (
        PeriodReport.objects.select_for_update().select_related("version__scheme").get(pk=report.pk)
    )
    Restatement.objects.create(
        report=report,
        reason=reason,
        previous_document=report.document,
        previous_watermark_event_id=report.watermark_event_id,
        actor=actor,
    )
    period = Period.parse(report.period)
    report.document = period_scores(
        report.version.scheme.code, period, province_code=report.province_code
    ).document()
    report.watermark_event_id, report.watermark_at = watermark()
    report.restated += 1
    report.save(update_fields=["document", "watermark_event_id", "watermark_at", "restated"])
    return report
