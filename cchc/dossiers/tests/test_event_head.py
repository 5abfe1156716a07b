"""The newest event's "<seq>:<hash>" kept on the dossier's row (`last_event_head`): appending
reads no earlier event, the chain stays exact, and a head that no longer names the log's
last row (a writer advanced the log without it) is noticed and the log read instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.core.calendar import LOCAL_TZ
from cchc.core.chains import Break, verify
from cchc.core.events import _row, row_hash
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent, DossierSearch
from cchc.dossiers.tests.factories import counter_dossier, online_dossier

pytestmark = pytest.mark.django_db


def at(d, hh):
    return dt.datetime(2026, 3, d, hh, tzinfo=LOCAL_TZ)


def counter(cast, name="Nguyễn Văn An"):
    return counter_dossier(cast, name, at=at(2, 9))


def breaks():
    return [r for r in verify(DossierEvent) if isinstance(r, Break)]


def reads_of_the_log(sql_list):
    return [q for q in sql_list if 'FROM "dossiers_dossierevent"' in q["sql"]]


def transferred(cast):
    """A dossier received, then handed to its first step (events 1 and 2)."""
    return services.transfer(
        counter(cast),
        actor=cast.clerk_a,
        to_agency=cast.agency_a,
        step_name="Thẩm định",
        at=at(2, 10),
    )


def finish_reading_the_log(cast, d):
    """Finish `d` with an electronic result: the dossier, and the statements that read its
    event log meanwhile."""
    with CaptureQueriesContext(connection) as ctx:
        d = services.finish(
            d,
            actor=cast.specialist_a,
            result=SimpleUploadedFile("kq.pdf", b"%PDF-1.4\n%%EOF\n"),
            at=at(3, 9),
        )
    return d, reads_of_the_log(ctx.captured_queries)


def test_intake_writes_the_head_with_the_dossier_so_the_next_action_reads_no_event(cast):
    d = counter(cast)
    first = d.events.get()
    assert Dossier.objects.get(pk=d.pk).last_event_head == f"1:{first.hash}"
    with CaptureQueriesContext(connection) as ctx:
        d = services.transfer(
            d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2, 10)
        )
    assert reads_of_the_log(ctx.captured_queries) == []
    assert d.events.get(seq=2).hash == row_hash(DossierEvent, first.hash, _row(d.events.get(seq=2)))
    assert breaks() == []


def test_an_online_intake_writes_its_dossier_search_text_and_event_together(cast):
    with CaptureQueriesContext(connection) as ctx:
        d = online_dossier(cast, "Trần Thị Bình", at=at(2, 9))
    rows = ('"dossiers_dossier"', '"dossiers_dossiersearch"', '"dossiers_dossierevent"')
    inserts = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(("INSERT", "WITH")) and any(t in q["sql"] for t in rows)
    ]
    # the three rows: one statement on PostgreSQL, one each elsewhere
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    assert DossierSearch.objects.filter(dossier=d).exists()
    assert Dossier.objects.get(pk=d.pk).last_event_head == f"1:{d.events.get().hash}"


def test_each_action_keeps_the_head_and_reads_no_earlier_event(cast):
    d = transferred(cast)
    last = d.events.order_by("-seq").first()
    assert Dossier.objects.get(pk=d.pk).last_event_head == f"{last.seq}:{last.hash}"
    d, log_reads = finish_reading_the_log(cast, d)
    assert log_reads == []
    d = services.return_result(d, actor=cast.clerk_a, at=at(3, 10))
    last = d.events.order_by("-seq").first()
    assert (last.seq, Dossier.objects.get(pk=d.pk).last_event_head) == (4, f"4:{last.hash}")
    assert breaks() == []


def test_a_head_that_names_an_older_row_is_not_used(cast):
    d = transferred(cast)
    # a writer that appends and advances last_event_seq without the head (an import's tail
    # did so before it reset both): the head still says seq 2
    second = d.events.get(seq=2)
    DossierEvent.objects.create(
        dossier=d,
        seq=3,
        at=at(2, 11),
        action="note",
        actor_label="test",
        from_status=d.status,
        to_status=d.status,
        hash="not-the-chain",  # what the next row must chain to, whatever it is
    )
    Dossier.objects.filter(pk=d.pk).update(last_event_seq=3)
    assert Dossier.objects.get(pk=d.pk).last_event_head == f"2:{second.hash}"
    d, log_reads = finish_reading_the_log(cast, d)
    assert len(log_reads) == 1
    fourth = d.events.get(seq=4)
    third = d.events.get(seq=3)
    assert fourth.hash == row_hash(DossierEvent, third.hash, _row(fourth))


def test_the_search_text_is_written_once_at_intake_and_not_by_status_changes(cast):
    d = counter(cast, name="Ngô Thị Đào")
    assert DossierSearch.objects.get(dossier=d).text == f"{d.code.lower()} ngo thi dao"
    with CaptureQueriesContext(connection) as ctx:
        services.transfer(
            d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2, 10)
        )
    assert [q for q in ctx.captured_queries if "dossiers_dossiersearch" in q["sql"]] == []
