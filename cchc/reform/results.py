"""Results of a year: every published template of the year scored by its own rule, ranked
within the units' ranking groups, with the change against last year (interchange.md §6).

`index_document(period, province_code=)` is what `compute_indices --scheme par` prints
(settings.INDEX_SCHEMES["par"]). Published results are frozen (ResultSet); the live
computation is used before publication and by the what-if page.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import connections
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from cchc.core.errors import NotFound, ValidationFailed
from cchc.reform import scoring, subjects
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    AssessmentSummary,
    ResultSet,
    Score,
    Template,
    TemplateStatus,
)

_TREES: dict[int, scoring.Tree] = {}
# live documents of the pages: (year, province) -> (taken at, data stamp, document)
_LIVE: dict[tuple[int, str | None], tuple[float, tuple, dict[str, Any]]] = {}
LIVE_TTL = 60.0
# decoded documents of published result versions, by ResultSet id: a version is never
# changed (a restatement is a new row), so its 590 kB JSON is decoded once per process
_FROZEN: dict[int, dict[str, Any]] = {}


def tree_of(template: Template) -> scoring.Tree:
    """The template's scoring tree (cached for published templates, which never change)."""
    if template.is_published and template.pk in _TREES:
        return _TREES[template.pk]
    nodes = [
        {
            "code": n["code"],
            "name": n["name"],
            "kind": n["kind"],
            "method": n["method"],
            "max_points": n["max_points"],
            "parent": n["parent__code"],
            "order": n["order"],
        }
        for n in template.nodes.values(
            "code", "name", "kind", "method", "max_points", "parent__code", "order"
        )
    ]
    tree = scoring.build_tree(
        template_id=template.pk,
        code=template.code,
        year=template.year,
        survey_optional=template.survey_optional,
        grades=template.grade_bands(),
        nodes=nodes,
    )
    if template.is_published:
        _TREES[template.pk] = tree
    return tree


def clear_cache() -> None:
    _TREES.clear()
    _LIVE.clear()
    _FROZEN.clear()


def data_stamp() -> tuple:
    """Changes whenever a score, a template or a publication changes through the services
    (every change appends a ReformEvent; imports append one per assessment)."""
    from django.db.models import Count, Max

    from cchc.reform.models import ReformEvent

    t = Template.objects.aggregate(m=Max("published_at"), c=Count("id"))
    return (
        ReformEvent.objects.aggregate(m=Max("id"))["m"],
        t["m"],
        t["c"],
        ResultSet.objects.aggregate(m=Max("id"))["m"],
    )


def live_document(year: int, province_code: str | None) -> dict[str, Any]:
    """`compute_year` for pages: reused while no score, template or publication has changed
    (and for at most LIVE_TTL seconds). Commands and publication always compute afresh."""
    import time

    key = (year, province_code)
    stamp = data_stamp()
    now = time.monotonic()
    hit = _LIVE.get(key)
    if hit is not None and hit[1] == stamp and now - hit[0] < LIVE_TTL:
        return hit[2]
    doc = compute_year(year, province_code)
    _LIVE[key] = (now, stamp, doc)
    return doc


def parse_year(period: str) -> int:
    text = str(period).strip()
    if not (text.isdigit() and len(text) == 4):
        raise ValidationFailed(
            _("The PAR INDEX is yearly: give the period as a year, e.g. 2026."), field="period"
        )
    return int(text)


def effective(method: str, status: str, imported: bool, appraised, self_score, survey):  # type: ignore[no-untyped-def]
    """The figure a leaf contributes: survey nodes their survey score; the others their
    appraised score, or (before finalisation, in the platform) the self score."""
    if method == "survey":
        return None if survey is None else float(survey)
    if appraised is not None:
        return float(appraised)
    if status != AssessmentStatus.FINAL and not imported and self_score is not None:
        return float(self_score)
    return None


