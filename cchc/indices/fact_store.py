"""Where facts and summary counters are written: fact rows (COPY on PostgreSQL), counter
deltas added to summary rows (one upsert in key order), and the set-based re-aggregation of
summary rows from facts. The refresh and rebuild paths (refresh.py, rebuild.py) call these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from cchc.core import rowsql
from cchc.indices import facts as F_
from cchc.indices.models import (
    DAY_COUNTERS,
    PROCEDURE_COUNTERS,
    DaySummary,
    DossierFact,
    MonthSummary,
    ProcedureMonthSummary,
)
from cchc.indices.summaries import (
    FactBuilder,
    dossiers_with_petitions,
)

CHUNK = 5000
REBUILD_CHUNK = 20000  # dossier ids per rebuild chunk (one transaction, one resume point)
FACT_FIELDS = F_.FACT_FIELD_NAMES


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


def apply_deltas(changes: Iterable[tuple[F_.FactValues | None, F_.FactValues | None]]) -> None:
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


def delete_facts(ids: list[int]) -> None:
    DossierFact.objects.filter(pk__in=ids).delete()


def insert_facts(new: list[F_.FactValues]) -> None:
    """Insert fact rows: COPY on PostgreSQL (the full rebuild writes a million of them)."""
    if not new:
        return
    if connection.vendor != "postgresql":
        DossierFact.objects.bulk_create(
            [DossierFact(**f.as_model_kwargs()) for f in new], batch_size=2000
        )
        return
    fields: list[Any] = [
        DossierFact._meta.get_field(name) for name in (*F_.FACT_FIELD_NAMES, "computed_at")
    ]
    now = timezone.now()
    # binary COPY: psycopg encodes each value in C by its declared column type; the text
    # format cost seven times more Python time than the rows' binary form
    sql = f"COPY {DossierFact._meta.db_table} ({', '.join(f.column for f in fields)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        copy.set_types([f.db_type(connection) for f in fields])
        for fact in new:
            copy.write_row((*fact, now))


def store_facts(
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
    insert_facts(new)
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
    rowsql.cursor(connection).execute(f"INSERT INTO {table} ({names}) {sql}", params)


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
