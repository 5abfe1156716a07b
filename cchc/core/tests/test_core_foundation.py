"""The shared event log, system actors, job runner and scheme tree."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from cchc.core import actors, jobs, scheme
from cchc.core.tests import jobs_fixture


def test_missing_actor_is_refused():
    with pytest.raises(actors.MissingActor):
        actors.actor_label(None)
    assert actors.actor_label(actors.IMPORT) == str(actors.IMPORT.label)
    assert actors.actor_user(actors.JOB) is None
    assert actors.is_system(actors.SYSTEM) and not actors.is_system(object())


def test_tree_sum_mean_cap_and_sign():
    root = scheme.Node(
        "T",
        aggregate=scheme.MEAN,
        children=(
            scheme.Node(
                "F1",
                aggregate=scheme.MEAN,
                children=(scheme.Node("a"), scheme.Node("b"), scheme.Node("c")),
            ),
            scheme.Node(
                "F2",
                aggregate=scheme.SUM,
                max_points=10,
                cap=True,
                children=(scheme.Node("d"), scheme.Node("p", sign=-1)),
            ),
        ),
    )
    values = scheme.evaluate(root, {"a": 80.0, "b": 60.0, "c": None, "d": 12.0, "p": 1.0})
    assert values["F1"] == 70.0  # c has no data: skipped, not counted as 0
    assert values["F2"] == 10.0  # 12 - 1 = 11, capped at 10
    assert values["T"] == 40.0
    assert scheme.evaluate(root, {})["T"] is None
    # the unrolled plan (a tree scored many times) gives the same values, in the same order
    plan = scheme.plan(root)
    for leaves in (
        {"a": 80.0, "b": 60.0, "c": None, "d": 12.0, "p": 1.0},
        {"a": 1.5, "d": 3.0, "p": 4.0},
        {},
    ):
        expected = scheme.evaluate(root, leaves)
        got = scheme.evaluate_plan(plan, leaves)
        assert got == expected and list(got) == list(expected)


def test_competition_ranks_share_and_skip():
    ranks = scheme.competition_ranks(
        {"a": 90.0, "b": 85.0, "c": 85.0000000001, "d": 70.0, "e": None},
        eligible=lambda k: k != "d",
    )
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": None, "e": None}


@pytest.mark.django_db(transaction=True)
def test_job_commits_with_the_transaction_and_retries():
    jobs_fixture.CALLS.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs_fixture.record.enqueue("lost")
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()  # the job went with the rollback

    with transaction.atomic():
        jobs_fixture.record.enqueue("kept")
        jobs_fixture.flaky.enqueue("x")
    assert jobs.run_jobs() == 2
    assert jobs_fixture.CALLS == ["kept", "flaky x 1"]
    # the failed run scheduled its retry for later, with backoff
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after is not None
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}


@pytest.mark.django_db
def test_append_only_triggers_refuse_updates_in_the_database():
    """The migration operation every event table takes (cchc.core.events)."""
    from django.db import DatabaseError, connection, transaction

    from cchc.core.events import append_only_triggers

    class Editor:  # what a RunPython function is given: the connection and execute()
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cur:
                cur.execute(sql)

    operation = append_only_triggers("core_probe_event", "probe events")
    forward: Any = operation.code  # called as Django calls it, with the editor's two members
    backward: Any = operation.reverse_code
    editor = Editor()
    editor.execute("CREATE TABLE core_probe_event (id integer PRIMARY KEY, note varchar(20))")
    editor.execute("INSERT INTO core_probe_event (id, note) VALUES (1, 'first')")
    forward(None, editor)
    forward(None, editor)  # run again (after an SQLite table rebuild): no error
    with pytest.raises(DatabaseError, match="probe events are append-only"):
        with transaction.atomic():
            editor.execute("UPDATE core_probe_event SET note = 'changed'")
    backward(None, editor)
    editor.execute("UPDATE core_probe_event SET note = 'changed'")
    with connection.cursor() as cur:
        cur.execute("SELECT note FROM core_probe_event")
        assert cur.fetchone()[0] == "changed"
