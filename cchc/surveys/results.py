"""The satisfaction index by the method version's rules (domain.md §6), and the document
`compute_indices --scheme sipas` prints (interchange.md §5).

Per unit: item index = satisfied answers ÷ valid answers × 100 over valid questionnaires;
components, fields and SIPAS are the means of the method's tree (cchc.core.scheme).

95 % interval: Taylor linearisation of the index. SIPAS is a fixed linear combination of
item proportions (each item's weight is the product of 1/children at every mean above it),
so each questionnaire's influence on it is z_i = Σ_j w_j·(y_ij − p_j)·n/n_j over the items it
answered validly, and Var(SIPAS) ≈ Var(z)/n. We chose it over a bootstrap because it follows
the mean-of-means formula exactly (a Wilson interval of one pooled proportion would not),
costs one pass over the answers (a bootstrap of 100,000 questionnaires would cost hundreds),
and needs no random numbers, so a published interval is reproduced to the digit. The interval
is clipped to [0, 100].
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.errors import NotFound as NotFoundError
from cchc.core.scheme import Node, competition_ranks, evaluate
from cchc.surveys.methods import MethodSpec, method_in_force, period_end

Z95 = 1.959963984540054


@dataclass
class UnitTally:
    n_valid: int = 0
    n_invalid: int = 0
    satisfied: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    valid: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # per valid questionnaire: the scored items it answered validly, and which satisfied
    rows: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    # the matrix path: valid and satisfied flags of the valid questionnaires (rows × items)
    matrix: tuple[Any, Any] | None = None


def tally(spec: MethodSpec, rows: Iterable[tuple[Any, dict[str, Any]]]) -> dict[Any, UnitTally]:
    """Count valid/satisfied answers per unit and item (rules 1-3)."""
    out: dict[Any, UnitTally] = defaultdict(UnitTally)
    codes = spec.scored_codes
    valid_set, satisfied_set = spec.valid_answers, spec.satisfied_answers
    need = spec.min_valid_share * len(codes)
    for unit, answers in rows:
        t = out[unit]
        answered = []
        for code in codes:
            value = answers.get(code)
            if type(value) is float and value.is_integer():
                value = int(value)
            if type(value) is int and value in valid_set:
                answered.append((code, value))
        if not codes or len(answered) < need:
            t.n_invalid += 1
            continue
        t.n_valid += 1
        sat = []
        for code, value in answered:
            t.valid[code] += 1
            if value in satisfied_set:
                t.satisfied[code] += 1
                sat.append(code)
        t.rows.append((tuple(c for c, _v in answered), tuple(sat)))
    return out


def leaf_weights(root: Node, values: dict[str, float | None]) -> dict[str, float]:
    """Each leaf's weight in the root's value when every inner node is a mean of the children
    that have a value."""
    weights: dict[str, float] = {}

    def visit(node: Node, weight: float) -> None:
        if node.is_leaf:
            weights[node.code] = weight
            return
        present = [c for c in node.children if values.get(c.code) is not None]
        for child in present:
            visit(child, weight / len(present))

    if values.get(root.code) is not None:
        visit(root, 1.0)
    return weights


def interval(
    tree: Node, t: UnitTally, values: dict[str, float | None]
) -> tuple[float, float] | None:
    """The 95 % interval of the unit's index by linearisation (see the module docstring)."""
    n = t.n_valid
    total = values.get(tree.code)
    if total is None or n < 2:
        return None
    weights = leaf_weights(tree, values)
    p = {c: t.satisfied[c] / t.valid[c] for c in weights if t.valid.get(c)}
    scale = {c: 100.0 * weights[c] * n / t.valid[c] for c in p}
    if t.matrix is not None:
        sum_z, sum_z2 = _z_sums(t.matrix, codes_of(t), scale, p)
    else:
        sum_z, sum_z2 = _z_sums_rows(t.rows, scale, p)
    mean = sum_z / n
    var = max(sum_z2 / n - mean * mean, 0.0) * n / (n - 1)
    half = Z95 * math.sqrt(var / n)
    return max(0.0, total - half), min(100.0, total + half)


def codes_of(t: UnitTally) -> list[str]:
    return list(t.valid)


