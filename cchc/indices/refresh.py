"""The live refresh of facts and summaries after dossiers or petitions change.

- `refresh_dossier` / `refresh_facts` (after each lifecycle action, or a batch of the queue's
  marks, cchc.indices.queue): recompute the facts and move their contributions between
  summary rows by deltas — a few row updates.
- `refresh_dossiers` (after a bulk import): set-based — recompute the facts, then re-aggregate
  the affected agency × day and agency × month × procedure rows from the facts.
- `refresh_petition`: one petition's fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from cchc.core import rowsql
from cchc.indices import facts as F_
from cchc.indices.fact_store import (
    CHUNK,
    FACT_FIELDS,
    PETITION_FIELDS,
    apply_deltas,
    delete_facts,
    insert_facts,
    resummarise,
    store_facts,
)
from cchc.indices.models import (
    DossierFact,
    PetitionFact,
)
from cchc.indices.summaries import (
    BUILD_FIELDS,
    FactBuilder,
    dossiers_with_petitions,
    fetch_rows,
    petition_model,
)


@transaction.atomic
def refresh_facts(dossier_ids: Iterable[int]) -> dict[int, F_.FactValues | None]:
    """Recompute the facts of some dossiers and move their contributions in the summaries
    (the live update after lifecycle actions). A fixed handful of statements whatever the
    number of dossiers: lock the old facts, read the dossiers, write the changed facts, add
    the summed deltas to the summary rows."""
    from cchc.dossiers.models import Dossier

    ids = sorted(set(dossier_ids))
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        old_rows, rows, petitioned = _live_reads(ids)
    else:
        old_rows = list(
            DossierFact.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values(*FACT_FIELDS)
        )
        rows = fetch_rows(Dossier.objects.filter(pk__in=ids), BUILD_FIELDS)
        petitioned = dossiers_with_petitions(ids)
    old = {r["dossier_id"]: F_.FactValues(**r) for r in old_rows}
    built = {f.dossier_id: f for f in FactBuilder().build(rows, petitioned)}
    changes = [(old.get(i), built.get(i)) for i in ids if old.get(i) != built.get(i)]
    if changes:
        delete_facts([i for i in ids if old.get(i) != built.get(i)])
        insert_facts([new for _old, new in changes if new is not None])
        apply_deltas(changes)
    return {i: built.get(i) for i in ids}


_LIVE_SQL: dict[str, str] = {}


def _compiled(name: str, make: Callable[[list[int]], Any]) -> str:
    """The SQL of an ORM query over a list of ids, compiled once and taking the ids as ONE
    array parameter (`= ANY(%s)`): the statement's text is the same for any number of ids,
    so it is compiled by the ORM once, parsed by psycopg once and prepared by PostgreSQL once.
    (Compiled per number of ids, the queue's batches of ever different sizes were compiled
    and parsed again nearly every time.)"""
    sql = _LIVE_SQL.get(name)
    if sql is None:
        sql, params = make([1]).query.sql_with_params()
        if (
            list(params) != [1] or sql.count(" IN (%s)") != 1
        ):  # parameters of its own: do not rewrite it
            raise ValueError(f"{name}: unexpected query shape {sql!r} {params!r}")
        sql = _LIVE_SQL[name] = sql.replace(" IN (%s)", " = ANY(%s)")
    return sql


def _live_reads(ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[int]]:
    """PostgreSQL: the old facts (locked), the dossier rows and which of them have a petition,
    by statements compiled once, results on a binary cursor."""
    from cchc.dossiers.models import Dossier

    Petition = petition_model()
    facts = (
        _compiled(
            "facts",
            lambda probe: (
                DossierFact.objects.filter(pk__in=probe).order_by("pk").values_list(*FACT_FIELDS)
            ),
        )
        + " FOR UPDATE"
    )
    dossiers = _compiled(
        "dossiers", lambda probe: Dossier.objects.filter(pk__in=probe).values_list(*BUILD_FIELDS)
    )
    petitions = (
        _compiled(
            "petitions",
            lambda probe: Petition.objects.filter(dossier_id__in=probe).values_list("dossier_id"),
        )
        if Petition is not None
        else None
    )
    cur = rowsql.cursor(connection)  # the connection's kept cursor: binary results on PostgreSQL
    cur.execute(facts, [ids])
    old_rows = [dict(zip(FACT_FIELDS, row, strict=True)) for row in cur.fetchall()]
    cur.execute(dossiers, [ids])
    rows = [dict(zip(BUILD_FIELDS, row, strict=True)) for row in cur.fetchall()]
    petitioned: set[int] = set()
    if petitions is not None:
        cur.execute(petitions, [ids])
        petitioned = {dossier_id for (dossier_id,) in cur.fetchall() if dossier_id is not None}
    return old_rows, rows, petitioned


def refresh_dossier(dossier_id: int) -> F_.FactValues | None:
    """Recompute one dossier's fact and move its contribution in the summaries (live update)."""
    return refresh_facts([dossier_id])[dossier_id]


def refresh_dossiers(dossier_ids: Iterable[int]) -> int:
    """Set-based refresh after a bulk import: facts of these dossiers, then their summary rows."""
    from cchc.dossiers.models import Dossier

    ids = sorted(set(dossier_ids))
    builder = FactBuilder()
    touched: set[tuple[int, dt.date, int]] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            rows = fetch_rows(Dossier.objects.filter(pk__in=chunk), BUILD_FIELDS)
            touched |= store_facts(rows, chunk, builder)
    # re-aggregate whole months of the agencies touched: a few set-based statements per month
    agencies_by_month: dict[dt.date, set[int]] = defaultdict(set)
    for agency_id, day, _proc in touched:
        agencies_by_month[F_.month_of(day)].add(agency_id)
    with transaction.atomic():
        for month, agency_ids in sorted(agencies_by_month.items()):
            after = (month + dt.timedelta(days=32)).replace(day=1)
            facts = Q(agency_id__in=agency_ids, received_on__gte=month, received_on__lt=after)
            resummarise(
                Q(agency_id__in=agency_ids, day__gte=month, day__lt=after),
                Q(agency_id__in=agency_ids, month=month),
                facts,
                facts,
            )
    return len(ids)


@transaction.atomic
def refresh_petition(petition_id: int) -> F_.PetitionValues | None:
    Petition = petition_model()
    if Petition is None:
        return None
    row = Petition.objects.filter(pk=petition_id).values(*PETITION_FIELDS).first()
    old = PetitionFact.objects.filter(pk=petition_id).first()
    new = F_.petition_fact(row) if row else None
    if new is None:
        PetitionFact.objects.filter(pk=petition_id).delete()
    else:
        PetitionFact.objects.update_or_create(
            petition_id=petition_id, defaults=new.as_model_kwargs()
        )
    for dossier_id in {getattr(old, "dossier_id", None), getattr(new, "dossier_id", None)} - {None}:
        transaction.on_commit(lambda d=dossier_id: refresh_dossier(d))
    return new
