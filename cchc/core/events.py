"""The event log every workflow module shares.

An aggregate (a dossier, a petition, a complaint, a survey response, a PAR assessment, a
task, an inspection) keeps its history as rows of a concrete subclass of `EventLog`, one per
action: sequence number within the aggregate, time, actor and its label, from/to state, a
note and structured data. Rows are append-only (the model refuses updates and deletes; the
modules' migrations add database triggers where the table is on PostgreSQL).

The one way to write a row is `append_event`, called by a service function while it holds
the aggregate's row lock (`lock`), so sequence numbers never collide:

    subject = events.lock(subject)                      # SELECT ... FOR UPDATE
    ...check permission and transition...
    events.append_event(TaskEvent, subject, action="acknowledge", actor=actor,
                        from_status=subject.status, to_status="ACKNOWLEDGED")

A concrete model declares the foreign key to its aggregate and names it in `subject_field`;
its state fields (`from_status`, `to_status`) are its own, since each module has its own
state vocabulary (numbers for dossiers, codes elsewhere). Its migration makes the table
append-only in the database with one operation, and its admin is the shared read-only one:

    operations = [..., events.append_only_triggers("tasks_taskevent", "task events")]
    # admin.py
    register_event_log(TaskEvent)                       # cchc.core.admin

Each row carries `hash`, chaining it to the row before it in the same subject's log
(issue 12 point 7, docs/security.md §7): sha256 of the previous row's hash followed by the
row's canonical serialisation (`canonical`: subject id, sequence, time in UTC ISO form,
action, actor id and label, note, data as sorted JSON, and the model's `chained_fields`).
`append_event` computes it under the subject's lock; bulk paths (cchc.interchange) use
`row_hash`/`chain_rows` as they build rows, or `append_in_bulk` for an import's audit rows
(the catalogue's and the agencies'); `manage.py verify_event_chains` recomputes every
chain. A row changed or deleted behind the application's back (raw SQL, a restored dump
edited by hand) no longer matches, and the command names it.

The serialisation of a model is fixed: a column added to an event model later is not
chained unless it is added to `chained_fields` together with a migration that re-hashes
(`chain_hashes`); otherwise every stored row would stop verifying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Required, TypedDict, TypeVar

from django.conf import settings
from django.db import migrations, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core import rowsql
from cchc.core.actors import actor_label, actor_user, require_actor
from cchc.core.models import AppendOnlyModel

E = TypeVar("E", bound="EventLog")
M = TypeVar("M", bound=models.Model)


class EventLog(AppendOnlyModel):
    """One action on an aggregate. Concrete subclasses add the aggregate's foreign key (named
    by `subject_field`) and their state fields."""

    subject_field: ClassVar[str] = ""
    # The concrete model's own columns (attnames) that enter the row's hash, beside the
    # common ones (`CHAINED`). Fixed per model: see the module docstring.
    chained_fields: ClassVar[tuple[str, ...]] = ()
    # What each action is called on the pages that show the log (action code -> label);
    # an action not named here shows its code.
    action_labels: ClassVar[Mapping[str, Any]] = {}

    seq = models.PositiveIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field + '_id', '?')}#{self.seq} {self.action}"

    def action_label(self) -> str:
        return str(self.action_labels.get(self.action, self.action))


def lock(subject: M) -> M:
    """The aggregate's row, locked until the transaction ends and read afresh."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic()")
    return type(subject)._default_manager.select_for_update(of=("self",)).get(pk=subject.pk)


