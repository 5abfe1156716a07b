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
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, TypeVar

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

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field + '_id', '?')}#{self.seq} {self.action}"


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
    **fields: Any,
) -> E:
    """Append one row to the subject's log and return it.

    `actor` is a user or a system actor (cchc.core.actors); None is refused. `fields` are the
    concrete model's own columns (from_status, to_status, agency, ...). When the subject keeps
    `last_event_seq`, it is advanced on the instance (the caller saves the subject).
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
    rowsql.insert_row(event)
    if hasattr(subject, "last_event_seq"):
        subject.last_event_seq = event.seq
    return event


def append_only_triggers(table: str, what: str) -> migrations.RunPython:
    """A migration operation that makes an event table append-only in the database.

    PostgreSQL refuses UPDATE and DELETE (its test flush truncates, which row triggers do
    not see); SQLite refuses UPDATE only, since its flush empties tables with DELETE. SQLite
    rebuilds a table to alter a column, which drops its triggers: a later migration that
    alters the table runs this operation again (CREATE ... IF NOT EXISTS)."""
    message = f"{what} are append-only".replace("'", "")

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
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
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )

    def backward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    return migrations.RunPython(forward, backward)
