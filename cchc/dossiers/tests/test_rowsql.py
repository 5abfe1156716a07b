"""The single-row statements write and read exactly what the ORM writes and reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cchc.core import rowsql
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.models import Dossier, DossierEvent, DossierStep

pytestmark = pytest.mark.django_db


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _dossier(cast, code, **extra):
    from cchc.core.models import RuleVersion

    when = dt.datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=LOCAL_TZ)
    return Dossier(
        code=code,
        procedure=cast.procedure,
        rule_version=RuleVersion.objects.first(),
        form_set="TT03-2025",
        channel=2,
        receiving_place=cast.agency_a,
        receiving_agency=cast.agency_a,
        competent_agency=cast.agency_b,
        current_agency=cast.agency_a,
        assignee=cast.specialist_a,
        applicant=cast.citizen,
        applicant_name="Trần Thị Bình",
        applicant_email="binh@example.vn",
        applicant_phone="0912345678",
        status=4,
        submitted_at=when,
        received_at=when,
        appointment_at=when + dt.timedelta(days=3),
        due_at=when + dt.timedelta(days=3, hours=2),
        paused_seconds=3600,
        supplement_count=1,
        fee_amount=50000,
        has_digitized_components=True,
        details={"lý do": "cấp lại", "n": [1, 2.5, None]},
        last_event_seq=0,
        **extra,
    )


def test_insert_and_lock_agree_with_the_orm_on_every_field(cast):
    written = rowsql.insert_row(_dossier(cast, "X-1"))
    assert written.pk and not written._state.adding
    orm = Dossier.objects.get(pk=written.pk)
    assert _values(orm) == _values(written)
    with transaction.atomic():
        locked = rowsql.lock_row(Dossier, written.pk)
    assert _values(locked) == _values(orm)
    assert locked.details == {"lý do": "cấp lại", "n": [1, 2.5, None]}
    assert locked.due_at.utcoffset() is not None
    # and a row written by the ORM reads back the same through lock_row
    orm_written = _dossier(cast, "X-2")
    orm_written.save()
    with transaction.atomic():
        assert _values(rowsql.lock_row(Dossier, orm_written.pk)) == _values(
            Dossier.objects.get(pk=orm_written.pk)
        )


def test_insert_unless_taken_skips_a_taken_unique_value_and_the_transaction_goes_on(cast):
    with transaction.atomic():
        assert rowsql.insert_row_unless_taken(_dossier(cast, "X-10"), "code")
        taken = _dossier(cast, "X-10")
        taken.applicant_name = "someone else"
        assert not rowsql.insert_row_unless_taken(taken, "code")
        assert taken.pk is None and taken._state.adding
        assert rowsql.insert_row_unless_taken(
            _dossier(cast, "X-11"), "code"
        )  # no aborted transaction
    assert list(
        Dossier.objects.filter(code__in=["X-10", "X-11"])
        .order_by("code")
        .values_list("code", "applicant_name")
    ) == [("X-10", "Trần Thị Bình"), ("X-11", "Trần Thị Bình")]


def test_the_intakes_wide_insert_is_parsed_once_by_psycopg(cast, monkeypatch):
    """A new dossier, its search row and its first event go in one statement of some 70
    parameters. psycopg keeps the parse of a `%s` statement only up to 50 parameters and
    split a wider one by a regular expression in Python on every call: this one is written
    with PostgreSQL's own numbered parameters, which psycopg sends as they are."""
    from django.db import connection
    from psycopg import _queries

    from cchc.dossiers.tests.factories import counter_dossier

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): psycopg's statement parse; CI runs it there"
        )
    parsed_again = []
    parse = _queries._query2pg_nocache
    monkeypatch.setattr(
        _queries,
        "_query2pg_nocache",
        lambda query, *rest: parsed_again.append(query) or parse(query, *rest),
    )
    first, second = counter_dossier(cast), counter_dossier(cast)
    assert parsed_again == []
    assert [first.code, second.code] == list(
        Dossier.objects.filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
        .values_list("code", flat=True)
    )
    assert DossierEvent.objects.filter(dossier__in=[first, second], seq=1).count() == 2


