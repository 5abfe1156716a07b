"""Reading the index's inputs: facts of dossiers from the database, and period counters.

Period counters of an agency = sums of its day rows (closed dossiers' outcomes and every
time-independent counter) + the open dossiers of the period judged at the period end (a
bounded set, evaluated at query time) + procedure-level counters from the catalogue and the
monthly procedure rows + petition counters from petition facts. Counter names are the
vocabulary that metric rows refer to (`counters.py` describes each one).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from cchc.core import rowsql
from cchc.feedback.models import Petition
from cchc.indices import facts as F_
from cchc.indices.figures import entered_counters
from cchc.indices.models import (
    DAY_COUNTERS,
    DossierFact,
    MonthSummary,
    PetitionFact,
    ProcedureMonthSummary,
)
from cchc.indices.periods import Period


def petition_model() -> type[Petition]:
    """The petition model the petition facts are read from (indices read feedback; feedback
    never imports indices)."""
    return Petition


_RULES: dict[str, Any] = {"at": -1e9, "params": {}}
RULES_TTL = 60.0  # seconds, as the dossiers app caches its rule versions


def _rule_params() -> dict[int, dict[str, Any]]:
    """Parameters of every one-stop rule version by id (a handful of rows), cached ≤ 60 s per
    process: the live update runs after every lifecycle action."""
    import time

    from cchc.core.models import RuleVersion

    now = time.monotonic()
    if now - _RULES["at"] > RULES_TTL:
        _RULES["params"] = {r.pk: r.params for r in RuleVersion.objects.all()}
        _RULES["at"] = now
    return _RULES["params"]


def clear_rule_cache() -> None:
    """Forget the cached rule versions and catalogue snapshots of this process."""
    _RULES["at"] = -1e9
    _SNAPSHOTS.clear()


class FactBuilder:
    """Computes dossier facts in bulk with cached rule versions and calendars."""

    def __init__(self) -> None:
        self._params = _rule_params()
        self._calendars: dict[tuple[str, int], Any] = {}
        self._procedures: dict[int, Any] = {}

    def _terms(self, procedure_id: int, moment: dt.datetime) -> tuple[Any, str]:
        """The procedure's time limit in force when a dossier was received (an amendment
        saved later, or taking effect later, does not reach back: Procedure.terms_at)."""
        procedure = self._procedures.get(procedure_id)
        if procedure is None:
            from cchc.catalogue.models import Procedure

            procedure = self._procedures[procedure_id] = Procedure.objects.get(pk=procedure_id)
        return procedure.terms_at(moment)  # type: ignore[no-any-return]

    def _calendar(self, province: str, rule_id: int):  # type: ignore[no-untyped-def]
        key = (province, rule_id)
        if key not in self._calendars:
            from cchc.core.calendar import WorkingCalendar

            self._calendars[key] = WorkingCalendar.for_province(
                province, params=self._params.get(rule_id)
            )
        return self._calendars[key]

    def build(
        self, rows: Iterable[dict[str, Any]], petitioned: set[int], dislike_max: int = 2
    ) -> list[F_.FactValues]:
        out = []
        for row in rows:
            params = self._params.get(row["rule_version_id"], {})
            province, rule_id = row["receiving_agency__province_code"], row["rule_version_id"]

            def add(moment, seconds, province=province, rule_id=rule_id):  # type: ignore[no-untyped-def]
                return self._calendar(province, rule_id).add_working_seconds(moment, seconds)

            def legal(moment, row=row, province=province, rule_id=rule_id):  # type: ignore[no-untyped-def]
                cal = self._calendar(province, rule_id)
                amount, unit = self._terms(row["procedure_id"], moment)
                if unit != "same_day" and not amount:
                    unit, amount = "same_day", 0
                return cal.due(moment, amount, unit).due_at

            fact = F_.dossier_fact(
                row,
                params=params,
                dislike_rating_max=dislike_max,
                has_petition=row["id"] in petitioned,
                add_working_seconds=add,
                legal_due=legal,
            )
            if fact is not None:
                out.append(fact)
        return out


BUILD_FIELDS = (
    *F_.DOSSIER_FIELDS,
    "rule_version_id",
    "receiving_agency__province_code",
)


def dossiers_with_petitions(dossier_ids: Iterable[int] | None = None) -> set[int]:
    qs = Petition.objects.filter(dossier__isnull=False)
    if dossier_ids is not None:
        qs = qs.filter(dossier_id__in=list(dossier_ids))
    return set(qs.values_list("dossier_id", flat=True))


# -- period counters -------------------------------------------------------------------------------
def cutoff_for(period: Period, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return min(period.end_at, now)


def open_on_time_q(cutoff: dt.datetime, *, among_open: bool = False) -> Q:
    """Open dossiers on time when judged at `cutoff` (mirror of facts.open_is_on_time).
    `among_open`: the rows are already only open facts (the condition then leaves is_open
    out, so PostgreSQL can count from the covering partial index alone)."""
    return (
        Q(too_many_supplements=False) if among_open else Q(is_open=True, too_many_supplements=False)
    ) & (
        Q(due_at__isnull=True)
        | Q(waiting_since__isnull=False, waiting_since__lte=F("due_at"))
        | Q(waiting_since__isnull=True, due_at__gte=cutoff)
    )


def on_time_q(cutoff: dt.datetime) -> Q:
    return Q(is_open=False, on_time=True) | open_on_time_q(cutoff)


def _in(period: Period, field: str = "received_on") -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _span(periods: list[Period]) -> tuple[dt.date, dt.date]:
    return min(p.start for p in periods), max(p.end for p in periods)


def dossier_counters_many(
    periods: list[Period], agency_ids: list[int] | None = None, now: dt.datetime | None = None
) -> dict[Period, dict[int, dict[str, int]]]:
    """Dossier counters of several month-aligned periods in two queries: the day rows summed
    per agency × month, and the open dossiers judged at each period's end."""

    lo, hi = _span(periods)
    rows = MonthSummary.objects.filter(month__gte=lo, month__lte=hi)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    monthly: dict[tuple[int, dt.date], dict[str, int]] = {}
    if len(periods) == 1:
        # one period: PostgreSQL adds the months up (a row per agency comes back)
        sums = (
            rows.values("agency_id").annotate(**{f"s_{c}": Sum(c) for c in DAY_COUNTERS}).order_by()
        )
        for row in rowsql.query_rows(sums, ("agency_id", *(f"s_{c}" for c in DAY_COUNTERS))):
            monthly[(row["agency_id"], lo)] = {c: row[f"s_{c}"] for c in DAY_COUNTERS}
    else:
        for row in rowsql.query_rows(rows.order_by(), ("agency_id", "month", *DAY_COUNTERS)):
            monthly[(row["agency_id"], row["month"])] = row
    open_rows = DossierFact.objects.filter(is_open=True, received_on__gte=lo, received_on__lte=hi)
    if agency_ids is not None:
        open_rows = open_rows.filter(agency_id__in=agency_ids)
    aggregates: dict[str, Any] = {}
    for i, p in enumerate(periods):
        ok = open_on_time_q(cutoff_for(p, now), among_open=True) & _in(p)
        aggregates[f"ok{i}"] = Count("pk", filter=ok)
        aggregates[f"okc{i}"] = Count("pk", filter=ok & Q(complained=False))
    open_by_agency: dict[int, dict[str, Any]] = {
        r["agency_id"]: dict(r)
        for r in open_rows.values("agency_id").annotate(**aggregates).order_by()
    }
    # index the month rows once, so each period visits only its own months (a year's trend
    # asks for 12+ periods: scanning every row for every period was most of the page's time)
    by_month: dict[dt.date, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for (agency_id, month), row in monthly.items():
        by_month[month].append((agency_id, row))
    out: dict[Period, dict[int, dict[str, int]]] = {}
    for i, p in enumerate(periods):
        per: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DAY_COUNTERS, 0))
        for month in [lo] if len(periods) == 1 else p.months():
            for agency_id, row in by_month.get(month, ()):
                c = per[agency_id]
                for name in DAY_COUNTERS:
                    c[name] += int(row[name] or 0)
        for agency_id, c in per.items():
            extra: dict[str, Any] = open_by_agency.get(agency_id, {})
            c["on_time"] = c["on_time_closed"] + extra.get(f"ok{i}", 0)
            c["satisfied"] = c["satisfied_closed"] + extra.get(f"okc{i}", 0)
            c["late"] = c["received"] - c["on_time"]
        out[p] = dict(per)
    return out


