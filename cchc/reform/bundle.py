"""PAR INDEX files of the import bundle (interchange.md §6): par_templates.csv, par_nodes.csv,
par_scores.csv. Each loader returns the bundle's FileResult; the interchange service runs it in
one transaction and rolls the file back when a row is refused (unless --skip-invalid).

A template arrives as a draft from par_templates.csv; par_nodes.csv gives its whole tree,
which is checked (children add up to their parent) and published. A published template under
which a unit was assessed is never changed by a later bundle: a differing row is refused, an
identical one is unchanged. One no unit was assessed under (a bundle whose scores were refused,
say) is corrected by the next bundle, as any other record is (interchange.md §1).
Scores of a bundle are final (appraised).
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import IMPORT
from cchc.interchange.formats import (
    FileResult,
    Reject,
    RowError,
    open_csv,
    parse_decimal,
    parse_flag,
)
from cchc.reform import results, summaries
from cchc.reform.criteria import fmt_points, log_template, template_problems
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    Method,
    NodeKind,
    ReformEvent,
    Score,
    Template,
    TemplateNode,
    TemplateStatus,
)

TEMPLATES = "par_templates.csv"
NODES = "par_nodes.csv"
SCORES = "par_scores.csv"
TEMPLATE_COLUMNS = ("code", "year", "name", "survey_optional")
NODE_COLUMNS = ("template", "code", "parent_code", "kind", "name", "max_points", "method")
# Read when the file has them (a template exported by this platform does), so a template
# moves between installations whole; without them a node keeps what it has (empty if new).
# A computed node needs its `measure`. (Proposed for interchange.md §6.)
OPTIONAL_NODE_COLUMNS = ("guidance", "evidence_required", "measure", "measure_rule")
SCORE_COLUMNS = (
    "template",
    "agency_code",
    "node_code",
    "self_score",
    "appraised_score",
    "survey_score",
)
BUNDLE_METHODS = ("self", "survey", "bonus", "penalty", "computed")


def _short(row: dict[str, str]) -> None:
    if not row:
        raise RowError(_("the row does not have the header's number of columns."))


# ---------------------------------------------------------------------------- templates
def load_templates(path: Path, skip_invalid: bool = False) -> FileResult:
    result, rows = open_csv(path, TEMPLATES, TEMPLATE_COLUMNS)
    seen: dict[str, int] = {}
    for line, row, cells in rows:
        try:
            _short(row)
            code = row["code"].strip()
            if not code:
                raise RowError(_("the code is empty."))
            if code in seen:
                raise RowError(
                    _("code %(code)s already appears on line %(line)s.")
                    % {"code": code, "line": seen[code]}
                )
            year_text = row["year"].strip()
            if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
                raise RowError(
                    _("the year must be a year such as 2026, not %(v)r.") % {"v": year_text}
                )
            name = row["name"].strip()
            if not name:
                raise RowError(_("the name is empty."))
            values = {
                "year": int(year_text),
                "name": name,
                "survey_optional": parse_flag(row["survey_optional"].strip(), "survey_optional"),
            }
            seen[code] = line
            existing = Template.objects.select_for_update().filter(code=code).first()
            if existing is None:
                template = Template.objects.create(code=code, **values)
                log_template(template, "create", actor=IMPORT, data={"code": code, **values})
                result.created += 1
                continue
            if all(getattr(existing, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            if _frozen(existing):
                raise RowError(
                    _("template %(code)s is published and can no longer be changed.")
                    % {"code": code}
                )
            changed = {
                k: [getattr(existing, k), v] for k, v in values.items() if getattr(existing, k) != v
            }
            for k, v in values.items():
                setattr(existing, k, v)
            existing.save()
            log_template(existing, "update", actor=IMPORT, data=changed)
            result.updated += 1
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), cells))
    return result


def _frozen(template: Template) -> bool:
    """Published, and a unit assessed under it: its scores were counted on this tree."""
    return template.is_published and template.assessments.exists()


# -------------------------------------------------------------------------------- nodes
def load_nodes(path: Path, skip_invalid: bool = False) -> FileResult:

    result, rows = open_csv(path, NODES, NODE_COLUMNS)
    by_template: dict[str, list[tuple[int, dict[str, Any], list[str]]]] = defaultdict(list)
    templates = {t.code: t for t in Template.objects.all()}
    for line, row, cells in rows:
        try:
            _short(row)
            tcode, code = row["template"].strip(), row["code"].strip()
            if tcode not in templates:
                raise RowError(_("unknown template %(code)s.") % {"code": tcode})
            if not code:
                raise RowError(_("the code is empty."))
            kind = row["kind"].strip()
            if kind not in NodeKind.values:
                raise RowError(
                    _("kind must be field, criterion or subcriterion, not %(v)r.") % {"v": kind}
                )
            method = row["method"].strip()
            if method and method not in BUNDLE_METHODS:
                raise RowError(
                    _("method must be self, survey, bonus, penalty or computed, not %(v)r.")
                    % {"v": method}
                )
            maxp = parse_decimal(row["max_points"], "max_points")
            name = row["name"].strip()
            if not name:
                raise RowError(_("the name is empty."))
            values = {
                "code": code,
                "parent": row["parent_code"].strip() or None,
                "kind": kind,
                "name": name,
                "max_points": maxp,
                "method": method,
            }
            values.update(_optional_node_values(row))
            if kind == NodeKind.FIELD and values["parent"]:
                raise RowError(_("a field has no parent."))
            if kind != NodeKind.FIELD and not values["parent"]:
                raise RowError(_("a criterion or sub-criterion needs a parent_code."))
            dup = [v for _l, v, _c in by_template[tcode] if v["code"] == code]
            if dup:
                raise RowError(_("node %(code)s appears twice.") % {"code": code})
            by_template[tcode].append((line, values, cells))
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), cells))

    for tcode, items in by_template.items():
        template = templates[tcode]
        codes = {v["code"] for _l, v, _c in items}
        bad = [(ln, v, c) for ln, v, c in items if v["parent"] and v["parent"] not in codes]
        for ln, v, c in bad:
            result.rejects.append(
                Reject(ln, _("unknown parent_code %(code)s.") % {"code": v["parent"]}, c)
            )
        if bad:
            for ln, _v, c in items:
                if (ln, _v, c) not in bad:
                    result.rejects.append(
                        Reject(
                            ln,
                            _("template %(code)s has refused rows; its tree is not loaded.")
                            % {"code": tcode},
                            c,
                        )
                    )
            continue
        if _frozen(template):
            current = {
                n["code"]: n
                for n in template.nodes.values(
                    "code",
                    "parent__code",
                    "kind",
                    "name",
                    "max_points",
                    "method",
                    *OPTIONAL_NODE_COLUMNS,
                )
            }
            same = len(current) == len(items) and all(
                v["code"] in current
                and current[v["code"]]["parent__code"] == v["parent"]
                and current[v["code"]]["kind"] == v["kind"]
                and current[v["code"]]["name"] == v["name"]
                and Decimal(current[v["code"]]["max_points"]) == v["max_points"]
                and (current[v["code"]]["method"] or "") == v["method"]
                and all(current[v["code"]][k] == v[k] for k in OPTIONAL_NODE_COLUMNS if k in v)
                for _l, v, _c in items
            )
            if same:
                result.unchanged += len(items)
            else:
                for ln, _v, c in items:
                    result.rejects.append(
                        Reject(
                            ln,
                            _("template %(code)s is published and can no longer be changed.")
                            % {"code": tcode},
                            c,
                        )
                    )
            continue
        with transaction.atomic():
            sid = transaction.savepoint()
            template = events.lock(template)
            existing = {n.code: n for n in template.nodes.all()}
            created = updated = unchanged = 0
            saved: dict[str, TemplateNode] = {}
            order = 0
            for _l, v, _c in _parents_first(items):
                order += 1
                node = existing.get(v["code"])
                parent = saved.get(v["parent"]) if v["parent"] else None
                fields = {
                    "parent": parent,
                    "kind": v["kind"],
                    "name": v["name"],
                    "max_points": v["max_points"],
                    "method": v["method"],
                    **{k: v[k] for k in OPTIONAL_NODE_COLUMNS if k in v},
                }
                if node is None:
                    node = TemplateNode.objects.create(
                        template=template, code=v["code"], order=order, **fields
                    )
                    created += 1
                elif (
                    node.parent_id == (parent.pk if parent else None)
                    and node.kind == v["kind"]
                    and node.name == v["name"]
                    and node.max_points == v["max_points"]
                    and node.method == v["method"]
                    and all(getattr(node, k) == v[k] for k in OPTIONAL_NODE_COLUMNS if k in v)
                ):
                    unchanged += 1
                else:
                    for k, val in fields.items():
                        setattr(node, k, val)
                    node.save()
                    updated += 1
                saved[v["code"]] = node
            template.nodes.exclude(code__in=codes).delete()
            problems = template_problems(template)
            if problems:
                transaction.savepoint_rollback(sid)
                for ln, _v, c in items:
                    result.rejects.append(Reject(ln, f"{tcode}: " + " ".join(problems), c))
                continue
            template.status = TemplateStatus.PUBLISHED
            template.published_at = timezone.now()
            template.save(update_fields=["status", "published_at"])
            counts = {"created": created, "updated": updated, "unchanged": unchanged}
            log_template(
                template, "publish", actor=IMPORT, note=NODES, data={"nodes": len(items), **counts}
            )
            transaction.savepoint_commit(sid)
            result.created += created
            result.updated += updated
            result.unchanged += unchanged
    results.clear_cache()
    return result


def _optional_node_values(row: dict[str, str]) -> dict[str, Any]:
    """The optional columns the row has (OPTIONAL_NODE_COLUMNS), parsed."""
    values: dict[str, Any] = {k: row[k].strip() for k in OPTIONAL_NODE_COLUMNS if k in row}
    if "measure_rule" in values:
        text = values["measure_rule"]
        try:
            rule = json.loads(text) if text else {}
        except ValueError:
            rule = None
        if not isinstance(rule, dict):
            raise RowError(
                _('measure_rule must be a JSON object such as {"full_at": 80}, not %(v)r.')
                % {"v": text}
            )
        values["measure_rule"] = rule
    return values


def _parents_first(items):  # type: ignore[no-untyped-def]
    done: set[str] = set()
    pending = list(items)
    out = []
    while pending:
        rest = []
        for item in pending:
            parent = item[1]["parent"]
            if parent is None or parent in done:
                out.append(item)
                done.add(item[1]["code"])
            else:
                rest.append(item)
        if len(rest) == len(pending):  # a cycle: keep the order, the tree check refuses it
            out.extend(rest)
            break
        pending = rest
    return out


# ------------------------------------------------------------------------------- scores
def load_scores(path: Path, skip_invalid: bool = False) -> FileResult:
    result, rows = open_csv(path, SCORES, SCORE_COLUMNS)
    templates = {t.code: t for t in Template.objects.filter(status=TemplateStatus.PUBLISHED)}
    leaves: dict[str, dict[str, TemplateNode]] = {}
    for t in templates.values():
        leaves[t.code] = {n.code: n for n in t.nodes.filter(children__isnull=True)}
    agency_codes = {r[1]["agency_code"].strip() for r in rows if r[1]}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
    frozen_years: dict[tuple[int, str], bool] = {}
    seen: dict[tuple[str, str, str], int] = {}
    parsed = []
    for line, row, cells in rows:
        try:
            _short(row)
            tcode = row["template"].strip()
            acode = row["agency_code"].strip()
            ncode = row["node_code"].strip()
            template = templates.get(tcode)
            if template is None:
                raise RowError(_("unknown or unpublished template %(code)s.") % {"code": tcode})
            agency = agencies.get(acode)
            if agency is None:
                raise RowError(_("unknown agency %(code)s.") % {"code": acode})
            if template.unit_level and agency.level != template.unit_level:
                # the rule of assessments._require_unit_type: a unit is never scored under a
                # template meant for another unit type
                raise RowError(
                    _(
                        "template %(template)s is meant for units of type %(meant)s; "
                        "%(code)s is of type %(level)s."
                    )
                    % {
                        "template": tcode,
                        "meant": template.unit_level,
                        "code": acode,
                        "level": agency.level,
                    }
                )
            node = leaves[tcode].get(ncode)
            if node is None:
                raise RowError(
                    _("%(code)s is not a sub-criterion (leaf) of the template.") % {"code": ncode}
                )
            key = (tcode, acode, ncode)
            if key in seen:
                raise RowError(
                    _("this score already appears on line %(line)s.") % {"line": seen[key]}
                )
            fk = (template.year, agency.province_code)
            if fk not in frozen_years:
                frozen_years[fk] = results.published(*fk) is not None
            if frozen_years[fk]:
                raise RowError(
                    _("the results of %(year)s are published; a correction is a restatement.")
                    % {"year": template.year}
                )
            scores: dict[str, Decimal | None] = {}
            for col in ("self_score", "appraised_score", "survey_score"):
                text = row[col].strip()
                if not text:
                    scores[col] = None
                    continue
                if text.startswith("-"):
                    raise RowError(_("%(col)s cannot be negative.") % {"col": col})
                value = parse_decimal(text, col)
                if value > node.max_points:
                    raise RowError(
                        _("%(col)s %(v)s exceeds the maximum of %(max)s points of %(code)s.")
                        % {"col": col, "v": text, "max": fmt_points(node.max_points), "code": ncode}
                    )
                scores[col] = value
            if node.method == Method.SURVEY and (
                scores["self_score"] is not None or scores["appraised_score"] is not None
            ):
                raise RowError(
                    _("%(code)s is survey-scored: it is never self-scored.") % {"code": ncode}
                )
            if node.method != Method.SURVEY and scores["survey_score"] is not None:
                raise RowError(_("%(code)s is not survey-scored.") % {"code": ncode})
            seen[key] = line
            parsed.append((template, agency, node, scores))
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), cells))
    if result.rejects and not skip_invalid:
        return result
    _apply_scores(result, parsed)
    return result


def _apply_scores(result: FileResult, parsed: list) -> None:  # type: ignore[type-arg]
    pairs = {(t.pk, a.pk) for t, a, _n, _s in parsed}
    assessments = {
        (x.template_id, x.agency_id): x
        for x in Assessment.objects.filter(
            template_id__in={p[0] for p in pairs}, agency_id__in={p[1] for p in pairs}
        )
    }
    new = [
        Assessment(
            template_id=t,
            agency_id=a,
            status=AssessmentStatus.FINAL,
            imported=True,
            finalised_at=timezone.now(),
        )
        for t, a in sorted(pairs)
        if (t, a) not in assessments
    ]
    Assessment.objects.bulk_create(new)
    for x in Assessment.objects.filter(
        template_id__in={p[0] for p in pairs}, agency_id__in={p[1] for p in pairs}
    ):
        assessments[(x.template_id, x.agency_id)] = x
    ids = [x.pk for x in assessments.values()]
    existing = {
        (s.assessment_id, s.node_id): s for s in Score.objects.filter(assessment_id__in=ids)
    }
    to_create, to_update = [], []
    changed_by: dict[int, list[str]] = defaultdict(list)
    for template, agency, node, scores in parsed:
        a = assessments[(template.pk, agency.pk)]
        row = existing.get((a.pk, node.pk))
        if row is None:
            to_create.append(Score(assessment=a, node=node, **scores))
            result.created += 1
            changed_by[a.pk].append(node.code)
            continue
        if all(getattr(row, k) == v for k, v in scores.items()):
            result.unchanged += 1
            continue
        before_empty = all(getattr(row, k) is None for k in scores)
        for k, v in scores.items():
            setattr(row, k, v)
        to_update.append(row)
        changed_by[a.pk].append(node.code)
        if before_empty:
            result.created += 1
        else:
            result.updated += 1
    Score.objects.bulk_create(to_create, batch_size=2000)
    Score.objects.bulk_update(
        to_update, ["self_score", "appraised_score", "survey_score"], batch_size=2000
    )
    touched = []
    for pk, codes in changed_by.items():
        a = events.lock(Assessment(pk=pk))
        from_status = a.status
        events.append_event(
            ReformEvent,
            a,
            action="import",
            actor=IMPORT,
            data={"nodes": codes[:500], "count": len(codes)},
            from_status=from_status,
            to_status=AssessmentStatus.FINAL,
        )
        a.status = AssessmentStatus.FINAL
        a.finalised_at = a.finalised_at or timezone.now()
        a.save(update_fields=["status", "finalised_at", "last_event_seq"])
        touched.append(a)
    summaries.refresh(touched)


LOADERS = {TEMPLATES: load_templates, NODES: load_nodes, SCORES: load_scores}
