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
import functools
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
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
    # ORM queries run on rowsql's binary cursor (no conversion to ORM values: the old facts
    # compare equal to the rebuilt ones, which come from the same kind of rows)
    old_rows = rowsql.query_rows(
        DossierFact.objects.select_for_update().filter(pk__in=ids).order_by("pk"), FACT_FIELDS
    )
    rows = rowsql.query_rows(Dossier.objects.filter(pk__in=ids), BUILD_FIELDS)
    petitioned = dossiers_with_petitions(ids)
    old = {r["dossier_id"]: F_.FactValues(**r) for r in old_rows}
    built = {f.dossier_id: f for f in FactBuilder().build(rows, petitioned)}
    changes = [(old.get(i), built.get(i)) for i in ids if old.get(i) != built.get(i)]
    if changes:
        delete_facts([i for i in ids if old.get(i) != built.get(i)])
        insert_facts([new for _old, new in changes if new is not None])
        apply_deltas(changes)
    return {i: built.get(i) for i in ids}


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
            rows = rowsql.query_rows(Dossier.objects.filter(pk__in=chunk), BUILD_FIELDS)
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
    touched = {getattr(old, "dossier_id", None), getattr(new, "dossier_id", None)}
    for dossier_id in sorted(d for d in touched if d is not None):
        transaction.on_commit(functools.partial(refresh_dossier, dossier_id))
    return new