def next_seq(model: type[EventLog], subject: models.Model) -> int:
    """The next sequence number of the subject's log. The caller holds the subject's row lock.
    An aggregate that keeps `last_event_seq` on its row saves the read (0 there means
    "not known", e.g. rows bulk-loaded without it, and falls back to reading the log)."""
    kept = getattr(subject, "last_event_seq", None)
    if kept:
        return int(kept) + 1
    last = (
        model._default_manager.filter(**{model.subject_field: subject})
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return (last or 0) + 1


# Columns every event row chains (attnames); the subject's id enters as "subject".
CHAINED = ("seq", "at", "action", "actor_id", "actor_label", "note", "data")
# Columns never chained: the row's own id (given by the database after the hash is made),
# the hash itself, and the moment of writing (bulk paths set it once per file).
UNCHAINED = ("id", "hash", "recorded_at")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical(subject_id: Any, row: Mapping[str, Any], extra: Iterable[str]) -> str:
    """The row's canonical serialisation: one JSON object with sorted keys, no spaces, UTF-8
    text as is; times in UTC ISO 8601; `data` as the database gives it back (a JSON round
    trip, so e.g. integer keys become the strings they are stored as)."""
    data = row["data"] or {}
    if data:
        data = json.loads(json.dumps(data))
    document = {
        "subject": subject_id,
        "seq": row["seq"],
        "at": _plain(row["at"]),
        "action": row["action"],
        "actor": row["actor_id"],
        "actor_label": row["actor_label"],
        "note": row["note"],
        "data": data,
    }
    for name in extra:
        document[name] = _plain(row[name])
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(previous: str, serialised: str) -> str:
    """sha256 hex of the previous row's hash (empty for a subject's first row) followed by
    the row's canonical serialisation."""
    return hashlib.sha256((previous + serialised).encode()).hexdigest()


class LogShape(NamedTuple):
    """What the chain needs to know of an event model: its subject and its own chained
    columns. A data migration hashing rows of a historical model (which lacks the ClassVars)
    names them here, instead of importing today's model."""

    subject_field: str
    chained_fields: tuple[str, ...] = ()


def row_hash(model: type[EventLog] | LogShape, previous: str, row: Mapping[str, Any]) -> str:
    """The hash of a row given as a mapping of attnames (the subject as `<field>_id`)."""
    return link(previous, canonical(row[model.subject_field + "_id"], row, model.chained_fields))


def _row(event: EventLog) -> dict[str, Any]:
    names = (event.subject_field + "_id", *CHAINED, *event.chained_fields)
    return {name: getattr(event, name) for name in names}


def chain_rows(
    model: type[E], rows: Iterable[E], previous: Mapping[Any, str] | None = None
) -> None:
    """Fill `hash` of unsaved rows built in bulk (each subject's rows in sequence order).
    `previous` gives the hash of the last stored row of subjects whose log already has rows."""
    last: dict[Any, str] = dict(previous or {})
    key = model.subject_field + "_id"
    for event in rows:
        subject_id = getattr(event, key)
        event.hash = row_hash(model, last.get(subject_id, ""), _row(event))
        last[subject_id] = event.hash


def append_in_bulk(model: type[E], rows: Sequence[E]) -> None:
    """Number, chain and insert unsaved rows built for many subjects at once (an import's
    audit rows), each subject's after its last stored row, in the order given. For a bulk
    path that does not lock every subject: a writer appending to one of them at the same
    moment is refused by the (subject, seq) uniqueness, not silently interleaved."""
    if not rows:
        return
    key = model.subject_field + "_id"
    log = model._default_manager
    latest = log.filter(**{model.subject_field: models.OuterRef(model.subject_field)})
    heads = {
        subject_id: (seq, head)
        for subject_id, seq, head in log.filter(
            **{f"{key}__in": {getattr(row, key) for row in rows}},
            seq=models.Subquery(latest.order_by("-seq").values("seq")[:1]),
        ).values_list(key, "seq", "hash")
    }
    seqs = {subject_id: seq for subject_id, (seq, _head) in heads.items()}
    for row in rows:
        subject_id = getattr(row, key)
        seqs[subject_id] = row.seq = seqs.get(subject_id, 0) + 1
    chain_rows(model, rows, {subject_id: head for subject_id, (_seq, head) in heads.items()})
    log.bulk_create(rows, batch_size=2000)


def kept_head(subject: models.Model, seq: int) -> str:
    """The hash of row `seq - 1` when the subject keeps its log's head on its own row
    (`last_event_head`, "<seq>:<hash>", read with the row lock like `last_event_seq`), else "".
    The head names its seq, so a writer that advanced `last_event_seq` without it (an import,
    a test) is noticed and the log is read instead."""
    head = getattr(subject, "last_event_head", "")
    if head:
        kept_seq, _, kept_hash = head.partition(":")
        if kept_seq == str(seq - 1):
            return kept_hash
    return ""


def previous_hash(
    model: type[EventLog], subject_id: Any, seq: int, subject: models.Model | None = None
) -> str:
    """The hash of the row before `seq` in the subject's log ("" for its first row). The
    caller holds the subject's row lock. The head kept on the subject's row when it matches
    (no query); else one fixed statement on the unique (subject, seq) index; only a log with a
    gap (rows given explicit sequence numbers) needs the fallback."""
    if seq <= 1:
        return ""
    if subject is not None and (kept := kept_head(subject, seq)):
        return kept
    found = rowsql.values(model, ("hash",), {model.subject_field: subject_id, "seq": seq - 1})
    if found:
        return str(found[0][0])
    before = (
        model._default_manager.filter(**{model.subject_field: subject_id, "seq__lt": seq})
        .order_by("-seq")
        .values_list("hash", flat=True)
        .first()
    )
    return before or ""


def as_data(value: Any) -> Any:
    """A value as an event's `data` keeps it (JSON) and a person reads it: a decimal as
    written (5, not 5.00), a time in local ISO form, a date in ISO form."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` of the fields of `after` whose value differs from `before`
    (compared as values: 5 and 5.00, or one instant in two time zones, are no change), as an
    event of an edit records them."""
    return {k: [as_data(before.get(k)), as_data(v)] for k, v in after.items() if before.get(k) != v}


class EventArgs(TypedDict, total=False):
    """The arguments of `append_event` every event has, whatever its model: a module's own
    append (`petitions.append`) takes them as `**event: Unpack[EventArgs]` and passes them
    on, naming only what it adds (its model's state columns)."""

    action: Required[str]
    actor: Required[Any]
    at: dt.datetime | None
    note: str
    data: dict[str, Any] | None
    seq: int | None


def append_event(
    model: type[E],
    subject: models.Model,
    *,
    action: str,
    actor: Any,
    at: dt.datetime | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    seq: int | None = None,
    insert: bool = True,
    save: bool | Sequence[str] = False,
    **fields: Any,
) -> E:
    """Append one row to the subject's log and return it.

    `actor` is a user or a system actor (cchc.core.actors); None is refused. `fields` are the
    concrete model's own columns (from_status, to_status, agency, ...). When the subject keeps
    `last_event_seq` (and `last_event_head`), they are advanced on the instance, and the
    caller saves the subject, or asks for it here: `save=True` saves the log position only,
    `save=["status", ...]` those fields with it. `insert=False` returns the row hashed but not
    written, for a caller that writes it in one statement with the subject's own row (a new
    dossier's first event, whose head goes into the dossier's INSERT).
    """
    require_actor(actor)
    if not model.subject_field:
        raise TypeError(f"{model.__name__}.subject_field is not set")
    event = model(
        **{model.subject_field: subject},
        seq=seq if seq is not None else next_seq(model, subject),
        at=at or timezone.now(),
        action=action,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        note=note,
        data=data or {},
        **fields,
    )
    event.hash = row_hash(model, previous_hash(model, subject.pk, event.seq, subject), _row(event))
    if insert:
        rowsql.insert_row(event)
    if hasattr(subject, "last_event_seq"):
        subject.last_event_seq = event.seq
    if hasattr(subject, "last_event_head"):
        subject.last_event_head = f"{event.seq}:{event.hash}"
    _save(subject, save)
    return event


def _save(subject: models.Model, save: bool | Sequence[str]) -> None:
    """`save` of `append_event`: the subject's named fields with the log position just
    advanced on it (`last_event_seq`, `last_event_head`), or nothing."""
    if not save:
        return
    if isinstance(save, str):
        raise TypeError("save= takes True or a list of field names, not one string")
    fields = [] if save is True else list(save)
    position = [f for f in ("last_event_seq", "last_event_head") if hasattr(subject, f)]
    subject.save(update_fields=[*fields, *position])


def append_transition(
    model: type[E],
    subject: Any,
    *,
    action: str,
    actor: Any,
    to_status: str = "",
    save: bool | Sequence[str] = False,
    **fields: Any,
) -> E:
    """`append_event` for a subject with a `status`: the event records the move from its
    status to `to_status` (empty: no move, the status is recorded on both sides), and the
    subject's status is set to it. The caller saves the subject, or asks for it with `save`
    as in `append_event` (the status is not saved unless named)."""
    event = append_event(
        model,
        subject,
        action=action,
        actor=actor,
        from_status=subject.status,
        to_status=to_status or subject.status,
        **fields,
    )
    if to_status:
        subject.status = to_status
    _save(subject, save)
    return event


def append_only_triggers(
    table: str,
    what: str,
    vendors: tuple[str, ...] = ("postgresql", "sqlite"),
    sqlite_name: str = "",
) -> migrations.RunPython:
    """A migration operation that makes an event table append-only in the database.

    PostgreSQL refuses UPDATE and DELETE (its test flush truncates, which row triggers do
    not see); SQLite refuses UPDATE only, since its flush empties tables with DELETE. SQLite
    rebuilds a table to alter a column, which drops its triggers: a later migration that
    alters the table runs this operation again (CREATE ... IF NOT EXISTS), for SQLite only
    (`vendors`) when the PostgreSQL trigger is still in place, under the trigger's existing
    name (`sqlite_name`, `<table>_no_update` unless an older migration chose another)."""
    message = f"{what} are append-only".replace("'", "")
    sqlite_trigger = sqlite_name or f"{table}_no_update"

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in vendors:
            return
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {sqlite_trigger} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )

    def backward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in vendors:
            return
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {sqlite_trigger};")

    return migrations.RunPython(forward, backward)


