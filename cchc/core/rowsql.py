"""Fixed statements for the hottest paths, with binary results, and rows built without __init__.

What the measurements in docs/performance.md justify, and nothing more:

- **Fixed statements.** A dossier lifecycle action locks one row, inserts an event and
  updates the row: a few statements whose SQL never changes. Compiling them through the ORM
  on every call cost more Python time than PostgreSQL needed to run them. These helpers build
  each statement once per model and column list, and convert values exactly as the ORM does
  (`Field.pre_save`, `get_db_prep_save`, and the database converters of each column), so
  rows written or read here are indistinguishable from ORM ones; a test round-trips every
  field type in use against the ORM.
- **Binary results** (PostgreSQL): timestamps load in C instead of being parsed in Python;
  `query_rows` runs an ORM queryset's own SQL that way for the index rebuild's bulk reads.
- **Rows without `__init__`**: instances are filled in as `Model.from_db` would, without its
  per-field setattr and signals, for models where that is the same.

Every statement goes through Django's cursor wrapper (`cursor`): errors, broken-transaction
guard, query logging and `execute_wrapper` behave as for the ORM. These helpers do not send
`pre_save`/`post_save` signals: use them only for models nobody listens to that way (the
dossiers app announces its changes with its own signals). Raw SQL elsewhere in the project
(set-based aggregates, COPY, upserts) runs on `cursor` too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils.connection import ConnectionProxy
from psycopg import RawCursor
from psycopg.adapt import Loader
from psycopg.pq import Format

M = TypeVar("M", bound=Model)

_sql: dict[tuple[Any, ...], str] = {}
_readers: dict[tuple[str, type[Model]], list[tuple[str, list[Any], Any]]] = {}


def _q(connection: Any, name: Any) -> str:
    return str(connection.ops.quote_name(name))


def _field(meta: Any, name: str) -> Any:
    """A concrete field by name (typed loosely: get_field may also return relations)."""
    return meta.pk if name == "pk" else meta.get_field(name)


def cursor(connection: Any, *, numbered: bool = False) -> Any:
    """A cursor for one statement whose rows are fetched at once: Django's own cursor wrapper
    (its broken-transaction guard, error classes, query logging and `execute_wrapper`s all
    apply) around the connection's kept psycopg cursor, which returns binary results on
    PostgreSQL. Callers fetch what they need before the next statement and never close it
    (no `with`).

    Why one psycopg cursor is kept per connection: psycopg looks up a cursor's dumpers and
    loaders on its first use and keeps them with the cursor (a JSON dumper alone costs ~0.1 ms
    to create), so a fresh cursor per statement paid for those lookups every time: ~80 µs of
    the ~140 µs of client CPU of a one-row statement (docs/performance.md). A new one is made
    when the connection is replaced (Django's connections are per thread).

    `numbered`: the statement's parameters are PostgreSQL's own `$1, $2…` (a second kept
    cursor, psycopg's RawCursor, which sends the SQL as it is). psycopg keeps the parse of a
    `%s` statement only up to 50 parameters; a wider one, such as the intake's insert of a
    dossier with its event, was split by a regular expression in Python on every call. Not
    while Django logs statements (DEBUG, tests capturing queries): its log rebuilds each
    statement from `%s` placeholders, so a logged statement keeps them.
    """
    if type(connection) is ConnectionProxy:
        # `django.db.connection` looks its connection up in a thread-local on every attribute
        # read: once here instead of at each of the eight reads below (~1 % of an API call)
        connection = connections[connection._alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    kept = getattr(connection, "_rowsql_cursor", None)
    if kept is None or kept[0] is not connection.connection:
        pg = connection.connection
        kept = connection._rowsql_cursor = (pg, _binary(pg.cursor()), _binary(RawCursor(pg)))
    connection.validate_thread_sharing()
    raw = kept[2 if numbered else 1]
    return (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )


def _binary(raw: Any) -> Any:
    raw.format = Format.BINARY
    raw.adapters.register_loader("jsonb", _JsonbAsText)
    return raw


@functools.cache
def _numbered(sql: str) -> str:
    """`%s` placeholders as `$1, $2…`, for a statement built here (no other `%` in it)."""
    parts = sql.split("%s")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]


def query_rows(
    queryset: Any, fields: tuple[str, ...], using: str = "default"
) -> list[dict[str, Any]]:
    """Rows of an ORM queryset as dicts of `fields`, its SQL compiled by the ORM and run as is
    on the binary cursor: timestamps load in C (~5× cheaper than parsing their text), a third of
    the cost of `.values()` when the full index rebuild reads a million dossiers. Values come
    as the driver loads them (no ORM converters): use for keys, numbers, strings, dates and
    timestamps."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return list(queryset.values(*fields))
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    cur = cursor(connection)
    cur.execute(sql, params)
    return [dict(zip(fields, row, strict=True)) for row in cur.fetchall()]


class _JsonbAsText(Loader):
    """jsonb in binary is a version byte (1) and the document's text."""

    format = Format.BINARY

    def load(self, data: Any) -> str:
        return bytes(data[1:]).decode()


def insert_row(obj: M, using: str = "default") -> M:
    """INSERT the instance (all concrete fields, the auto primary key returned)."""
    _insert(obj, using, None)
    return obj


def insert_row_unless_taken(
    obj: Model, field: str, *dependents: Model, using: str = "default"
) -> bool:
    """INSERT the instance unless another row already holds its value of the unique `field`
    (ON CONFLICT DO NOTHING: no error, so the transaction goes on); True if it was inserted.

    `dependents` are rows that refer to it, inserted only if it was (their foreign keys set,
    so the instance's primary key must be given). On PostgreSQL all of them go in one
    statement (a writable WITH: one round trip, one parse); elsewhere one statement each."""
    connection = connections[using]
    if not dependents or connection.vendor != "postgresql":
        if not _insert(obj, using, field):
            return False
        for dependent in dependents:
            _insert(dependent, using, None)
        return True
    if obj.pk is None:
        raise ValueError(f"{obj._meta.label}: dependents need the row's primary key given")
    rows = [_prepared(row, connection, strict=True) for row in (obj, *dependents)]
    key = (
        "insert_with",
        connection.vendor,
        field,
        *((m.label, tuple(f.column for f in fs)) for m, fs, _v in rows),
    )
    sql = _sql.get(key)
    if sql is None:
        meta, fields, _values = rows[0]
        parts = [
            f"t0 AS ({_insert_sql(connection, meta, fields)} "
            f"ON CONFLICT ({_q(connection, _field(meta, field).column)}) DO NOTHING RETURNING 1)"
        ]
        for i, (meta, fields, _values) in enumerate(rows[1:], start=1):
            # the values are cast to their columns' types: a parameter in a SELECT list has
            # no type of its own
            cast = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
            parts.append(
                f"t{i} AS (INSERT INTO {_q(connection, meta.db_table)} "
                f"({', '.join(_q(connection, f.column) for f in fields)}) SELECT {cast} FROM t0 "
                f"RETURNING {_q(connection, meta.pk.column)})"
            )
        picks = ", ".join(f"(SELECT * FROM t{i})" for i in range(len(rows)))  # t0: 1 or NULL
        sql = _sql[key] = f"WITH {', '.join(parts)} SELECT {picks}"
    # numbered unless Django logs the statements: its log rebuilds each one from `%s`
    numbered = not connection.queries_logged
    cur = cursor(connection, numbered=numbered)
    cur.execute(
        _numbered(sql) if numbered else sql,
        [v for _m, _f, values in rows for v in values or ()],
    )
    returned = cur.fetchone()
    if returned[0] is None:
        return False
    for row, pk in zip((obj, *dependents), (obj.pk, *returned[1:]), strict=True):
        setattr(row, row._meta.pk.attname, pk)
        row._state.adding = False
        row._state.db = using
    return True


def _prepared(
    obj: Model, connection: Any, *, strict: bool
) -> tuple[Any, list[Any], list[Any] | None]:
    """The instance's meta, the concrete fields to insert (the auto primary key left out when
    unset) and their values as the ORM would send them; None for the values when a field is
    left to a database default (`strict`: refused instead)."""
    meta = obj._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if not (f is pk and getattr(obj, f.attname) is None)]
    values: list[Any] = []
    for f in fields:
        value = f.pre_save(obj, True)
        if isinstance(value, DatabaseDefault):
            if strict:
                raise ValueError(f"{meta.label}: database defaults are left to the ORM")
            return meta, fields, None
        values.append(f.get_db_prep_save(value, connection))
    return meta, fields, values


def _insert_sql(connection: Any, meta: Any, fields: list[Any]) -> str:
    return (
        f"INSERT INTO {_q(connection, meta.db_table)} ({', '.join(_q(connection, f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )


def _insert(obj: Model, using: str, unless_taken: str | None) -> bool:
    connection = connections[using]
    meta, fields, values = _prepared(obj, connection, strict=unless_taken is not None)
    if values is None:  # a db_default left to the database: the ORM knows how
        obj.save(force_insert=True, using=using)
        return True
    pk = meta.pk
    returning = connection.features.can_return_columns_from_insert and pk not in fields
    key = (
        "insert",
        connection.vendor,
        meta.label,
        tuple(f.column for f in fields),
        returning,
        unless_taken,
    )
    sql = _sql.get(key)
    if sql is None:
        sql = _insert_sql(connection, meta, fields)
        if unless_taken is not None:
            sql += f" ON CONFLICT ({_q(connection, _field(meta, unless_taken).column)}) DO NOTHING"
        if returning:
            sql += f" RETURNING {_q(connection, pk.column)}"
        _sql[key] = sql
    cur = cursor(connection)
    cur.execute(sql, values)
    if returning:
        row = cur.fetchone()  # none when the value was taken
        if row is None:
            return False
        setattr(obj, pk.attname, row[0])
    elif unless_taken is not None and cur.rowcount == 0:
        return False
    elif pk not in fields:
        setattr(obj, pk.attname, cur.lastrowid)
    obj._state.adding = False
    obj._state.db = using
    return True


def update_row(obj: Model, fields: Iterable[str], using: str = "default") -> None:
    """UPDATE the named fields of the instance's row (auto_now fields get the current time)."""
    connection = connections[using]
    meta = obj._meta
    chosen = [_field(meta, name) for name in dict.fromkeys(fields)]
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in chosen]
    key = ("update", connection.vendor, meta.label, tuple(f.column for f in chosen))
    sql = _sql.get(key)
    if sql is None:
        sets = ", ".join(f"{_q(connection, f.column)} = %s" for f in chosen)
        sql = f"UPDATE {_q(connection, meta.db_table)} SET {sets} WHERE {_q(connection, meta.pk.column)} = %s"
        _sql[key] = sql
    cur = cursor(connection)
    cur.execute(sql, [*values, meta.pk.get_db_prep_value(obj.pk, connection)])
    if cur.rowcount != 1:
        raise meta.model.DoesNotExist(f"{meta.label} {obj.pk} is gone")  # type: ignore[attr-defined]


def _reader(connection: Any, model: type[Model]) -> list[tuple[str, list[Any], Any]]:
    """Per concrete field: its column, the converters the ORM would apply, and the Col."""
    key = (connection.vendor, model)
    reader = _readers.get(key)
    if reader is None:
        reader = []
        for f in model._meta.concrete_fields:
            col = f.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            reader.append((str(f.column), converters, col))
        _readers[key] = reader
    return reader


_attnames: dict[type[Model], tuple[str, ...] | None] = {}


def _instance(connection: Any, model: type[M], row: tuple[Any, ...], using: str) -> M:
    values = []
    for value, (_c, converters, col) in zip(row, _reader(connection, model), strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        values.append(value)
    names = _attnames.get(model, ())
    if names == ():
        names = _attnames[model] = _plain_attnames(model)
    if names is None:
        return model.from_db(using, [f.attname for f in model._meta.concrete_fields], values)
    # What Model.from_db ends with, without Model.__init__'s per-field setattr and its two
    # signals (nobody listens to them for these models): an action reads ~8 rows this way
    # (a dossier and its related rows), and __init__ was the largest Python cost of reading.
    obj = model.__new__(model)
    state = ModelState()
    state.adding, state.db = False, using
    obj.__dict__["_state"] = state
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


def _plain_attnames(model: type[Model]) -> tuple[str, ...] | None:
    """The model's column attributes when an instance can be filled in directly: each one is
    stored as is in the instance's __dict__ (no descriptor that does more on assignment than a
    foreign key's, which only drops a cached related object that a new instance cannot have),
    no receiver of pre_init/post_init (such as ImageField's) expects to run, and the model
    overrides neither __init__ nor from_db. None otherwise."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return None  # the model does something of its own when built or loaded
    for f in model._meta.concrete_fields:
        if type(getattr(model, f.attname, None)) not in (
            DeferredAttribute,
            ForeignKeyDeferredAttribute,
        ):
            return None
    return tuple(f.attname for f in model._meta.concrete_fields)


def _columns(connection: Any, model: type[Model]) -> str:
    return ", ".join(_q(connection, c) for c, _conv, _col in _reader(connection, model))


def _where(connection: Any, meta: Any, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """`a = %s AND b IS NULL …` for field name ("pk" too) → value (None: IS NULL; a model
    instance: its primary key)."""
    clauses, params = [], []
    for name, value in filters.items():
        field = _field(meta, name)
        if value is None:
            clauses.append(f"{_q(connection, field.column)} IS NULL")
        else:
            clauses.append(f"{_q(connection, field.column)} = %s")
            params.append(field.get_db_prep_value(getattr(value, "pk", value), connection))
    return " AND ".join(clauses), params


def values(
    model: type[Model], fields: tuple[str, ...], filters: dict[str, Any], using: str = "default"
) -> list[tuple[Any, ...]]:
    """Raw values of `fields` from the rows matching `filters`, as the driver returns them
    (no ORM conversion: use for integers, strings and keys; `converter` for the rest)."""
    connection = connections[using]
    meta = model._meta
    where, params = _where(connection, meta, filters)
    key = ("values", connection.vendor, meta.label, fields, where)
    sql = _sql.get(key)
    if sql is None:
        cols = ", ".join(_q(connection, _field(meta, f).column) for f in fields) or "1"
        sql = f"SELECT {cols} FROM {_q(connection, meta.db_table)} WHERE {where}"
        _sql[key] = sql
    cur = cursor(connection)
    cur.execute(sql, params)
    return cur.fetchall()


def exists(model: type[Model], filters: dict[str, Any], using: str = "default") -> bool:
    return bool(values(model, (), filters, using))


def latest_row(
    model: type[M], filters: dict[str, Any], order_by: str, using: str = "default"
) -> M | None:
    """The row with the highest `order_by` among those matching `filters` (field name →
    value; None means IS NULL), or None."""
    connection = connections[using]
    meta = model._meta
    where, params = _where(connection, meta, filters)
    key = ("latest", connection.vendor, meta.label, where, order_by)
    sql = _sql.get(key)
    if sql is None:
        sql = (
            f"SELECT {_columns(connection, model)} FROM {_q(connection, meta.db_table)} WHERE {where} "
            f"ORDER BY {_q(connection, _field(meta, order_by).column)} DESC LIMIT 1"
        )
        _sql[key] = sql
    cur = cursor(connection)
    cur.execute(sql, params)
    row = cur.fetchone()
    return None if row is None else _instance(connection, model, row, using)


def _joined(connection: Any, model: type[Model], fks: list[Any]) -> tuple[list[str], list[str]]:
    """Columns of the row (t0) and of the rows its foreign keys point to (t1…), and the joins.

    On PostgreSQL each related row is a LATERAL subquery with LIMIT 1: one primary-key probe
    per row. As plain joins, the planner hashed whole small tables (agencies, procedures)
    for a single dossier: 0.4 ms of server time per read instead of ~0.05 ms. The subquery
    selects `*` (the outer list names the columns): listing them twice made a dossier's lock
    5.6 kB of SQL, past the 4 kB up to which psycopg keeps a statement's parse, so each lock
    was parsed again in Python (docs/performance.md)."""
    cols = [f"t0.{_q(connection, c)}" for c, _conv, _col in _reader(connection, model)]
    joins = []
    for i, fk in enumerate(fks, start=1):
        target = fk.related_model
        names = [_q(connection, c) for c, _conv, _col in _reader(connection, target)]
        cols += [f"t{i}.{name}" for name in names]
        table, key, ref = (
            _q(connection, target._meta.db_table),
            _q(connection, fk.target_field.column),
            _q(connection, fk.column),
        )
        if connection.vendor == "postgresql":
            joins.append(
                f"LEFT JOIN LATERAL (SELECT * FROM {table} WHERE {key} = t0.{ref} LIMIT 1) t{i} ON true"
            )
        else:
            joins.append(f"LEFT JOIN {table} t{i} ON t{i}.{key} = t0.{ref}")
    return cols, joins


def _select_by(connection: Any, meta: Any, field: str, cols: list[str], joins: list[str]) -> str:
    return (
        f"SELECT {', '.join(cols)} FROM {_q(connection, meta.db_table)} t0 {' '.join(joins)} "
        f"WHERE t0.{_q(connection, _field(meta, field).column)} = %s"
    )


def _fetch(connection: Any, meta: Any, field: str, value: Any, sql: str) -> list[tuple[Any, ...]]:
    cur = cursor(connection)
    cur.execute(sql, [_field(meta, field).get_db_prep_value(value, connection)])
    return cur.fetchall()


def get_row(
    model: type[M],
    field: str,
    value: Any,
    related: tuple[str, ...] = (),
    using: str = "default",
    *,
    for_update: bool = False,
) -> M | None:
    """The row whose `field` equals `value` (a unique field, or "pk"), with the rows its foreign
    keys in `related` point to loaded in the same statement (LEFT JOINs), or None. `for_update`
    locks the row itself (not the related ones) until the transaction ends."""
    connection = connections[using]
    meta = model._meta
    fks = [_field(meta, name) for name in related]
    key = ("get", connection.vendor, meta.label, field, related, for_update)
    sql = _sql.get(key)
    if sql is None:
        sql = _select_by(connection, meta, field, *_joined(connection, model, fks))
        if for_update and connection.features.has_select_for_update:
            sql += (
                " FOR UPDATE OF t0"
                if connection.features.has_select_for_update_of
                else " FOR UPDATE"
            )
        _sql[key] = sql
    rows = _fetch(connection, meta, field, value, sql)
    return _build(connection, model, fks, rows[0], using) if rows else None


def get_row_with_values(
    model: type[M],
    field: str,
    value: Any,
    related: tuple[str, ...],
    child: type[Model],
    child_fk: str,
    child_fields: tuple[str, ...],
    using: str = "default",
) -> tuple[M | None, list[tuple[Any, ...]]]:
    """`get_row`, plus the raw `child_fields` of the `child` rows whose foreign key `child_fk`
    points to the row or to one of its `related` rows, in the same statement (one result row
    per child, LEFT JOIN): a token, its user and the user's memberships in one round trip.
    The first of `child_fields` must be NOT NULL (a NULL there means "no child row")."""
    connection = connections[using]
    meta = model._meta
    fks = [_field(meta, name) for name in related]
    key = (
        "get_with",
        connection.vendor,
        meta.label,
        field,
        related,
        child._meta.label,
        child_fk,
        child_fields,
    )
    sql = _sql.get(key)
    if sql is None:
        fk = _field(child._meta, child_fk)
        alias = f"t{[model, *(f.related_model for f in fks)].index(fk.related_model)}"
        cols, joins = _joined(connection, model, fks)
        cols += [f"c.{_q(connection, _field(child._meta, f).column)}" for f in child_fields]
        joins.append(
            f"LEFT JOIN {_q(connection, child._meta.db_table)} c "
            f"ON c.{_q(connection, fk.column)} = {alias}.{_q(connection, fk.target_field.column)}"
        )
        sql = _sql[key] = _select_by(connection, meta, field, cols, joins)
    rows = _fetch(connection, meta, field, value, sql)
    if not rows:
        return None, []
    n = len(child_fields)
    return _build(connection, model, fks, rows[0][:-n], using), [
        row[-n:] for row in rows if row[-n] is not None
    ]


def _build(connection: Any, model: type[M], fks: list[Any], row: tuple[Any, ...], using: str) -> M:
    width = len(model._meta.concrete_fields)
    obj = _instance(connection, model, row[:width], using)
    start = width
    for fk in fks:
        target = fk.related_model
        n = len(target._meta.concrete_fields)
        part = row[start : start + n]
        start += n
        fk.set_cached_value(
            obj,
            None
            if getattr(obj, fk.attname) is None
            else _instance(connection, target, part, using),
        )
    return obj


def converter(model: type[Model], field: str, using: str = "default") -> Any:
    """A function turning a raw database value of `model.field` into what the ORM returns."""
    connection = connections[using]
    column = _field(model._meta, field).column
    converters, col = next(
        (conv, col) for c, conv, col in _reader(connection, model) if c == column
    )

    def convert(value: Any) -> Any:
        for fn in converters:
            value = fn(value, col, connection)
        return value

    return convert


def lock_row(model: type[M], pk: Any, related: tuple[str, ...] = (), using: str = "default") -> M:
    """SELECT … FOR UPDATE of one row by primary key, as a model instance (with the rows its
    foreign keys in `related` point to, read but not locked, as in get_row)."""
    row = get_row(model, "pk", pk, related, using=using, for_update=True)
    if row is None:
        raise model.DoesNotExist(f"{model._meta.label} {pk} does not exist")  # type: ignore[attr-defined]
    return row