def dossier_counters(
    period: Period, agency_ids: list[int] | None = None, now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    return dossier_counters_many([period], agency_ids, now)[period]


# -- the catalogue --------------------------------------------------------------------------------
def _core_complete(
    row: dict[str, Any], has_documents: bool, has_steps: bool, has_agency: bool
) -> bool:
    """Set-based mirror of Procedure.missing_core_fields() == [] (the 7 mandatory fields;
    a test checks both agree)."""
    return bool(
        row["name"]
        and (row["steps_description"] or has_steps)
        and row["submission_means"]
        and has_documents
        and (row["time_unit"] == "same_day" or row["processing_time"])
        and row["applicant_types"]
        and has_agency
    )


_SNAPSHOTS: dict[frozenset[int], tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _catalogue_version() -> tuple[Any, ...]:
    """Changes whenever a procedure, its lists or its agencies change (editing any of them
    moves the procedure's updated_at; creating or deleting one changes the counts)."""
    from django.db import connection

    from cchc.catalogue.models import Procedure

    proc, link = Procedure._meta.db_table, Procedure.agencies.through._meta.db_table
    cur = rowsql.cursor(connection)
    cur.execute(
        f"SELECT (SELECT COUNT(*) FROM {proc}), (SELECT MAX(updated_at) FROM {proc}), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {link})"
    )
    return tuple(cur.fetchone())


def catalogue_snapshot(agency_ids: list[int]) -> dict[str, Any]:
    """What the catalogue metrics need: per procedure its flags, and which agencies implement
    it. Kept per process for the catalogue version it was read at (one small query checks)."""
    key, version = frozenset(agency_ids), _catalogue_version()
    hit = _SNAPSHOTS.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    snapshot = _read_catalogue_snapshot(agency_ids)
    if len(_SNAPSHOTS) > 32:
        _SNAPSHOTS.clear()
    _SNAPSHOTS[key] = (version, snapshot)
    return snapshot


def _read_catalogue_snapshot(agency_ids: list[int]) -> dict[str, Any]:
    from cchc.catalogue.models import Procedure, RequiredDocument, StepTemplate

    link = Procedure.agencies.through
    links = list(
        link.objects.filter(agency_id__in=agency_ids).values_list("procedure_id", "agency_id")
    )
    scope = link.objects.filter(agency_id__in=agency_ids).values("procedure_id")
    docs = set(
        RequiredDocument.objects.filter(procedure_id__in=scope)
        .values_list("procedure_id", flat=True)
        .distinct()
    )
    steps = set(
        StepTemplate.objects.filter(procedure_id__in=scope)
        .values_list("procedure_id", flat=True)
        .distinct()
    )
    procedures = {}
    row: dict[str, Any]
    for row in Procedure.objects.filter(pk__in=scope).values(  # type: ignore[assignment]
        "id",
        "code",
        "name",
        "status",
        "online_level",
        "has_fee",
        "fee_amount",
        "charge_amount",
        "fee_legal_basis",
        "announced_on",
        "published_at",
        "steps_description",
        "submission_means",
        "time_unit",
        "processing_time",
        "applicant_types",
    ):
        row["complete"] = _core_complete(row, row["id"] in docs, row["id"] in steps, True)
        row["published_on"] = (
            timezone.localdate(row["published_at"]) if row["published_at"] else None
        )
        row["published"] = row["status"] == "PUBLISHED"
        row["online"] = row["online_level"] in ("full", "partial")
        row["fee_data"] = row["has_fee"] and bool(
            row["fee_amount"] or row["charge_amount"] or row["fee_legal_basis"]
        )
        procedures[row["id"]] = row
    return {"links": links, "procedures": procedures}


def procedure_usage_many(
    periods: list[Period], agency_ids: list[int]
) -> dict[Period, dict[tuple[int, int], dict[str, int]]]:
    """Per period, agency × procedure sums of the monthly rows (aggregated in SQL)."""
    out: dict[Period, dict[tuple[int, int], dict[str, int]]] = {}
    for p in periods:
        rows = (
            ProcedureMonthSummary.objects.filter(
                agency_id__in=agency_ids, month__gte=p.start, month__lte=p.end
            )
            .values("agency_id", "procedure_id")
            .annotate(
                r=Sum("received"), o=Sum("online"), pa=Sum("paid_online"), po=Sum("population_data")
            )
            .order_by()
        )
        out[p] = {
            (row["agency_id"], row["procedure_id"]): {
                "received": row["r"],
                "online": row["o"],
                "paid": row["pa"],
                "pop": row["po"],
            }
            for row in rowsql.query_rows(rows, ("agency_id", "procedure_id", "r", "o", "pa", "po"))
        }
    return out


def _static_names(proc: dict[str, Any]) -> frozenset[str]:
    """The counters a procedure counts in whatever the period (its catalogue record)."""
    if not proc["published"]:
        return frozenset()
    names = {"procedures_in_scope"}
    if proc["complete"]:
        names.add("procedures_content_full")
    if proc["online"]:
        names |= {"procedures_online", "online_services"}
    if proc["has_fee"]:
        names.add("procedures_with_fee")
    if proc["fee_data"]:
        names.add("procedures_fee_data")
    return frozenset(names)


def procedure_flags(
    period: Period,
    agency_ids: list[int],
    publish_within_days: int = 5,
    *,
    snapshot: dict[str, Any] | None = None,
    usage: dict[tuple[int, int], dict[str, int]] | None = None,
):  # type: ignore[no-untyped-def]
    """Yield (agency_id, procedure row, set of counter names it counts in) for the catalogue
    metrics: procedures an agency implements (Procedure.agencies) and their use in the period."""
    snapshot = snapshot or catalogue_snapshot(agency_ids)
    usage = usage if usage is not None else procedure_usage_many([period], agency_ids)[period]
    wanted = set(agency_ids)
    start, end = period.start, period.end
    within = dt.timedelta(days=publish_within_days)
    for procedure_id, agency_id in snapshot["links"]:
        if agency_id not in wanted:
            continue
        proc = snapshot["procedures"][procedure_id]
        names = set(proc.setdefault("static_names", _static_names(proc)))
        announced, published_on = proc["announced_on"], proc["published_on"]
        on_time = bool(announced and published_on and published_on <= announced + within)
        if announced and start <= announced <= end:
            names.add("procedures_announced")
            if on_time:
                names.add("procedures_announced_on_time")
        if published_on and start <= published_on <= end:
            names.add("procedures_published")
            if on_time:
                names.add("procedures_published_on_time")
        u = usage.get((agency_id, procedure_id))
        if u and proc["published"]:
            if proc["online"] and u["online"]:
                names.add("online_services_used")
            if u["pop"]:
                names.add("procedures_population_data")
            if proc["has_fee"]:
                if u["paid"]:
                    names.add("procedures_fee_paid_online")
                if u["received"]:
                    names.add("procedures_fee_dossiers")
        yield agency_id, proc, names


PROCEDURE_COUNTER_NAMES = (
    "procedures_announced",
    "procedures_announced_on_time",
    "procedures_published",
    "procedures_published_on_time",
    "procedures_in_scope",
    "procedures_content_full",
    "procedures_online",
    "online_services",
    "online_services_used",
    "procedures_population_data",
    "procedures_with_fee",
    "procedures_fee_paid_online",
    "procedures_fee_dossiers",
    "procedures_fee_data",
)  # certified copies are entered figures (cchc.indices.figures), not catalogue counts
PETITION_COUNTER_NAMES = (
    "petitions",
    "petitions_on_time",
    "petitions_satisfied",
    "petitions_tthc",
    "petitions_staff",
)


def procedure_counters(
    period: Period,
    agency_ids: list[int],
    publish_within_days: int = 5,
    *,
    snapshot: dict[str, Any] | None = None,
    usage: Any = None,
) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {
        a: dict.fromkeys(PROCEDURE_COUNTER_NAMES, 0) for a in agency_ids
    }
    for agency_id, _proc, names in procedure_flags(
        period, agency_ids, publish_within_days, snapshot=snapshot, usage=usage
    ):
        for name in names:
            out[agency_id][name] += 1
    return out


# -- petitions ---------------------------------------------------------------------------------
def petition_on_time_q(cutoff: dt.datetime) -> Q:
    return Q(on_time=True) | Q(on_time__isnull=True) & (
        Q(due_at__isnull=True) | Q(due_at__gte=cutoff)
    )


def petition_counters_many(
    periods: list[Period], agency_ids: list[int], now: dt.datetime | None = None
) -> dict[Period, dict[int, dict[str, int]]]:
    lo, hi = _span(periods)
    aggregates: dict[str, Any] = {}
    for i, p in enumerate(periods):
        inside = _in(p)
        aggregates[f"petitions{i}"] = Count("pk", filter=inside)
        aggregates[f"petitions_on_time{i}"] = Count(
            "pk", filter=inside & petition_on_time_q(cutoff_for(p, now))
        )
        aggregates[f"petitions_satisfied{i}"] = Count("pk", filter=inside & Q(satisfied=True))
        aggregates[f"petitions_tthc{i}"] = Count("pk", filter=inside & Q(category="TTHC"))
        aggregates[f"petitions_staff{i}"] = Count("pk", filter=inside & Q(category="CANBO"))
    rows: dict[int, dict[str, Any]] = {
        r["agency_id"]: dict(r)
        for r in PetitionFact.objects.filter(
            agency_id__in=agency_ids, received_on__gte=lo, received_on__lte=hi
        )
        .values("agency_id")
        .annotate(**aggregates)
        .order_by()
    }
    out = {}
    for i, p in enumerate(periods):
        out[p] = {
            a: {k: int(rows.get(a, {}).get(f"{k}{i}", 0)) for k in PETITION_COUNTER_NAMES}
            for a in agency_ids
        }
    return out


def petition_counters(
    period: Period, agency_ids: list[int], now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    return petition_counters_many([period], agency_ids, now)[period]


USAGE_COUNTER_NAMES = (
    "online_services_used",
    "procedures_population_data",
    "procedures_fee_paid_online",
    "procedures_fee_dossiers",
)


def usage_counters(period: Period, agency_ids: list[int]) -> dict[int, dict[str, int]]:
    """The four counters of procedures *used* in the period, counted by PostgreSQL per agency
    (a row per agency instead of one per agency × procedure): the same rules as the usage part
    of `procedure_flags`, which a test holds equal."""
    from django.db import connection

    from cchc.catalogue.models import Procedure

    link, proc = Procedure.agencies.through._meta.db_table, Procedure._meta.db_table
    usage = ProcedureMonthSummary._meta.db_table
    sql = (
        "SELECT l.agency_id, "  # noqa: S608 - table names from model metadata
        "COUNT(*) FILTER (WHERE p.online_level IN ('full', 'partial') AND u.o > 0), "
        "COUNT(*) FILTER (WHERE u.po > 0), "
        "COUNT(*) FILTER (WHERE p.has_fee AND u.pa > 0), "
        "COUNT(*) FILTER (WHERE p.has_fee AND u.r > 0) "
        f"FROM {link} l JOIN {proc} p ON p.id = l.procedure_id AND p.status = 'PUBLISHED' "
        "JOIN (SELECT agency_id, procedure_id, SUM(received) AS r, SUM(online) AS o, SUM(paid_online) AS pa, "
        f"SUM(population_data) AS po FROM {usage} WHERE month >= %s AND month <= %s GROUP BY agency_id, procedure_id) u "
        "ON u.agency_id = l.agency_id AND u.procedure_id = l.procedure_id "
        f"WHERE l.agency_id IN ({', '.join(['%s'] * len(agency_ids))}) GROUP BY l.agency_id"
    )
    out = {a: dict.fromkeys(USAGE_COUNTER_NAMES, 0) for a in agency_ids}
    if not agency_ids:
        return out
    cur = rowsql.cursor(connection)
    cur.execute(sql, [period.start, period.end, *agency_ids])
    for agency_id, *values in cur.fetchall():
        out[agency_id] = dict(zip(USAGE_COUNTER_NAMES, (int(v) for v in values), strict=True))
    return out


def _catalogue_counts(snapshot: dict[Any, Any], publish_within_days: int) -> dict[str, Any]:
    """Per agency: the counts of the period-independent catalogue names, and the dates of its
    procedures' announcement and publication (kept with the cached snapshot)."""
    key = ("counts", publish_within_days)
    if key in snapshot:
        return snapshot[key]  # type: ignore[no-any-return]
    within = dt.timedelta(days=publish_within_days)
    static: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    dated: dict[int, list[tuple[dt.date | None, dt.date | None, bool]]] = defaultdict(list)
    for procedure_id, agency_id in snapshot["links"]:
        proc = snapshot["procedures"][procedure_id]
        for name in proc.setdefault("static_names", _static_names(proc)):
            static[agency_id][name] += 1
        announced, published_on = proc["announced_on"], proc["published_on"]
        if announced or published_on:
            dated[agency_id].append(
                (
                    announced,
                    published_on,
                    bool(announced and published_on and published_on <= announced + within),
                )
            )
    snapshot[key] = {"static": static, "dated": dated}
    return snapshot[key]  # type: ignore[no-any-return]


def catalogue_counters(
    period: Period, agency_ids: list[int], publish_within_days: int, snapshot: dict[str, Any]
) -> dict[int, dict[str, int]]:
    """`procedure_counters` without the usage names, from per-agency counts: the same rules as
    `procedure_flags` (a test holds them equal) at a fraction of the work per request."""
    counts = _catalogue_counts(snapshot, publish_within_days)
    start, end = period.start, period.end
    out: dict[int, dict[str, int]] = {}
    for a in agency_ids:
        c = dict.fromkeys(PROCEDURE_COUNTER_NAMES, 0)
        c.update(counts["static"].get(a, {}))
        for announced, published_on, on_time in counts["dated"].get(a, ()):
            if announced and start <= announced <= end:
                c["procedures_announced"] += 1
                c["procedures_announced_on_time"] += on_time
            if published_on and start <= published_on <= end:
                c["procedures_published"] += 1
                c["procedures_published_on_time"] += on_time
        out[a] = c
    return out


def period_counters_many(
    periods: list[Period],
    agency_ids: list[int],
    *,
    publish_within_days: int = 5,
    now: dt.datetime | None = None,
) -> dict[Period, dict[int, dict[str, int | None]]]:
    """Every counter the metrics may name, per period and agency, in a handful of queries."""
    dossiers = dossier_counters_many(periods, agency_ids, now)
    petitions = petition_counters_many(periods, agency_ids, now)
    snapshot = catalogue_snapshot(agency_ids)
    empty = {**dict.fromkeys(DAY_COUNTERS, 0), "on_time": 0, "satisfied": 0, "late": 0}
    out = {}
    for p in periods:
        # the catalogue's counters from the snapshot (no usage: those four come from SQL)
        procedures = catalogue_counters(p, agency_ids, publish_within_days, snapshot)
        used = usage_counters(p, agency_ids)
        entered = entered_counters(p, agency_ids)
        out[p] = {
            a: {
                **empty,
                **dossiers[p].get(a, {}),
                **procedures[a],
                **used[a],
                **petitions[p][a],
                **entered[a],
            }
            for a in agency_ids
        }
        if not portal_sync_configured():
            for c in out[p].values():
                for name in SYNC_COUNTERS:
                    if not c.get(name):
                        c[name] = None
    return out


# Counters only the synchronisation to the national portal fills (a dossier's sent time,
# cchc.interchange.portal_sync, or the `DongBoDVCQG` flag of an imported dossier).
SYNC_COUNTERS = ("synced", "storage_linked")


def portal_sync_configured() -> bool:
    """Whether the platform sends dossiers to the national portal (settings.DOSSIER_SYNC_URL).
    Without it, an agency with no synchronised dossier has no data for the sync metrics
    rather than 0 (the portal knows of dossiers we cannot see being sent)."""
    from django.conf import settings

    return bool(getattr(settings, "DOSSIER_SYNC_URL", ""))


def period_counters(
    period: Period,
    agency_ids: list[int],
    *,
    publish_within_days: int = 5,
    now: dt.datetime | None = None,
) -> dict[int, dict[str, int | None]]:
    return period_counters_many(
        [period], agency_ids, publish_within_days=publish_within_days, now=now
    )[period]