def test_numbered_placeholders():
    assert rowsql._numbered("INSERT INTO t (a, b) VALUES (%s, %s) RETURNING id") == (
        "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id"
    )
    assert rowsql._numbered("SELECT 1") == "SELECT 1"


def test_statements_go_through_djangos_wrapper_around_one_kept_binary_cursor(cast):
    from django.db import connection
    from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
    from django.test.utils import CaptureQueriesContext

    first = rowsql.cursor(connection)
    assert isinstance(first, CursorWrapper) and not isinstance(first, CursorDebugWrapper)
    if connection.vendor == "postgresql":  # one psycopg cursor per connection, binary results
        assert rowsql.cursor(connection).cursor is first.cursor
        assert first.cursor.format == 1  # psycopg.pq.Format.BINARY
        rowsql.exists(Dossier, {"code": "nothing"})
        assert rowsql.cursor(connection).cursor is first.cursor
    with CaptureQueriesContext(connection) as captured:  # logging queries: Django's logging wrapper
        assert isinstance(rowsql.cursor(connection), CursorDebugWrapper)
        rowsql.exists(Dossier, {"code": "nothing"})
    assert len(captured) == 1
    assert not isinstance(rowsql.cursor(connection), CursorDebugWrapper)  # logging off again


def test_statements_raise_djangos_errors_guard_broken_transactions_and_show_to_watchers(
    cast,
):
    from django.db import IntegrityError, connection
    from django.db.transaction import TransactionManagementError

    rowsql.insert_row(_dossier(cast, "X-20"))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):  # Django's class
            rowsql.insert_row(_dossier(cast, "X-20"))
        with pytest.raises(TransactionManagementError):  # as after any failed ORM statement
            rowsql.exists(Dossier, {"code": "X-20"})
    assert rowsql.exists(Dossier, {"code": "X-20"})  # the connection works again after the block

    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        rowsql.exists(Dossier, {"code": "X-20"})
    assert len(seen) == 1 and "dossiers_dossier" in seen[0]


def test_rows_read_here_behave_like_the_orms_instances(cast):
    from django.db.models.signals import post_init

    written = rowsql.insert_row(_dossier(cast, "X-20"))
    with transaction.atomic():
        locked = rowsql.get_row(
            Dossier, "pk", written.pk, related=("procedure", "assignee"), for_update=True
        )
    orm = Dossier.objects.select_related("procedure", "assignee").get(pk=written.pk)
    assert locked == orm and not locked._state.adding and locked._state.db == "default"
    assert {k: v for k, v in vars(locked).items() if k != "_state"} == {
        k: v for k, v in vars(orm).items() if k != "_state"
    }
    assert locked.procedure == cast.procedure and locked.assignee == cast.specialist_a
    for name in ("procedure", "assignee"):  # related rows too: decimals, dates, timestamps, JSON
        mine, orms = getattr(locked, name), getattr(orm, name)
        assert {k: v for k, v in vars(mine).items() if k != "_state"} == {
            k: v for k, v in vars(orms).items() if k != "_state"
        }
    assert (
        locked.receiving_agency == cast.agency_a
    )  # not read with it: loaded on access, as the ORM does
    locked.applicant_name = "Đổi tên"
    locked.save(update_fields=["applicant_name"])
    locked.refresh_from_db()
    assert Dossier.objects.get(pk=written.pk).applicant_name == locked.applicant_name == "Đổi tên"
    # a model somebody listens to on construction is built by Model.__init__, which sends the signals
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(listener, sender=DossierEvent)
    rowsql._attnames.pop(DossierEvent, None)
    try:
        event = rowsql.insert_row(
            DossierEvent(
                dossier=written,
                seq=1,
                at=written.received_at,
                action="receive",
                to_status=2,
                actor_label="x",
                agency=cast.agency_a,
                note="",
                data={},
            )
        )
        read = rowsql.latest_row(DossierEvent, {"dossier": written.pk}, "seq")
        assert read == event and read.pk in seen
    finally:
        post_init.disconnect(listener, sender=DossierEvent)
        rowsql._attnames.pop(DossierEvent, None)


