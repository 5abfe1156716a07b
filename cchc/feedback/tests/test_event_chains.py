"""The hash chain of every event log (issue 12 point 7, docs/security.md §7).

Each event row's hash is sha256(previous row's hash + the row's canonical serialisation),
made by the one append function under the subject's lock; `verify_event_chains` recomputes
every chain and names every row changed or deleted behind the application's back.

(Here rather than in cchc/core/tests: the core imports no app, and feedback already depends
on dossiers.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cchc.core import chains, events
from cchc.dossiers.models import DossierEvent
from cchc.feedback.models import PetitionEvent
from cchc.feedback.tests.test_event_logs import LOGS


def _verify() -> tuple[bool, str, str]:
    """(exit 0?, stdout, stderr) of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_event_chains", stdout=out, stderr=err)
        ok = True
    except CommandError:
        ok = False
    return ok, out.getvalue(), err.getvalue()


def _without_append_only_triggers(table: str) -> None:
    """Let raw SQL rewrite the log, as someone holding the owner role could. Inside the
    test's transaction only: rolled back with it."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            for (name,) in cur.fetchall():
                cur.execute(f'DROP TRIGGER "{name}"')


def test_every_column_of_every_event_model_is_chained_or_named_as_not():
    """A column added later must be a decision: chained (with a re-hashing migration) or not."""
    models = chains.event_models()
    assert {m._meta.label for m in models} == {
        "dossiers.DossierEvent",
        "feedback.PetitionEvent",
        "feedback.ComplaintEvent",
        "plans.TaskEvent",
        "plans.InspectionEvent",
        "plans.FindingEvent",
        "reform.ReformEvent",  # PAR assessments
        "reform.TemplateEvent",  # PAR templates
        "surveys.QuestionnaireEvent",
        "surveys.SurveyEvent",  # campaigns
        "surveys.ResponseEvent",
        "surveys.PaperFormEvent",
        "indices.PeriodReportEvent",  # closed periods
        "rulebook.RulebookEvent",
        "indices.PublishedFigureEvent",
        "agencies.AgencyEvent",
        "catalogue.CatalogueChange",  # a procedure's record
        "accounts.AccountEvent",  # staff accounts
    }
    for model in models:
        columns = {f.attname for f in model._meta.concrete_fields}
        chained = {model.subject_field + "_id", *events.CHAINED, *model.chained_fields}
        assert chained <= columns, model
        assert columns - chained == set(events.UNCHAINED), model


@pytest.mark.parametrize("kind", LOGS)
def test_service_actions_chain_each_row_to_the_one_before(cast, kind):
    log = LOGS[kind]
    subject = log.create(cast)
    log.act(cast, subject)
    first, second = log.model._default_manager.filter(
        **{log.model.subject_field: subject}
    ).order_by("seq")[:2]
    # Recomputed here from the stored row, with the standard library only.
    for previous, row in (("", first), (first.hash, second)):
        document = {
            "subject": subject.pk,
            "seq": row.seq,
            "at": row.at.astimezone(dt.UTC).isoformat(),
            "action": row.action,
            "actor": row.actor_id,
            "actor_label": row.actor_label,
            "note": row.note,
            "data": row.data,
            **{name: getattr(row, name) for name in log.model.chained_fields},
        }
        serialised = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.hash == hashlib.sha256((previous + serialised).encode()).hexdigest()
    ok, out, err = _verify()
    assert ok, err
    assert f"{log.model._meta.label}: 2 rows, 0 break(s)" in out


@pytest.mark.parametrize("kind", LOGS)
def test_a_row_updated_with_raw_sql_is_named(cast, kind):
    log = LOGS[kind]
    subject = log.create(cast)
    log.act(cast, subject)
    log.act(cast, subject)
    table = log.model._meta.db_table
    _without_append_only_triggers(table)
    subject_column = log.model._meta.get_field(log.model.subject_field).column
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} SET note = %s WHERE {subject_column} = %s AND seq = 2",  # noqa: S608
            ["sửa lén", subject.pk],
        )
    ok, _out, err = _verify()
    assert not ok
    breaks = [b for b in chains.verify(log.model) if isinstance(b, chains.Break)]
    assert [(b.subject, b.seq, b.problem) for b in breaks] == [(subject.pk, 2, "hash mismatch")]
    stored = log.model._default_manager.get(**{log.model.subject_field: subject, "seq": 2})
    assert breaks[0].stored == stored.hash and breaks[0].expected != stored.hash
    assert f"subject {subject.pk} seq 2: hash mismatch (expected {breaks[0].expected}" in err


def test_a_row_deleted_with_raw_sql_is_named(cast):
    log = LOGS["petition"]
    petition = log.create(cast)
    for _ in range(3):
        log.act(cast, petition)
    untouched = log.create(cast)
    _without_append_only_triggers("feedback_petitionevent")
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM feedback_petitionevent WHERE petition_id = %s AND seq = 2", [petition.pk]
        )
    breaks = [b for b in chains.verify(PetitionEvent) if isinstance(b, chains.Break)]
    assert [(b.subject, b.seq, b.problem) for b in breaks] == [
        (petition.pk, 3, "rows missing before it"),
        (petition.pk, 3, "hash mismatch"),
    ]
    assert untouched.pk not in {b.subject for b in breaks}
    ok, _out, err = _verify()
    assert not ok and f"subject {petition.pk} seq 3: rows missing before it" in err


def test_a_rewritten_hash_column_is_named_too(cast):
    """Rewriting the stored hash of one row to match its new content breaks the next row."""
    log = LOGS["dossier"]
    dossier = log.create(cast)
    log.act(cast, dossier)
    _without_append_only_triggers("dossiers_dossierevent")
    row = DossierEvent.objects.get(dossier=dossier, seq=1)
    row.note = "sửa lén"
    forged = events.row_hash(DossierEvent, "", events._row(row))
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE dossiers_dossierevent SET note = %s, hash = %s WHERE id = %s",
            ["sửa lén", forged, row.pk],
        )
    breaks = [b for b in chains.verify(DossierEvent) if isinstance(b, chains.Break)]
    assert [(b.subject, b.seq) for b in breaks] == [(dossier.pk, 2)]


def test_the_migration_fills_the_chains_of_rows_stored_before_it(cast):
    """The migrations' `chain_hashes` operation, run over rows whose hash is empty (as every
    row stored before the column existed), gives each the hash the append function gives,
    and puts the append-only triggers back."""
    from types import SimpleNamespace

    from django.apps import apps

    dossiers = [LOGS["dossier"].create(cast) for _ in range(3)]
    for dossier in dossiers:
        LOGS["dossier"].act(cast, dossier)
    appended = dict(DossierEvent.objects.values_list("pk", "hash"))
    _without_append_only_triggers("dossiers_dossierevent")
    with connection.cursor() as cur:
        cur.execute("UPDATE dossiers_dossierevent SET hash = ''")
        if connection.vendor == "sqlite":  # put back what the migration finds on SQLite
            cur.execute(
                "CREATE TRIGGER dossierevent_no_update BEFORE UPDATE ON dossiers_dossierevent "
                "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;"
            )
        else:
            cur.execute("ALTER TABLE dossiers_dossierevent ENABLE TRIGGER USER")
    operation = events.chain_hashes(
        "dossiers", "DossierEvent", "dossier", DossierEvent.chained_fields
    )
    operation.code(apps, SimpleNamespace(connection=connection))
    assert dict(DossierEvent.objects.values_list("pk", "hash")) == appended
    assert list(chains.verify(DossierEvent)) == [len(appended)]
    with pytest.raises(DatabaseError), transaction.atomic():
        DossierEvent.objects.filter(pk=min(appended)).update(note="rewritten")
