"""One event-log core for dossiers, petitions and complaints (cchc.core.events).

The same checks run over the three logs: the first event and each next one get their
sequence under the aggregate's row lock, name their actor (a user, or a system actor by its
label), refuse a missing actor before writing anything, stay append-only in the database,
and show in the one read-only admin. On PostgreSQL, concurrent appends to one aggregate get
consecutive sequence numbers with no collision and no gap.

(Here rather than in cchc/core/tests: the core imports no app, and feedback already depends
on dossiers.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction

from cchc.core import events
from cchc.core.actors import IMPORT, SYSTEM, MissingActor, actor_label
from cchc.core.admin import EventLogAdmin
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import counter_dossier
from cchc.feedback import complaints, petitions
from cchc.feedback.models import Complaint, ComplaintEvent, Petition, PetitionEvent
from cchc.feedback.tests.factories import file, file_complaint
from cchc.testing import run_together

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)  # a Monday


@dataclass
class Log:
    """One aggregate kind: how to create one, its event model, the user who created it, and
    one repeatable service action (`act`) plus that action refusing a missing actor."""

    model: type[events.EventLog]
    create: Callable[[Any], Any]
    creator: Callable[[Any], Any]
    act: Callable[[Any, Any], Any]
    refuse_without_actor: Callable[[Any, Any], Any]


def _dossier(cast: Any) -> Dossier:
    return counter_dossier(cast, at=AT)


def _complaint(cast: Any) -> Complaint:
    return file_complaint(cast, at=AT)


def _append_locked(model: type[events.EventLog], subject: Any) -> None:
    """The core path a new module takes: lock the aggregate, append, in one transaction."""
    with transaction.atomic():
        locked = events.lock(subject)
        events.append_event(
            model,
            locked,
            action="check",
            actor=SYSTEM,
            from_status=locked.status,
            to_status=locked.status,
        )


LOGS = {
    "dossier": Log(
        model=DossierEvent,
        create=_dossier,
        creator=lambda cast: cast.clerk_a,
        act=lambda cast, d: dossier_services.assign(
            d, actor=cast.leader_a, assignee=cast.specialist_a
        ),
        refuse_without_actor=lambda cast, d: dossier_services.assign(
            d, actor=None, assignee=cast.specialist_a
        ),
    ),
    "petition": Log(
        model=PetitionEvent,
        create=lambda cast: file(cast.agency_a, actor=cast.citizen),
        creator=lambda cast: cast.citizen,
        act=lambda cast, p: petitions.add_note(p, actor=cast.clerk_a, text="Đã gọi điện"),
        refuse_without_actor=lambda cast, p: petitions.add_note(p, actor=None, text="?"),
    ),
    "complaint": Log(
        model=ComplaintEvent,
        create=_complaint,
        creator=lambda cast: cast.leader_a,
        # no complaint action repeats without limit: the core path stands in for one
        act=lambda cast, c: _append_locked(ComplaintEvent, c),
        refuse_without_actor=lambda cast, c: complaints.accept_complaint(c, actor=None),
    ),
}


def _seqs(log: Log, subject: Any) -> list[int]:
    return list(
        log.model._default_manager.filter(**{log.model.subject_field: subject})
        .order_by("seq")
        .values_list("seq", flat=True)
    )


@pytest.mark.parametrize("kind", LOGS)
def test_the_three_logs_append_the_same_way(cast, kind):
    log = LOGS[kind]
    subject = log.create(cast)
    first = log.model._default_manager.get(**{log.model.subject_field: subject})
    creator = log.creator(cast)
    assert (first.seq, first.actor_id, first.actor_label) == (1, creator.pk, creator.display_name)
    assert first.recorded_at is not None and first.from_status in ("", None)

    log.act(cast, subject)
    with transaction.atomic():
        locked = events.lock(subject)
        imported = events.append_event(
            log.model,
            locked,
            action="import",
            actor=IMPORT,
            at=AT,
            note="from the previous system",
            data={"source": "bundle"},
            from_status=locked.status,
            to_status=locked.status,
        )
        if kind == "dossier":  # the dossier keeps its newest sequence on its row
            Dossier.objects.filter(pk=locked.pk).update(last_event_seq=locked.last_event_seq)
    assert _seqs(log, subject) == [1, 2, 3]
    stored = log.model._default_manager.get(pk=imported.pk)
    assert stored.actor_id is None and stored.actor_label == actor_label(IMPORT)
    assert (stored.note, stored.data) == ("from the previous system", {"source": "bundle"})


@pytest.mark.parametrize("kind", LOGS)
def test_a_missing_actor_is_refused_before_anything_is_written(cast, kind):
    log = LOGS[kind]
    subject = log.create(cast)
    with pytest.raises(MissingActor):
        log.refuse_without_actor(cast, subject)
    with pytest.raises(MissingActor), transaction.atomic():
        events.append_event(
            log.model, events.lock(subject), action="x", actor=None, to_status=subject.status
        )
    assert _seqs(log, subject) == [1]


@pytest.mark.parametrize("kind", LOGS)
def test_the_logs_stay_append_only_and_share_one_read_only_admin(cast, kind):
    log = LOGS[kind]
    event = log.model._default_manager.get(**{log.model.subject_field: log.create(cast)})
    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    # the database refuses it too, whoever bypasses the model (the triggers of the migrations)
    with pytest.raises(DatabaseError), transaction.atomic():
        log.model._default_manager.filter(pk=event.pk).update(note="rewritten")
    assert log.model._default_manager.get(pk=event.pk).note == ""
    model_admin = admin.site._registry[log.model]
    assert isinstance(model_admin, EventLogAdmin)
    assert not model_admin.has_change_permission(None) and not model_admin.has_add_permission(None)


CLIENTS = 4
PER_CLIENT = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", LOGS)
def test_concurrent_appends_get_consecutive_sequence_numbers(cast, kind):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises writers")
    log = LOGS[kind]
    subject = log.create(cast)

    def client(_i: int) -> None:
        for _ in range(PER_CLIENT):
            log.act(cast, type(subject)._default_manager.get(pk=subject.pk))

    run_together(CLIENTS, client)
    assert _seqs(log, subject) == list(range(1, CLIENTS * PER_CLIENT + 2))
    if kind == "dossier":
        assert Dossier.objects.get(pk=subject.pk).last_event_seq == CLIENTS * PER_CLIENT + 1


def test_petition_merge_appends_to_both_logs_in_sequence(cast):
    first = file(cast.agency_a, actor=cast.citizen)
    repeat = file(cast.agency_a, actor=cast.citizen, title="Hồ sơ bị trễ hẹn lần nữa")
    petitions.merge(repeat, actor=cast.clerk_a, into=first)
    assert _seqs(LOGS["petition"], first) == [1, 2]
    assert PetitionEvent.objects.get(petition=first, seq=2).action == "merged_repeat"
    assert Petition.objects.get(pk=repeat.pk).duplicate_of_id == first.pk


def test_the_admin_lists_every_log_read_only(admin_client, cast):
    client = admin_client
    for log in LOGS.values():
        log.create(cast)
    for model in (DossierEvent, PetitionEvent, ComplaintEvent):
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        page = client.get(url)
        assert page.status_code == 200 and f'href="{url}add/"'.encode() not in page.content
        assert client.get(f"{url}add/").status_code == 403
        event = model._default_manager.first()
        detail = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{event.pk}/change/")
        assert detail.status_code == 200 and b'name="_save"' not in detail.content