def _z_sums(
    matrix: tuple[Any, Any], codes: list[str], scale: dict[str, float], p: dict[str, float]
) -> tuple[float, float]:
    import numpy as np

    valid, satisfied = matrix
    s = np.array([scale.get(c, 0.0) for c in codes])
    sp = np.array([scale.get(c, 0.0) * p.get(c, 0.0) for c in codes])
    z = satisfied @ s - valid @ sp
    return float(z.sum()), float((z * z).sum())


def _z_sums_rows(
    rows: list[tuple[tuple[str, ...], tuple[str, ...]]],
    scale: dict[str, float],
    p: dict[str, float],
) -> tuple[float, float]:
    sum_z = sum_z2 = 0.0
    for answered, satisfied in rows:
        z = 0.0
        for c in answered:
            if c in scale:
                z -= scale[c] * p[c]
        for c in satisfied:
            if c in scale:
                z += scale[c]
        sum_z += z
        sum_z2 += z * z
    return sum_z, sum_z2


def unit_figures(spec: MethodSpec, t: UnitTally) -> dict[str, Any]:
    """Item, component, field and overall figures of one unit (interchange.md §5 shape)."""
    tree = spec.tree
    leaf_values = {
        c: (100.0 * t.satisfied[c] / t.valid[c]) if t.valid.get(c) else None
        for c in spec.scored_codes
    }
    values = evaluate(tree, leaf_values)
    groups = {}
    for field_node in tree.children:
        components = {}
        for comp in field_node.children:
            components[comp.code] = {
                "score": values.get(comp.code),
                "items": {
                    leaf.code: {
                        "numerator": t.satisfied.get(leaf.code, 0),
                        "denominator": t.valid.get(leaf.code, 0),
                        "score": values.get(leaf.code),
                    }
                    for leaf in comp.children
                },
            }
        groups[field_node.code] = {"score": values.get(field_node.code), "components": components}
    scored = [(values[c], c) for c in spec.scored_codes if values.get(c) is not None]
    band = interval(tree, t, values)
    return {
        "total": values.get(tree.code),
        "n_valid": t.n_valid,
        "n_invalid": t.n_invalid,
        "interval": list(band) if band else None,
        "groups": groups,
        "weakest_items": [c for _v, c in sorted(scored)[:3]],
    }


def tally_matrix(spec: MethodSpec, units: Any, values: Any) -> dict[Any, UnitTally]:
    """The same counts as `tally`, over a numeric matrix (questionnaires × scored items, in
    `spec.scored_codes` order; a missing or non-numeric answer is 0) with numpy: what a
    campaign of 100,000 questionnaires needs. Rules 1-3 exactly as `tally`."""
    import numpy as np

    codes = spec.scored_codes
    integral = values == np.floor(values)
    valid = np.isin(values, sorted(spec.valid_answers)) & integral
    satisfied = np.isin(values, sorted(spec.satisfied_answers)) & valid
    # with no scored item no questionnaire is counted (as `tally`)
    counted = (
        valid.sum(axis=1) >= spec.min_valid_share * len(codes)
        if codes
        else np.zeros(len(units), dtype=bool)
    )
    out: dict[Any, UnitTally] = {}
    if len(units) == 0:
        return out
    order = np.argsort(units, kind="stable")
    units, valid, satisfied = units[order], valid[order], satisfied[order]
    counted = counted[order]
    keys, starts = np.unique(units, return_index=True)
    ends = list(starts[1:]) + [len(units)]
    for key, start, end in zip(keys.tolist(), starts.tolist(), ends, strict=True):
        ok = counted[start:end]
        v = valid[start:end][ok].astype(float)
        sat = satisfied[start:end][ok].astype(float)
        t = UnitTally()
        t.n_valid = int(ok.sum())
        t.n_invalid = int(end - start - t.n_valid)
        t.valid = dict(zip(codes, v.sum(axis=0).astype(int).tolist(), strict=True))
        t.satisfied = dict(zip(codes, sat.sum(axis=0).astype(int).tolist(), strict=True))
        t.matrix = (v, sat)
        out[key] = t
    return out