def chain_hashes(
    app_label: str, model_name: str, subject_field: str, chained_fields: tuple[str, ...]
) -> migrations.RunPython:
    """A migration operation that fills `hash` of the rows already stored, chain by chain in
    sequence order (the model's serialisation as of the migration: `subject_field` and
    `chained_fields` are given here, since historical models do not carry class variables).

    The append-only triggers refuse the UPDATE, so they are switched off for it: on
    PostgreSQL the table's own triggers are disabled and enabled again (migrations run as
    the owner role, docs/security.md §7); on SQLite the table's triggers are dropped and
    created again from their stored definitions."""
    batch = 5000

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        connection = schema_editor.connection
        table = model._meta.db_table
        quoted = connection.ops.quote_name(table)
        saved: list[str] = []
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
            elif connection.vendor == "sqlite":
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
                found = cur.fetchall()
                for name, _sql in found:
                    cur.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
                saved = [sql for _name, sql in found]
            key = subject_field + "_id"
            names = ("pk", key, *CHAINED, *chained_fields)
            rows = model._default_manager.order_by(key, "seq").values_list(*names)
            last_subject, previous, after = None, "", None
            while True:
                chunk = list((rows if after is None else _after(rows, key, after))[:batch])
                if not chunk:
                    break
                updates = []
                for values in chunk:
                    row = dict(zip(names, values, strict=True))
                    if row[key] != last_subject:
                        last_subject, previous = row[key], ""
                    previous = link(previous, canonical(row[key], row, chained_fields))
                    updates.append((previous, row["pk"]))
                cur.executemany(f"UPDATE {quoted} SET hash = %s WHERE id = %s", updates)  # noqa: S608 - table name from the model
                after = (chunk[-1][1], chunk[-1][2])
            # heads kept on the subjects' rows name the old hashes: forget them (the next
            # append of each subject reads its log once)
            subject_model = model._meta.get_field(subject_field).related_model
            if any(f.name == "last_event_head" for f in subject_model._meta.get_fields()):
                subject_model._default_manager.exclude(last_event_head="").update(
                    last_event_head=""
                )
            if connection.vendor == "postgresql":
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")
            for sql in saved:
                cur.execute(sql)

    return migrations.RunPython(forward, migrations.RunPython.noop)


def _after(rows: Any, key: str, after: tuple[Any, int]) -> Any:
    """The rows after (subject, seq) in (subject, seq) order (keyset paging)."""
    return rows.filter(
        models.Q(**{f"{key}__gt": after[0]}) | models.Q(**{key: after[0], "seq__gt": after[1]})
    )