class AssessmentLike(Protocol):
    """What scoring needs of an assessment: an Assessment, or a `Unit` row of `compute_year`."""

    @property
    def pk(self) -> Any: ...
    @property
    def template_id(self) -> Any: ...
    @property
    def template(self) -> Template: ...
    @property
    def status(self) -> str: ...
    @property
    def imported(self) -> bool: ...
    @property
    def last_event_seq(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Unit:
    """One assessment of a year as `compute_year` reads it: plain values (300 Django model
    instances with their agency, group and template were a third of the computation)."""

    pk: int
    template_id: int
    template: Template
    status: str
    imported: bool
    last_event_seq: int
    code: str
    name: str
    group: str | None


def leaf_values_by_assessment(
    assessments: Sequence[AssessmentLike],
) -> dict[int, dict[str, float | None]]:
    """Each assessment's leaf values (one query, no joins: node codes come from the trees)."""
    nodes: dict[int, tuple[str, str]] = {}
    for t in {a.template_id: a.template for a in assessments}.values():
        for pk, code, method in t.nodes.values_list("pk", "code", "method"):
            nodes[pk] = (code, method)
    state = {a.pk: (a.status, a.imported) for a in assessments}
    out: dict[int, dict[str, float | None]] = {a.pk: {} for a in assessments}
    if not state:
        return out  # no SQL to run: Django refuses an empty IN list (EmptyResultSet)
    # the year's 27,600 rows in one fetch, as floats: Django's row iteration (chunks of 100,
    # Decimal conversion per cell) was a third of the computation
    qs = (
        Score.objects.filter(assessment_id__in=list(state))
        .annotate(
            a=Cast("appraised_score", FloatField()),
            s=Cast("self_score", FloatField()),
            v=Cast("survey_score", FloatField()),
        )
        .values_list("assessment_id", "node_id", "a", "s", "v")
    )
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    final = AssessmentStatus.FINAL
    for aid, node_id, appraised, self_score, survey in rows:
        code, method = nodes[node_id]
        # `effective`, inlined: called once per score of the year
        if method == "survey":
            value = None if survey is None else float(survey)
        elif appraised is not None:
            value = float(appraised)
        elif self_score is not None:
            status, imported = state[aid]
            value = float(self_score) if status != final and not imported else None
        else:
            value = None
        out[aid][code] = value
    return out


def self_scores_count(a: AssessmentLike) -> bool:
    """Whether the unit's self scores stand in for missing appraised ones (`effective`)."""
    return a.status != AssessmentStatus.FINAL and not a.imported


def unit_results(
    assessments: Sequence[AssessmentLike], *, fresh: bool = False, totals_only: bool = False
) -> dict[int, dict]:
    """Each assessment's scored result (total, points, max, grade, groups, weakest): from its
    AssessmentSummary while that is current (written after the assessment's last event, for
    its present status, in the present layout), else (or when `fresh`) from its Score rows.
    `totals_only`: what ranking needs; a current summary then gives only its `total`."""
    out: dict[int, dict] = {}
    stale = list(assessments)
    if not fresh and assessments:
        stored = {
            pk: (seq, pending, layout, result)
            for pk, seq, pending, layout, result in AssessmentSummary.objects.filter(
                assessment_id__in=[a.pk for a in assessments]
            ).values_list(
                "assessment_id",
                "seq",
                "pending",
                "layout",
                "result__total" if totals_only else "result",
            )
        }
        stale = []
        for a in assessments:
            s = stored.get(a.pk)
            res = None
            if (
                s is not None
                and s[0] == a.last_event_seq
                and s[1] == self_scores_count(a)
                and s[2] == scoring.SUMMARY_LAYOUT
            ):
                res = {"total": s[3]} if totals_only else scoring.unpack(tree_of(a.template), s[3])
            if res is None:
                stale.append(a)
            else:
                out[a.pk] = res
    if stale:
        values = leaf_values_by_assessment(stale)
        for a in stale:
            out[a.pk] = scoring.score_unit(tree_of(a.template), values.get(a.pk, {}))
    return out


def _year_assessments(year: int, province_code: str | None) -> tuple[list[Template], Any]:
    """The year's published templates and a queryset of all their assessments (of the
    province), drafts included: only those of units assessed under their template
    (`subjects`), so that progress, readiness and the ranking count the same units."""
    templates = list(
        Template.objects.filter(year=year, status=TemplateStatus.PUBLISHED)
        .prefetch_related("groups")
        .order_by("code")
    )
    qs = Assessment.objects.filter(subjects.assessments_filter(templates))
    if province_code:
        qs = qs.filter(agency__province_code=province_code)
    return templates, qs


def _units(year: int, province_code: str | None) -> tuple[list[Template], list[Unit]]:
    """The year's published templates and their submitted assessments (of the province).
    A draft is the unit's work in progress, not yet approved by its leader (domain.md §7:
    self-score → leadership approves and submits → appraisal → ranking): it is never ranked."""
    templates, qs = _year_assessments(year, province_code)
    by_id = {t.pk: t for t in templates}
    qs = qs.exclude(status=AssessmentStatus.DRAFT)
    units = [
        Unit(pk, tid, by_id[tid], status, imported, seq, code, name, group)
        for pk, tid, status, imported, seq, code, name, group in qs.order_by("pk").values_list(
            "pk",
            "template_id",
            "status",
            "imported",
            "last_event_seq",
            "agency__code",
            "agency__name",
            "agency__group__name",
        )
    ]
    return templates, units


def _ranks(year: int, province_code: str | None, *, fresh: bool) -> dict[str, int | None]:
    """Each unit's rank in the year: frozen when published, else ranked from the totals alone
    (what the rank change needs of last year)."""
    frozen = published(year, province_code)
    if frozen is not None:
        return {r["code"]: r["rank"] for r in frozen.summary}
    _templates, units = _units(year, province_code)
    scored = unit_results(units, fresh=fresh, totals_only=True)
    rows = [{"code": u.code, "group": u.group, "total": scored[u.pk]["total"]} for u in units]
    scoring.rank_units(rows)
    return {r["code"]: r["rank"] for r in rows}


def rank_history(year: int, province_code: str | None) -> dict[str, dict[str, int | None]]:
    """Per unit of `year - 1`: its rank then and how many units its group ranked then, so a
    page can say "7th of 9 → 1st of 1" instead of a bare difference of ranks."""
    frozen = published(year - 1, province_code)
    if frozen is not None:
        rows = [{"code": r["code"], "group": r["group"], "rank": r["rank"]} for r in frozen.summary]
    else:
        _templates, units = _units(year - 1, province_code)
        scored = unit_results(units, totals_only=True)
        rows = [{"code": u.code, "group": u.group, "total": scored[u.pk]["total"]} for u in units]
        scoring.rank_units(rows)
    return {
        r["code"]: {"rank": r["rank"], "ranked": ranked_in_group(rows, r["group"])} for r in rows
    }


def ranked_in_group(rows: Sequence[Mapping[str, Any]], group: Any) -> int:
    """How many of `rows` have a rank in ranking group `group`."""
    return sum(1 for r in rows if r["group"] == group and r.get("rank"))


def compute_year(
    year: int,
    province_code: str | None = None,
    *,
    overrides: Mapping[str, Mapping[str, float | None]] | None = None,
    with_change: bool = True,
    fresh: bool = False,
) -> dict[str, Any]:
    """The live document of a year. `overrides`: agency code → {leaf code: value} (what-if).
    Units are read from their summaries (one row each) unless `fresh` (publication), when
    every unit is scored from its Score rows; both give the same document."""
    templates, assessments = _units(year, province_code)
    changed = [a for a in assessments if overrides and a.code in overrides]
    ids = {a.pk for a in changed}
    scored = unit_results([a for a in assessments if a.pk not in ids], fresh=fresh)
    if changed:
        values = leaf_values_by_assessment(changed)
        for a in changed:
            leaf = dict(values.get(a.pk, {}))
            leaf.update((overrides or {})[a.code])
            scored[a.pk] = scoring.score_unit(tree_of(a.template), leaf)
    rows: list[dict[str, Any]] = []
    for a in assessments:
        res = scored[a.pk]
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "group": a.group,
                "template": a.template.code,
                "status": a.status,
                "total": res["total"],
                "points": res["points"],
                "max": res["max"],
                "grade": res["grade"],
                "groups": res["groups"],
                "weakest": res["weakest"],
            }
        )
    scoring.rank_units(rows)
    previous: dict[str, int | None] = {}
    if with_change and rows:
        previous = _ranks(year - 1, province_code, fresh=fresh)
    for r in rows:
        last = previous.get(r["code"])
        r["rank_change"] = (last - r["rank"]) if (last is not None and r["rank"]) else None
    rows.sort(key=lambda r: (r["group"] or "", r["rank"] or 10**6, r["code"]))
    return {
        "scheme": "par",
        "version": ";".join(t.code for t in templates),
        "period": str(year),
        "frozen": False,
        "agencies": rows,
        "not_submitted": not_submitted(year, province_code),
    }