def matrix_from_rows(spec: MethodSpec, rows: list[tuple[Any, dict[str, Any]]]) -> tuple[Any, Any]:
    """Unit keys and the answer matrix from decoded rows (the path off PostgreSQL)."""
    import numpy as np

    codes = spec.scored_codes

    def number(v: Any) -> float:
        return float(v) if type(v) in (int, float) else 0.0

    values = np.array([[number(a.get(c)) for c in codes] for _u, a in rows], dtype=float)
    return np.array([u for u, _a in rows]), values.reshape(len(rows), len(codes))


def compute_matrix(
    spec: MethodSpec, unit_keys: Any, values: Any, units: dict[Any, dict[str, Any]]
) -> dict[str, Any]:
    import numpy as np

    tallies = tally_matrix(spec, unit_keys, values)
    pooled = tally_matrix(spec, np.zeros(len(unit_keys), dtype=int), values).get(0, UnitTally())
    return _document(spec, tallies, pooled, units)


def compute(
    spec: MethodSpec,
    rows: Iterable[tuple[Any, dict[str, Any]]],
    units: dict[Any, dict[str, Any]],
) -> dict[str, Any]:
    """Figures per unit (keyed by `units`' code, name and group) with ranks within ranking
    groups (rule 5), and the province's pooled figure."""
    rows = list(rows)
    tallies = tally(spec, rows)
    pooled = tally(spec, ((None, a) for _u, a in rows)).get(None, UnitTally())
    return _document(spec, tallies, pooled, units)


def _document(
    spec: MethodSpec,
    tallies: dict[Any, UnitTally],
    pooled: UnitTally,
    units: dict[Any, dict[str, Any]],
) -> dict[str, Any]:
    agencies = []
    for key, meta in units.items():
        t = tallies.get(key, UnitTally())
        figures = unit_figures(spec, t)
        agencies.append({**meta, **figures, "rank": None})
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in agencies:
        by_group[a.get("group") or ""].append(a)
    minimum = spec.min_valid_ranked
    for members in by_group.values():
        n_valid: dict[str, int] = {a["code"]: a["n_valid"] for a in members}

        def eligible(code: str, n: dict[str, int] = n_valid) -> bool:
            return n[code] >= minimum

        ranks = competition_ranks({a["code"]: a["total"] for a in members}, eligible=eligible)
        for a in members:
            a["rank"] = ranks[a["code"]]
            if a["total"] is not None and a["n_valid"] < minimum:
                a["note"] = _("insufficient sample")
    return {"agencies": agencies, "province": unit_figures(spec, pooled)}


# -- the platform's records -----------------------------------------------------------------
def _unit_meta(agency: Any) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "group": agency.group.name if agency.group_id else "",
    }


def campaign_method(campaign: Any) -> Any:
    """The method version the campaign's index is computed by: the version of its method's
    family in force when the campaign's period ends (methods.method_in_force)."""
    return method_in_force(campaign.method, period_end(campaign.period, campaign.date_to))


def method_of(campaign: Any, doc: dict[str, Any]) -> Any:
    """The method version a campaign's figures were computed by, as their document names it
    (a published document keeps the version it was frozen with)."""
    from cchc.surveys.models import Method

    return Method.objects.filter(code=doc.get("version", "")).first() or campaign.method


def judging_minimum(method: Any) -> int:
    """The fewest valid questionnaires a figure needs to be ranked and judged against the
    campaign's target: the method version's `min_valid_ranked` (domain.md §6 rule 5), of
    the version the figures were computed by (`method_of`)."""
    return MethodSpec(method, {}).min_valid_ranked


def too_few_text(n_valid: int, minimum: int) -> str:
    """What a figure below the minimum reads instead of "reached" or "not reached"."""
    from django.utils.translation import ngettext

    return ngettext(
        "too few answers to judge (%(n)s valid questionnaire; at least %(minimum)s needed)",
        "too few answers to judge (%(n)s valid questionnaires; at least %(minimum)s needed)",
        n_valid,
    ) % {"n": n_valid, "minimum": minimum}


