"""The work queue's query can be answered by the partial index of open dossiers (PostgreSQL):
ordered by due date within the user's agency, without walking closed dossiers."""

from __future__ import annotations

import pytest
from django.db import connection

from cchc.dossiers import queries


@pytest.mark.postgres
def test_the_agency_work_queue_reads_the_open_dossiers_index(cast):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): this checks PostgreSQL's plan for the production "
            "database; SQLite, the demo's, plans differently (CI runs this on PostgreSQL)"
        )
    qs = queries.with_related(queries.queue(cast.clerk_a, "agency")).order_by("due_at", "pk")[:18]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        # a test database is tiny, where a sequential scan always wins: forbid it to see
        # whether the index fits the query at all (its predicate must match OPEN_STATUSES)
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "dossier_open_queue_idx" in plan, plan
    assert "Sort" not in plan.split("dossier_open_queue_idx")[0], (
        "the index should give the page's order"
    )