def not_submitted(year: int, province_code: str | None) -> list[dict[str, Any]]:
    """The units whose self-assessment of the year is still a draft: listed apart from the
    ranking, without figures (a draft's self scores are not the unit's approved claim)."""
    _templates, qs = _year_assessments(year, province_code)
    return [
        {"code": code, "name": name, "group": group, "template": template}
        for code, name, group, template in qs.filter(status=AssessmentStatus.DRAFT)
        .order_by("agency__group__name", "agency__code")
        .values_list("agency__code", "agency__name", "agency__group__name", "template__code")
    ]


def readiness(year: int, province_code: str | None) -> dict[str, int]:
    """How far the year is from complete results: units finalised, submitted but still under
    appraisal, still drafting, and units a published template of the year is meant for that
    have not opened their self-assessment at all."""
    templates, qs = _year_assessments(year, province_code)
    statuses = list(qs.values_list("status", flat=True))
    final = sum(1 for s in statuses if s == AssessmentStatus.FINAL)
    draft = sum(1 for s in statuses if s == AssessmentStatus.DRAFT)
    not_started: set[int] = set()
    for t in templates:
        not_started |= set(
            subjects.assessed_agencies(t, province_code).values_list("pk", flat=True)
        )
    not_started -= set(qs.values_list("agency_id", flat=True))
    counts = {
        "final": final,
        "appraising": len(statuses) - final - draft,
        "draft": draft,
        "not_started": len(not_started),
    }
    counts["unfinished"] = counts["appraising"] + counts["draft"] + counts["not_started"]
    return counts