def target_verdict(campaign: Any, total: float | None, n_valid: int, minimum: int) -> str | None:
    """A figure against the campaign's target, in the words the results page uses: "reached",
    "not reached", or too few answers to judge (`too_few_text`); None when there is no
    target or no figure. The Excel workbook and the PDF report both print this, so the two
    files say the same of a unit as the page does."""
    from django.utils.translation import gettext as _

    if campaign.too_few_to_judge(total, n_valid=n_valid, minimum=minimum):
        return too_few_text(n_valid, minimum)
    met = campaign.meets_target(total, n_valid=n_valid, minimum=minimum)
    return None if met is None else _("reached") if met else _("not reached")


def campaign_reading(campaign: Any) -> tuple[Any, MethodSpec, list[str], Any]:
    """How a campaign's responses are read: the method version in force (`campaign_method`),
    its spec, the item order their scored texts were written in (the campaign's own
    method's: `answer_matrix`'s layout) and the responses that count (rejected ones
    excluded)."""
    from cchc.surveys.models import Response

    method = campaign_method(campaign)
    spec = MethodSpec.load(method)
    layout = (
        spec.scored_codes
        if method.pk == campaign.method_id
        else MethodSpec.load(campaign.method).scored_codes
    )
    counted = Response.objects.filter(campaign=campaign).exclude(review=Response.Review.REJECTED)
    return method, spec, layout, counted


def answer_split(campaign: Any, unit_code: str) -> dict[str, dict[int, int]]:
    """{item: {answer: how many chose it}} of one unit's valid questionnaires of the campaign
    (rules 1-2 as `tally_matrix`): whether an item's low index is many 1s or many 3s, which
    its satisfied-of-valid figure cannot say. Read from the responses, one unit at a time."""
    return answer_splits(campaign, unit_code=unit_code).get(unit_code, {})


def answer_splits(
    campaign: Any, *, unit_code: str | None = None
) -> dict[str, dict[str, dict[int, int]]]:
    """{unit code: {item: {answer: how many chose it}}} of the campaign's valid
    questionnaires (rules 1-2 as `tally_matrix`), every unit's in one reading of the
    responses (the exports), or only `unit_code`'s (its page)."""
    import numpy as np

    from cchc.agencies.models import Agency

    _method, spec, layout, counted = campaign_reading(campaign)
    if unit_code is not None:
        counted = counted.filter(agency__code=unit_code)
    units, values = answer_matrix(spec, counted, layout=layout)
    codes = spec.scored_codes
    if not codes or len(values) == 0:
        return {}
    scale = sorted(spec.valid_answers)
    valid = np.isin(values, scale) & (values == np.floor(values))
    kept = valid.sum(axis=1) >= spec.min_valid_share * len(codes)
    units, values, valid = np.asarray(units)[kept], values[kept], valid[kept]
    code_of = dict(Agency.objects.filter(pk__in=set(units.tolist())).values_list("pk", "code"))
    out: dict[str, dict[str, dict[int, int]]] = {}
    for pk, code in code_of.items():
        mine = units == pk
        out[code] = {
            item: {a: int(((values[mine, k] == a) & valid[mine, k]).sum()) for a in scale}
            for k, item in enumerate(codes)
        }
    return out


def campaign_results(campaign: Any) -> dict[str, Any]:
    """Live figures of one campaign over its units (rejected responses excluded), by the
    method version in force at the campaign's period."""
    from cchc.surveys.models import CampaignUnit

    method, spec, layout, queryset = campaign_reading(campaign)
    units = {
        cu.agency_id: _unit_meta(cu.agency)
        for cu in CampaignUnit.objects.filter(campaign=campaign).select_related(
            "agency", "agency__group"
        )
    }
    doc = compute_matrix(spec, *answer_matrix(spec, queryset, layout=layout), units)
    return {"scheme": "sipas", "version": method.code, "period": campaign.period, **doc}


