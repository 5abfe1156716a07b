"""Every write path on a dossier leaves its index fact current (issue 16, point 3).

The walk covers the dossier services' list of actions (`services.ACTIONS`, from the one
declaration of the lifecycle), the records (`services.RECORDS`: documents, evaluation) and the
two intakes; a write path added to the services without a step here fails the first test.
After each step (its commit and announcement), the stored DossierFact must equal the fact
computed afresh from the dossier row.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core import rowsql
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.models import DigitizedDocument, Dossier
from cchc.dossiers.services import Applicant
from cchc.indices import facts as F_
from cchc.indices.fact_store import FACT_FIELDS
from cchc.indices.models import DossierFact
from cchc.indices.summaries import BUILD_FIELDS, FactBuilder, dossiers_with_petitions

pytestmark = pytest.mark.django_db
ID_HASH = "a" * 64
INTAKES = ("intake_at_counter", "submit_online")


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, tzinfo=LOCAL_TZ)  # Mon 3 Aug 2026 … Fri 7 Aug


def stored(dossier_id: int) -> F_.FactValues | None:
    rows = rowsql.query_rows(DossierFact.objects.filter(pk=dossier_id), FACT_FIELDS)
    return F_.FactValues(**rows[0]) if rows else None


def fresh(dossier_id: int) -> F_.FactValues | None:
    rows = rowsql.query_rows(Dossier.objects.filter(pk=dossier_id), BUILD_FIELDS)
    built = list(FactBuilder().build(rows, dossiers_with_petitions([dossier_id])))
    return built[0] if built else None


def scan(name: str) -> DigitizedDocument:
    body = f"%PDF-1.4 {name}".encode()
    doc = DigitizedDocument(
        owner_id_hash=ID_HASH,
        name=name,
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    doc.file.save(name, ContentFile(body), save=False)
    doc.save()
    return doc


def counter(cast, when: dt.datetime) -> Dossier:
    return services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An", id_hash=ID_HASH, id_last4="2345"),
        actor=cast.clerk_a,
        at=when,
    )


def online(cast) -> Dossier:
    return services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Trần Thị Bình", id_hash=ID_HASH),
        actor=cast.citizen,
        at=at(3, 9),
    )


def walks(cast):
    """(path, step) pairs: each step takes the dossier the previous one left (or None) and
    returns it. Several short lives, because some actions close a dossier."""
    c = cast
    main = [
        ("intake_at_counter", lambda _d: counter(c, at(3, 9))),
        (
            "attach_document",
            lambda d: services.attach_document(d, actor=c.clerk_a, document=scan("a.pdf")).dossier,
        ),
        (
            "reuse_document",
            lambda d: services.reuse_document(d, actor=c.clerk_a, document=scan("b.pdf")).dossier,
        ),
        ("assign", lambda d: services.assign(d, actor=c.leader_a, assignee=c.specialist_a)),
        (
            "transfer",
            lambda d: services.transfer(d, actor=c.clerk_a, to_agency=c.agency_a, at=at(3, 10)),
        ),
        (
            "request_supplement",
            lambda d: services.request_supplement(
                d, actor=c.specialist_a, reason="Thiếu tờ khai", at=at(3, 11)
            ),
        ),
        (
            "submit_supplement",
            lambda d: (
                services.submit_supplement(
                    d,
                    actor=c.citizen,
                    applicant_proven=True,
                    uploads=[SimpleUploadedFile("bo-sung.pdf", b"%PDF-1.4 bo sung")],
                    at=at(3, 15),
                )[0].dossier
            ),
        ),
        (
            "receive_supplement",
            lambda d: services.receive_supplement(d, actor=c.clerk_a, at=at(4, 9)),
        ),
        (
            "request_payment",
            lambda d: services.request_payment(
                d, actor=c.specialist_a, amount=50_000, at=at(4, 10)
            ),
        ),
        ("confirm_payment", lambda d: services.confirm_payment(d, actor=c.clerk_a, at=at(4, 11))),
        (
            "apologize",
            lambda d: services.apologize(
                d,
                actor=c.leader_a,
                reason="Cần xác minh thêm",
                new_appointment_at=at(10, 10),
                at=at(5, 9),
            ),
        ),
        (
            "finish",
            lambda d: services.finish(
                d, actor=c.specialist_a, at=at(5, 10), note="Quyết định số 12/QĐ"
            ),
        ),
        ("return_result", lambda d: services.return_result(d, actor=c.clerk_a, at=at(5, 11))),
        (
            "record_evaluation",
            lambda d: (
                services.record_evaluation(
                    d,
                    actor=AnonymousUser(),
                    applicant_proven=True,
                    scores={"attitude": 2},
                    satisfaction=2,
                    at=at(5, 14),
                ).dossier
            ),
        ),
    ]
    return [
        main,
        [
            ("submit_online", lambda _d: online(c)),
            ("receive", lambda d: services.receive(d, actor=c.clerk_a, at=at(3, 10))),
        ],
        [
            ("submit_online", lambda _d: online(c)),
            (
                "refuse",
                lambda d: services.refuse(
                    d, actor=c.clerk_a, reason="Sai thẩm quyền", at=at(3, 10)
                ),
            ),
        ],
        [
            ("intake_at_counter", lambda _d: counter(c, at(3, 9))),
            (
                "withdraw",
                lambda d: services.withdraw(
                    d, actor=c.clerk_a, reason="Công dân rút", at=at(3, 10)
                ),
            ),
        ],
        [
            ("intake_at_counter", lambda _d: counter(c, at(3, 9))),
            (
                "stop",
                lambda d: services.stop(
                    d, actor=c.leader_a, reason="Dừng theo yêu cầu", at=at(3, 10)
                ),
            ),
        ],
    ]


def test_the_walk_covers_every_write_path_of_the_services(cast):
    walked = {path for life in walks(cast) for path, _step in life}
    assert walked == set(services.ACTIONS) | set(services.RECORDS) | set(INTAKES)


def test_every_write_path_leaves_the_index_fact_current(cast, django_capture_on_commit_callbacks):
    seen: dict[str, F_.FactValues | None] = {}
    for life in walks(cast):
        dossier = None
        for path, step in life:
            with django_capture_on_commit_callbacks(execute=True):
                dossier = step(dossier)
            assert stored(dossier.pk) == fresh(dossier.pk), f"the fact is stale after {path}"
            seen[path] = stored(dossier.pk)
    # the walk reached states where a stale fact would show: the records changed the fact
    assert seen["attach_document"].digitized and not seen["attach_document"].reused
    assert seen["reuse_document"].reused
    assert seen["receive_supplement"].supplement_count == 1
    assert seen["return_result"].rating is None and seen["record_evaluation"].rating == 2
    assert seen["record_evaluation"].complained  # rating 2: dissatisfied (766)