def published(
    year: int, province_code: str | None, *, with_document: bool = False
) -> ResultSet | None:
    """The current published results of the year (without the large document unless asked)."""
    code = province_code or settings.CCHC_PROVINCE_CODE
    qs = ResultSet.objects.filter(year=year, province_code=code, current=True)
    if not with_document:
        qs = qs.defer("document")
    return qs.first()


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "groups"} for r in rows]


def ranking_document(year: int, province_code: str | None = None) -> dict[str, Any]:
    """What ranking pages show: the published rows without their per-field detail (frozen),
    else the live computation."""
    frozen = published(year, province_code)
    if frozen is not None:
        return {
            "scheme": "par",
            "period": str(year),
            "frozen": True,
            "published_at": frozen.published_at.isoformat(),
            "result_version": frozen.version,
            "agencies": frozen.summary,
        }
    return live_document(year, province_code)


def index_document(
    period: str, *, province_code: str | None = None, viewer: Any = None
) -> dict[str, Any]:
    """interchange.md §6: the frozen figures of a published year, else the live ones. With a
    `viewer` (the indices' scorecard), also `results_url` (the year's ranking, which shows
    the viewer the rows they may see) and `unit_urls`: unit code -> its result page, for
    the units whose page the viewer may open (access.unit_pages); never in the export."""
    year = parse_year(period)
    province_code = province_code or settings.CCHC_PROVINCE_CODE
    doc = _index_document(year, province_code)
    if viewer is not None:
        from django.urls import reverse

        from cchc.reform.access import unit_pages

        pages = unit_pages(viewer, year, province_code)
        doc = {
            **doc,
            "results_url": reverse("reform:ranking", args=[year]),
            "unit_urls": {
                row["code"]: reverse("reform:unit", args=[year, row["code"]])
                for row in doc.get("agencies", [])
                if row["code"] in pages
            },
        }
    return doc


def _index_document(year: int, province_code: str) -> dict[str, Any]:
    frozen = published(year, province_code)
    if frozen is not None:
        stored = _FROZEN.get(frozen.pk)
        if stored is None:
            if len(_FROZEN) > 20:
                _FROZEN.clear()
            stored = ResultSet.objects.values_list("document", flat=True).get(pk=frozen.pk)
            _FROZEN[frozen.pk] = stored
        doc = dict(stored)
        doc.update(
            frozen=True,
            published_at=frozen.published_at.isoformat(),
            result_version=frozen.version,
        )
        return doc
    return compute_year(year, province_code)


def unit_row(doc: dict[str, Any], agency_code: str) -> dict[str, Any]:
    for row in doc["agencies"]:
        if row["code"] == agency_code:
            return row
    raise NotFound(_("No PAR INDEX result for unit %(code)s.") % {"code": agency_code})


def left_out(row: dict[str, Any], year: int | None = None) -> set[str]:
    """The fields and criteria not counted in the unit's index: with an optional survey and no
    survey score the maximum leaves the survey out (domain.md §7), so a node made only of
    survey items loses nothing; empty when the unit's index counts every node."""
    if not row.get("template"):
        return set()
    qs = Template.objects.filter(code=row["template"])
    if year is not None:
        qs = qs.filter(year=year)
    template = qs.first()
    if template is None:
        return set()
    tree = tree_of(template)
    if not (
        tree.survey_optional
        and tree.survey_max
        and abs(row["max"] - (tree.max_total - tree.survey_max)) < 1e-9
    ):
        return set()
    survey = set(tree.survey_leaves)
    return {
        n.code
        for n in tree.root.walk()
        if n.code and not n.is_leaf and all(leaf.code in survey for leaf in n.leaves())
    }