def answer_matrix(
    spec: MethodSpec, queryset: Any, *, layout: list[str] | None = None
) -> tuple[Any, Any]:
    """Unit ids and the answer matrix from each response's `scored` text: one byte per
    answer, turned into numbers by numpy without a Python object per answer. `layout` is the
    item order the texts were written in (the scored items of the method the responses were
    answered under; by default `spec`'s own): when `spec` is another version of the method,
    its items are picked from that order by code (an item the questionnaire did not ask is
    unanswered). A response written before that column existed (or a method with answers
    beyond 9, or a version scoring an item the texts do not hold) is read from its answers."""
    import numpy as np

    codes = spec.scored_codes
    layout = codes if layout is None else layout
    width = len(layout)
    if not spec.scored_fits:
        return matrix_from_rows(spec, list(queryset.values_list("agency_id", "answers")))
    data = list(queryset.exclude(scored="").values_list("agency_id", "scored"))
    older = list(queryset.filter(scored="").values_list("agency_id", "answers"))
    units = np.array([u for u, _t in data], dtype=int)
    raw = np.frombuffer("".join(t for _u, t in data).encode("ascii"), dtype=np.uint8)
    if raw.size != len(data) * width:
        # a scored text of another shape (written by an earlier format of this column):
        # the answers themselves are the truth
        return matrix_from_rows(spec, list(queryset.values_list("agency_id", "answers")))
    values = raw.reshape(len(data), width).astype(float) - ord("0")  # "x" becomes 72: never valid
    if layout != codes:
        position = {c: k for k, c in enumerate(layout)}
        if any(c not in position for c in codes):
            # the version in force scores an item the texts do not hold: read the answers
            return matrix_from_rows(spec, list(queryset.values_list("agency_id", "answers")))
        values = values[:, [position[c] for c in codes]].reshape(len(data), len(codes))
    if older:
        more_units, more_values = matrix_from_rows(spec, older)
        units = np.concatenate([units, more_units.astype(int)])
        values = np.vstack([values, more_values])
    return units, values


def period_results(period: str, *, province_code: str) -> dict[str, Any] | None:
    """Live figures of every response of the period for units of the province, by the
    version in force at the period of the method most of them were answered under (imports
    and campaigns alike)."""
    from django.db.models import Count
    from django.utils import timezone

    from cchc.agencies.models import Agency
    from cchc.surveys.models import Method, Response

    base = Response.objects.filter(period=period, agency__province_code=province_code).exclude(
        review=Response.Review.REJECTED
    )
    top = base.values("method").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        return None
    answered_under = Method.objects.get(pk=top["method"])
    # scored by the version of that method in force when the period ends
    window_end = period_end(period, fallback=timezone.localdate())
    method = method_in_force(answered_under, window_end)
    spec = MethodSpec.load(method)
    rows = list(base.filter(method=answered_under).values_list("agency_id", "answers"))
    ids = {a for a, _x in rows}
    units = {
        a.pk: _unit_meta(a)
        for a in Agency.objects.filter(pk__in=ids).select_related("group").order_by("code")
    }
    doc = compute(spec, rows, units)
    return {"scheme": "sipas", "version": method.code, "period": period, **doc}


