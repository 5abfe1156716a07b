"""Anchoring the heads of the event chains (issue 12 point 7, cchc/core/anchors.py).

Without an anchor, deleting the last rows of a log (or a whole log) leaves every remaining
chain verifying; after an anchor, `verify_event_chains` names the chain behind or missing,
while ordinary appends after the anchor report nothing. Anchors are append-only, chained
among themselves and checkable against the copy kept off-site."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cchc.core import anchors, chains
from cchc.core.jobs import run_jobs
from cchc.core.models import ChainAnchor, ChainAnchorHead
from cchc.feedback.models import PetitionEvent
from cchc.feedback.tests.test_app_role import _connect_as, _refused, app_role  # noqa: F401
from cchc.feedback.tests.test_event_chains import _without_append_only_triggers
from cchc.feedback.tests.test_event_logs import LOGS

pytestmark = pytest.mark.django_db

PETITIONS = LOGS["petition"]


def _breaks(model=PetitionEvent):
    return [
        (str(b.subject), b.seq, b.problem)
        for b in chains.verify(model)
        if isinstance(b, chains.Break)
    ]


def _verify_command(*args) -> tuple[bool, str]:
    err = io.StringIO()
    try:
        call_command("verify_event_chains", *args, stdout=io.StringIO(), stderr=err)
    except CommandError:
        return False, err.getvalue()
    return True, err.getvalue()


def _petitions_with_history(cast, count=2, actions=2):
    made = []
    for _ in range(count):
        petition = PETITIONS.create(cast)
        for _ in range(actions):
            PETITIONS.act(cast, petition)
        made.append(petition)
    return made


def _last_seq(petition) -> int:
    return PetitionEvent.objects.filter(petition=petition).order_by("-seq")[0].seq


def _delete_events(petition, seq_from: int = 1) -> None:
    _without_append_only_triggers("feedback_petitionevent")
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM feedback_petitionevent WHERE petition_id = %s AND seq >= %s",
            [petition.pk, seq_from],
        )


def test_deleting_the_last_event_is_invisible_without_an_anchor_and_reported_with_one(cast):
    first, second = _petitions_with_history(cast)
    last = _last_seq(first)
    _delete_events(first, last)
    assert _breaks() == []  # what the chains alone cannot see

    third = _petitions_with_history(cast, count=1)[0]
    call_command("anchor_event_chains", stdout=io.StringIO())
    _delete_events(third, _last_seq(third))
    assert _breaks() == [
        (str(third.pk), _last_seq(third) + 1, "head behind its anchor"),
    ]
    ok, err = _verify_command()
    assert not ok and f"subject {third.pk} seq {_last_seq(third) + 1}: head behind" in err
    assert f"subject {second.pk} " not in err


def test_deleting_a_whole_chain_is_reported_and_stays_reported(cast):
    gone, kept = _petitions_with_history(cast)
    seq = _last_seq(gone)
    call_command("anchor_event_chains", stdout=io.StringIO())
    _delete_events(gone)
    assert _breaks() == [(str(gone.pk), seq, "chain missing since its anchor")]
    # the next anchor reports it too and does not accept the loss
    with pytest.raises(CommandError, match="behind or missing"):
        call_command("anchor_event_chains", stdout=io.StringIO(), stderr=io.StringIO())
    assert _breaks() == [(str(gone.pk), seq, "chain missing since its anchor")]
    assert str(kept.pk) not in {s for s, _q, _p in _breaks()}


def test_appends_after_an_anchor_report_nothing_and_store_only_the_moved_heads(cast):
    moving, still = _petitions_with_history(cast)
    out = io.StringIO()
    call_command("anchor_event_chains", stdout=out)
    assert "feedback.PetitionEvent: 2 chains" in out.getvalue()
    PETITIONS.act(cast, moving)
    new = PETITIONS.create(cast)
    assert _breaks() == []
    ok, err = _verify_command()
    assert ok, err
    call_command("anchor_event_chains", stdout=io.StringIO())
    latest = ChainAnchor.objects.filter(model="feedback.PetitionEvent").order_by("-id")[0]
    moved = set(ChainAnchorHead.objects.filter(anchor=latest).values_list("subject", flat=True))
    assert moved == {str(moving.pk), str(new.pk)} and latest.chains == 3
    assert str(still.pk) not in moved
    assert chains.anchored_heads("feedback.PetitionEvent")[str(moving.pk)][0] == _last_seq(moving)


def test_anchors_verify_themselves_and_against_the_off_site_copy(cast, tmp_path):
    _petitions_with_history(cast)
    kept = tmp_path / "anchors.jsonl"
    call_command("anchor_event_chains", "--output", str(kept), stdout=io.StringIO())
    call_command("anchor_event_chains", "--output", str(kept), stdout=io.StringIO())
    lines = [json.loads(line) for line in kept.read_text().splitlines()]
    assert len(lines) == 2 * len(chains.event_models())
    assert list(anchors.verify_anchors()) == []
    assert list(anchors.check_offsite(str(kept))) == []
    ok, err = _verify_command("--anchors-file", str(kept))
    assert ok, err

    # the owner rewrites an anchor's digest (triggers off): its hash no longer matches
    target = ChainAnchor.objects.filter(model="feedback.PetitionEvent").order_by("-id")[0]
    _without_append_only_triggers("core_chainanchor")
    with connection.cursor() as cur:
        cur.execute("UPDATE core_chainanchor SET chains = chains + 1 WHERE id = %s", [target.pk])
    problems = {b.problem for b in anchors.verify_anchors()}
    assert problems == {"anchor hash mismatch"}
    # ...and rewriting the hash too is caught by the off-site copy
    anchor = ChainAnchor.objects.get(pk=target.pk)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_chainanchor SET hash = %s WHERE id = %s",
            [anchors.anchor_hash(anchor.previous, anchor), anchor.pk],
        )
    assert list(anchors.verify_anchors()) == []  # consistent inside the database...
    offsite = list(anchors.check_offsite(str(kept)))
    assert [(b.seq, b.problem.split(" line")[0]) for b in offsite] == [
        (anchor.pk, "anchor differs from")
    ]
    ok, err = _verify_command("--anchors-file", str(kept))
    assert not ok and "anchor differs from line" in err


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_periodic_job_anchors_and_schedules_its_next_run(cast):
    from django_tasks_db.models import DBTaskResult

    _petitions_with_history(cast, count=1)
    assert anchors.schedule(30) is True
    assert anchors.schedule(30) is False  # one loop, not two
    assert run_jobs() == 1
    assert ChainAnchor.objects.filter(model="feedback.PetitionEvent").count() == 1
    waiting = DBTaskResult.objects.get(
        task_path=anchors.anchor_event_chains_job.module_path, status="READY"
    )
    assert waiting.run_after > timezone.now() + dt.timedelta(minutes=29)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_application_role_inserts_anchors_but_cannot_change_or_delete_them(
    cast,
    app_role,  # noqa: F811
):
    role, password = app_role
    call_command("grant_app_role", role, stdout=io.StringIO())
    _petitions_with_history(cast, count=1)
    anchor, _found = anchors.take_anchor(PetitionEvent)
    with _connect_as(role, password) as conn:
        conn.execute(
            "INSERT INTO core_chainanchor (model, taken_at, chains, rows, digest, previous, hash)"
            " VALUES ('probe', now(), 0, 0, '', '', '')"
        )
        for sql in (
            "UPDATE core_chainanchor SET chains = 0 WHERE id = %s",
            "DELETE FROM core_chainanchor WHERE id = %s",
            "DELETE FROM core_chainanchorhead WHERE anchor_id = %s",
            "UPDATE core_chainanchorhead SET seq = 1 WHERE anchor_id = %s",
        ):
            assert "permission denied" in _refused(conn, sql, anchor.pk)
        assert "permission denied" in _refused(conn, "TRUNCATE core_chainanchorhead")
    assert ChainAnchorHead.objects.filter(anchor=anchor).count() == 1