def _lost(node: Mapping[str, Any]) -> float:
    """Points a field or criterion lost: its maximum less its score, never below zero. The
    bonus and penalty field has a maximum of 0: a unit with a net bonus lost nothing there
    (it read "-0,50 points lost"), one with a net penalty lost the penalty."""
    return max(0.0, float(node["max"]) - float(node["score"]))


def _lost_share(node: Mapping[str, Any], lost: float | None) -> float | None:
    """The points lost as a per cent of the node's maximum: the measure of the weakest
    criteria (the lowest score ÷ maximum, interchange.md §6), shown next to the points so a
    reader sees why a small criterion scored 0 of 2 is weaker than a large one scored 15 of
    20. None where nothing counts (a node left out, the bonus and penalty field)."""
    if lost is None or not node["max"]:
        return None
    return round(lost / float(node["max"]) * 100, 9)


def where_points_lost(doc: dict[str, Any], agency_code: str) -> list[dict[str, Any]]:
    """Per field and criterion: the unit's score against its group's best and median, and
    the points it lost (the Sóc Sơn view). Fields in the template's order; within each field
    the criteria largest gap to the group's best first (ties: more points lost, then template
    order)."""
    row = unit_row(doc, agency_code)
    peers = [r for r in doc["agencies"] if r["group"] == row["group"]]
    period = str(doc.get("period") or "")
    skipped = left_out(row, int(period) if period.isdigit() else None)
    out = []
    for fcode, field in row["groups"].items():
        crits = []
        for ccode, crit in field["criteria"].items():
            scores = [
                p["groups"].get(fcode, {}).get("criteria", {}).get(ccode, {}).get("score", 0.0)
                for p in peers
            ]
            crits.append(
                {
                    "code": ccode,
                    "score": crit["score"],
                    "max": crit["max"],
                    # a node left out of the index (the optional survey) loses nothing
                    "counted": ccode not in skipped,
                    "lost": None if ccode in skipped else _lost(crit),
                    "lost_share": None if ccode in skipped else _lost_share(crit, _lost(crit)),
                    "best": max(scores) if scores else None,
                    "median": statistics.median(scores) if scores else None,
                    "behind_best": (max(scores) - crit["score"]) if scores else None,
                }
            )
        # rounded so that float noise never reorders equal gaps
        crits.sort(key=lambda c: (-round(c["behind_best"] or 0.0, 9), -round(c["lost"] or 0.0, 9)))
        fscores = [p["groups"].get(fcode, {}).get("score", 0.0) for p in peers]
        out.append(
            {
                "code": fcode,
                "score": field["score"],
                "max": field["max"],
                "counted": fcode not in skipped,
                "lost": None if fcode in skipped else _lost(field),
                "lost_share": None if fcode in skipped else _lost_share(field, _lost(field)),
                "best": max(fscores),
                "median": statistics.median(fscores),
                "behind_best": max(fscores) - field["score"],
                "criteria": crits,
            }
        )
    return out


def what_if(
    year: int, agency_code: str, changes: Mapping[str, float | None], province_code: str | None
) -> dict[str, Any]:
    """The unit's index and rank if the given leaves had these values; nothing is saved.
    Only the unit is rescored; the others keep their live totals and everyone is re-ranked."""
    doc = live_document(year, province_code)
    before = unit_row(doc, agency_code)
    a = (
        Assessment.objects.filter(template__year=year, agency__code=agency_code)
        .select_related("template")
        .first()
    )
    if a is None:
        raise NotFound(_("No PAR INDEX result for unit %(code)s.") % {"code": agency_code})
    leaf = leaf_values_by_assessment([a])[a.pk]
    leaf.update(changes)
    res = scoring.score_unit(tree_of(a.template), leaf)
    rows = [dict(r) for r in doc["agencies"]]
    for r in rows:
        if r["code"] == agency_code:
            r.update({k: res[k] for k in ("total", "points", "max", "grade", "groups", "weakest")})
    scoring.rank_units(rows)
    return {"before": before, "after": unit_row({"agencies": rows}, agency_code)}