def _with_change(doc: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    before = {a["code"]: a["total"] for a in (previous or {}).get("agencies", [])}
    for a in doc["agencies"]:
        old = before.get(a["code"])
        a["change"] = (a["total"] - old) if (a["total"] is not None and old is not None) else None
    return doc


def _published(period: str, province: str) -> Any:
    from cchc.surveys.models import Campaign

    return (
        Campaign.objects.filter(
            period=period, province_code=province, status=Campaign.Status.PUBLISHED
        )
        .exclude(published_results={})
        .order_by("-published_at")
        .first()
    )


def _figures(period: str, province: str) -> dict[str, Any] | None:
    """A period's figures as §5 states them: the published ones when the period's campaign is
    published, else live; None when there are none (or the period is not a year)."""
    published = _published(period, province)
    if published is not None and published.published_results:
        return published.published_results  # type: ignore[no-any-return]
    try:
        return period_results(period, province_code=province)
    except ValueError:
        return None


def index_document(
    period: str, *, province_code: str | None = None, viewer: Any = None
) -> dict[str, Any]:
    """The §5 document of a period: the published (frozen) results of the province's
    campaign of that period when there is one, else live figures of every response. Both
    have the same keys: `frozen`, `closed_at`, and per unit its `change` against the year
    before (its published figures when published, else live). With a `viewer` (the
    indices' scorecard) and a published campaign, also `results_url` (that campaign's
    ranking) and `unit_urls`: unit code -> the unit's page of that campaign's results (both
    public once published); never in the export."""
    from django.conf import settings

    province = province_code or settings.CCHC_PROVINCE_CODE
    published = _published(period, province)
    doc = _index_document(period, province, published)
    if viewer is not None and published is not None:
        from django.urls import reverse

        doc["results_url"] = reverse("surveys:results", args=[published.code])
        doc["unit_urls"] = {
            a["code"]: reverse("surveys:unit_results", args=[published.code, a["code"]])
            for a in doc.get("agencies", [])
        }
    return doc


def _index_document(period: str, province: str, published: Any) -> dict[str, Any]:
    if published is not None:
        doc = copy.deepcopy(published.published_results)
        doc["frozen"] = True
        doc["closed_at"] = published.published_at.isoformat() if published.published_at else None
    else:
        live = period_results(period, province_code=province)
        if live is None:
            raise NotFoundError(
                _("No survey responses for period %(period)s.") % {"period": period}
            )
        doc = {**live, "frozen": False, "closed_at": None}
    if doc["frozen"] and all("change" in a for a in doc.get("agencies", [])):
        return doc  # published with its change: frozen as it was
    previous = _figures(str(int(period[:4]) - 1), province) if period[:4].isdigit() else None
    return _with_change(doc, previous)


def sipas_measure(*, agency_code: str, period: str) -> Any:
    """Platform measure `sipas` (cchc.indices.measures): the unit's SIPAS of the period, its
    numerator/denominator being the satisfied and valid answers to scored items."""
    from django.urls import reverse

    from cchc.agencies.models import Agency
    from cchc.indices.measures import Measure

    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFoundError(_("No unit %(code)s.") % {"code": agency_code})
    year = period[:4]
    try:
        doc = index_document(year, province_code=agency.province_code)
    except NotFoundError:
        doc = {"agencies": [], "version": ""}
    unit = next((a for a in doc["agencies"] if a["code"] == agency_code), None)
    numerator = denominator = value = None
    if unit is not None and unit["total"] is not None:
        numerator = sum(
            i["numerator"]
            for f in unit["groups"].values()
            for c in f["components"].values()
            for i in c["items"].values()
        )
        denominator = sum(
            i["denominator"]
            for f in unit["groups"].values()
            for c in f["components"].values()
            for i in c["items"].values()
        )
        value = unit["total"]
    return Measure(
        name="sipas",
        label=str(SIPAS_MEASURE_LABEL),
        agency_code=agency_code,
        period=year,
        numerator=numerator,
        denominator=denominator,
        value=value,
        evidence_url=reverse("surveys:public"),
        source=f"sipas:{doc.get('version', '')}",
    )


SIPAS_MEASURE_LABEL = gettext_lazy("Satisfaction index (SIPAS)")
sipas_measure.label = SIPAS_MEASURE_LABEL  # type: ignore[attr-defined]


EVALUATION_METHOD = "danh-gia-ho-so"


def evaluation_results(date_from: Any, date_to: Any, *, province_code: str) -> dict[str, Any]:
    """The per-dossier evaluations of dossiers finished in the window, per unit (receiving
    agency) and criterion, by the version of the method `danh-gia-ho-so` in force when the
    window ends, with the survey engine."""
    import datetime as dt

    from cchc.agencies.models import Agency
    from cchc.core.calendar import LOCAL_TZ
    from cchc.dossiers.models import Evaluation
    from cchc.surveys.models import Method

    method = method_in_force(Method.objects.get(code=EVALUATION_METHOD), date_to)
    spec = MethodSpec.load(method)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    rows = list(
        Evaluation.objects.filter(
            dossier__receiving_agency__province_code=province_code,
            dossier__finished_at__gte=start,
            dossier__finished_at__lt=end,
        ).values_list("dossier__receiving_agency_id", "scores")
    )
    ids = {a for a, _s in rows}
    units = {
        a.pk: _unit_meta(a)
        for a in Agency.objects.filter(pk__in=ids).select_related("group").order_by("code")
    }
    doc = compute(spec, rows, units)
    return {"scheme": EVALUATION_METHOD, "version": method.code, **doc}
