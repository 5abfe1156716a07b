"""The work queue's query can be answered by the partial index of open dossiers (PostgreSQL):
ordered by due date within the user's agency, without walking closed dossiers."""

from __future__ import annotations

import pytest
from django.db import connection

from cchc.dossiers import queries
from cchc.dossiers.models import Dossier


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


@pytest.mark.postgres
def test_the_all_tab_reads_its_page_by_the_submission_index_and_counts_by_index(cast):
    """Issue 16 point 7: the "all" tab's page comes in order from dossier_submitted_idx, and
    its count can combine an index on each of the five visibility columns (a bitmap OR),
    including the partial index of boundary-free reception places: no sequential scan."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): PostgreSQL's plan; CI runs it there")
    base = queries.queue(cast.clerk_a, "all")
    page = queries.with_related(base).order_by("-submitted_at", "pk")[:25]
    plans = {}
    # the count first: SET LOCAL lasts until the end of the test's transaction
    for name, qs in (("count", base.order_by()[:10_001]), ("page", page)):
        sql, params = qs.query.sql_with_params()
        if name == "count":
            sql = f"SELECT COUNT(*) FROM ({sql}) AS capped"  # noqa: S608 - the ORM's own SQL
        with connection.cursor() as cur:
            # a test table is tiny, where any scan wins: forbid the others (and, for the page,
            # a sort) to see whether the indexes fit the queries at all
            cur.execute("SET LOCAL enable_seqscan = off")
            if name == "page":
                cur.execute("SET LOCAL enable_bitmapscan = off")
                cur.execute("SET LOCAL enable_sort = off")
            cur.execute("EXPLAIN " + sql, params)
            plans[name] = "\n".join(row[0] for row in cur.fetchall())
    assert "dossier_submitted_idx" in plans["page"], plans["page"]
    assert "Seq Scan on dossiers_dossier" not in plans["count"], plans["count"]
    assert "dossier_place_idx" in plans["count"], plans["count"]


@pytest.mark.postgres
def test_the_search_finds_rows_by_trigram_and_id_indexes(cast):
    """A word searched anywhere in the folded code and name (LIKE '%word%') is found by
    pg_trgm's GIN index on the search table (migration dossiers.0017), and an ID number by the
    hash's B-tree, not by walking every visible dossier. On a tiny test table the planner
    would rather read the few rows another way: sequential and plain index scans are off, so
    the plan shows the index that serves each condition (at 1 M dossiers the planner takes
    them by itself: docs/performance.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): PostgreSQL's plan; CI runs it there")
    plans = {}
    for q in ("bình", "001099012345", "0912 345 678", "000.01.01.H26-260302-0001"):
        qs = queries.apply_filter(Dossier.objects.all(), queries.DossierFilter(q=q))
        sql, params = qs.order_by().query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plans[q] = "\n".join(row[0] for row in cur.fetchall())
    assert "dossier_search_text_trgm" in plans["bình"], plans["bình"]
    assert "dossier_search_text_trgm" in plans["001099012345"], plans["001099012345"]
    assert "dossier_applicant_idx" in plans["001099012345"], plans["001099012345"]
    assert "dossier_phone_idx" in plans["0912 345 678"], plans["0912 345 678"]
    # a dossier code has digits enough for a phone number, but is not one: text only
    code = plans["000.01.01.H26-260302-0001"]
    assert "dossier_search_text_trgm" in code and "dossier_phone_idx" not in code, code
    assert "Seq Scan" not in "".join(plans.values())