def test_update_sets_only_the_named_fields_and_auto_now(cast):
    d = rowsql.insert_row(_dossier(cast, "X-3"))
    before = Dossier.objects.get(pk=d.pk)
    d.status, d.applicant_name, d.details = 9, "changed in memory only", {"k": "v"}
    rowsql.update_row(d, ["status", "details", "updated_at"])
    after = Dossier.objects.get(pk=d.pk)
    assert (after.status, after.details, after.applicant_name) == (9, {"k": "v"}, "Trần Thị Bình")
    assert after.updated_at > before.updated_at
    d.pk = 10**9
    with pytest.raises(Dossier.DoesNotExist):
        rowsql.update_row(d, ["status"])
    with pytest.raises(Dossier.DoesNotExist), transaction.atomic():
        rowsql.lock_row(Dossier, 10**9)


def test_latest_row_filters_on_values_and_nulls(cast):
    d = rowsql.insert_row(_dossier(cast, "X-4"))
    start = dt.datetime(2026, 3, 2, 10, tzinfo=LOCAL_TZ)
    for seq, done in ((1, start), (2, None), (3, start)):
        rowsql.insert_row(
            DossierStep(
                dossier=d,
                seq=seq,
                name=f"B{seq}",
                agency=cast.agency_a,
                started_at=start,
                completed_at=done,
            )
        )
    assert rowsql.latest_row(DossierStep, {"dossier": d.pk}, "seq").seq == 3
    assert rowsql.latest_row(DossierStep, {"dossier": d, "completed_at": None}, "seq").name == "B2"
    assert rowsql.latest_row(DossierStep, {"dossier": 10**9}, "seq") is None
    event = rowsql.insert_row(
        DossierEvent(
            dossier=d,
            seq=1,
            at=start,
            action="receive",
            to_status=2,
            actor=cast.clerk_a,
            actor_label="Clerk",
            agency=cast.agency_a,
            data={"a": 1},
        )
    )
    assert _values(DossierEvent.objects.get(pk=event.pk)) == _values(event)


def test_values_and_exists_filter_on_values_nulls_and_instances(cast):
    d = rowsql.insert_row(_dossier(cast, "X-5"))
    assert rowsql.exists(Dossier, {"code": "X-5"}) and not rowsql.exists(Dossier, {"code": "X-6"})
    assert rowsql.values(Dossier, ("status", "competent_agency"), {"code": "X-5"}) == [
        (4, cast.agency_b.pk)
    ]
    assert rowsql.values(
        Dossier, ("code",), {"current_agency": cast.agency_a, "finished_at": None}
    ) == [("X-5",)]
    assert rowsql.values(Dossier, ("code",), {"pk": d.pk, "received_at": None}) == []


def test_get_row_with_values_reads_the_row_its_user_and_the_users_children(cast):
    from cchc.accounts.models import ApiToken, Membership

    token, raw = ApiToken.issue(cast.clerk_a, "t")

    def read(key_hash):
        """The token by its key hash, its user, and the user's (agency, role) pairs."""
        return rowsql.get_row_with_values(
            ApiToken, "key_hash", key_hash, ("user",), Membership, "user", ("agency", "role")
        )

    got, roles = read(ApiToken.hash_key(raw))
    assert (
        got.pk == token.pk
        and got.user == cast.clerk_a
        and got.user.username == cast.clerk_a.username
    )
    assert sorted(roles) == sorted(
        Membership.objects.filter(user=cast.clerk_a).values_list("agency_id", "role")
    )
    assert roles  # the cast's clerk holds a role
    # a user without memberships: the row, and no children
    Membership.objects.filter(user=cast.clerk_a).delete()
    got, roles = read(ApiToken.hash_key(raw))
    assert got.pk == token.pk and roles == []
    assert read("nope") == (None, [])
