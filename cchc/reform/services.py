"""Every write of the PAR INDEX module: permission and state checks, row locks, one
ReformEvent per change on an assessment. Views and commands call these and nothing else.

Roles: Home Affairs = province administrators (templates, deadlines, teams, publishing,
external indices, targets); unit staff (any membership of the unit) self-assess; the unit's
leader (role LEADER) submits; appraisal team members appraise, the chair finalises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.core import events
from cchc.core.actors import is_system, require_actor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import results, summaries
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceFile,
    Method,
    NodeKind,
    ReformEvent,
    ResultSet,
    Score,
    Template,
    TemplateEvent,
    TemplateNode,
    TemplateStatus,
)

S = AssessmentStatus
SELF_SCORED = (Method.SELF, Method.COMPUTED, Method.BONUS, Method.PENALTY)


# ----------------------------------------------------------------------------- permissions
def is_home_affairs(actor: Any) -> bool:
    return is_system(actor) or permissions.is_province_admin(actor)


def require_home_affairs(actor: Any) -> None:
    require_actor(actor)
    if not is_home_affairs(actor):
        raise NotPermitted(_("Only the Department of Home Affairs may do this."))


def is_unit_staff(actor: Any, agency_id: int) -> bool:
    return bool(permissions.roles_in(actor, agency_id))


def is_unit_leader(actor: Any, agency_id: int) -> bool:
    return permissions.has_role(actor, agency_id, [Membership.Role.LEADER])


def teams_of(actor: Any, assessment: Assessment) -> list[AppraisalTeam]:
    if getattr(actor, "pk", None) is None:
        return []
    return [
        t
        for t in AppraisalTeam.objects.filter(
            template=assessment.template, agencies=assessment.agency
        ).prefetch_related("members")
        if t.chair_id == actor.pk or any(m.pk == actor.pk for m in t.members.all())
    ]


def is_appraiser(actor: Any, assessment: Assessment) -> bool:
    return bool(teams_of(actor, assessment)) and not is_unit_staff(actor, assessment.agency_id)


def is_chair(actor: Any, assessment: Assessment) -> bool:
    return any(t.chair_id == getattr(actor, "pk", None) for t in teams_of(actor, assessment))


def can_view(actor: Any, assessment: Assessment) -> bool:
    """A unit never sees another unit's self-assessment before results are published."""
    if is_home_affairs(actor) or permissions.is_inspector(actor):
        return True
    if is_unit_staff(actor, assessment.agency_id) or teams_of(actor, assessment):
        return True
    return results.published(assessment.template.year, assessment.agency.province_code) is not None


# ------------------------------------------------------------------------------- templates
def _editable(template: Template) -> None:
    if template.is_published:
        raise TransitionNotAllowed(
            _("Template %(code)s is published and can no longer be edited; copy it instead.")
            % {"code": template.code}
        )


def _plain(value: Any) -> Any:
    """A value as the template log stores it (JSON): points as written, times in ISO form."""
    if isinstance(value, Decimal):
        return _fmt(value)
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} of the fields whose value changed."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def log_template(
    template: Template,
    action: str,
    *,
    actor: Any,
    node_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TemplateEvent:
    """One row of the template's log (the caller holds the template's lock or has just
    created it, in its transaction). The bundle loader writes it too, as the import actor."""
    return events.append_event(
        TemplateEvent,
        template,
        action=action,
        actor=actor,
        node_code=node_code,
        note=note,
        data=data,
    )


TEMPLATE_SETTINGS = ("name", "survey_optional", "unit_level", "deadline", "grades")
NODE_FIELDS = (
    "name",
    "kind",
    "max_points",
    "parent",
    "method",
    "guidance",
    "evidence_required",
    "measure",
    "measure_rule",
    "order",
)


def _node_values(node: TemplateNode) -> dict[str, Any]:
    values = {f: getattr(node, f) for f in NODE_FIELDS if f != "parent"}
    values["parent"] = node.parent.code if node.parent_id and node.parent else None
    return values


def _points(value: Any, *, field: str = "max_points") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise ValidationFailed(_("Points must be a number."), field=field) from None
    if not number.is_finite():
        raise ValidationFailed(_("Points must be a number."), field=field)
    return number


def _unit_level(value: Any) -> str:
    """A template's unit type is an agency level (or empty: any unit); a typo would leave a
    template no unit could ever be assessed under."""
    from cchc.agencies.models import AgencyLevel

    level = (value or "").strip()
    if level and level not in AgencyLevel.values:
        raise ValidationFailed(
            _("Unknown unit type %(level)s; use one of %(choices)s or leave it empty.")
            % {"level": level, "choices": ", ".join(AgencyLevel.values)},
            field="unit_level",
        )
    return level


def create_template(
    *,
    actor: Any,
    code: str,
    year: int,
    name: str,
    survey_optional: bool = False,
    unit_level: str = "",
    deadline: dt.datetime | None = None,
    grades: list[dict] | None = None,
) -> Template:
    require_home_affairs(actor)
    code = code.strip()
    if not code or Template.objects.filter(code=code).exists():
        raise ValidationFailed(_("A template with code %(code)s already exists.") % {"code": code})
    unit_level = _unit_level(unit_level)
    with transaction.atomic():
        template = Template.objects.create(
            code=code,
            year=year,
            name=name,
            survey_optional=survey_optional,
            unit_level=unit_level,
            deadline=deadline,
            grades=grades or [],
        )
        log_template(
            template,
            "create",
            actor=actor,
            data={"code": code, "year": year}
            | {k: _plain(getattr(template, k)) for k in TEMPLATE_SETTINGS},
        )
    return template


def update_template(template: Template, *, actor: Any, **changes: Any) -> Template:
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        _editable(template)
        if "unit_level" in changes:
            changes["unit_level"] = _unit_level(changes["unit_level"])
        before = {k: getattr(template, k) for k in TEMPLATE_SETTINGS}
        changed = _changes(before, {k: v for k, v in changes.items() if k in TEMPLATE_SETTINGS})
        if changed:
            for key in changed:
                setattr(template, key, changes[key])
            template.save(update_fields=list(changed))
            log_template(template, "update", actor=actor, data=changed)
    return template


def set_deadline(template: Template, *, actor: Any, deadline: dt.datetime | None) -> Template:
    """The deadline is a workflow date, not part of the scoring rule: it may change after
    publication."""
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        changed = _changes({"deadline": template.deadline}, {"deadline": deadline})
        if changed:
            template.deadline = deadline
            template.save(update_fields=["deadline"])
            log_template(template, "deadline", actor=actor, data=changed)
    return template


def save_node(
    template: Template,
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    max_points: Any,
    parent_code: str | None = None,
    method: str = "",
    guidance: str = "",
    evidence_required: str = "",
    measure: str = "",
    measure_rule: dict | None = None,
    order: int | None = None,
) -> TemplateNode:
    """Create or update the node `code` of a draft template."""
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        _editable(template)
        if kind not in NodeKind.values:
            raise ValidationFailed(_("Unknown node kind %(k)s.") % {"k": kind}, field="kind")
        if method and method not in Method.values:
            raise ValidationFailed(_("Unknown method %(m)s.") % {"m": method}, field="method")
        maxp = _points(max_points)
        if maxp < 0:
            raise ValidationFailed(_("Maximum points cannot be negative."), field="max_points")
        parent = None
        if parent_code:
            parent = template.nodes.filter(code=parent_code).first()
            if parent is None:
                raise ValidationFailed(
                    _("No parent node %(code)s in this template.") % {"code": parent_code},
                    field="parent_code",
                )
        if (parent is None) != (kind == NodeKind.FIELD):
            raise ValidationFailed(
                _("Fields sit at the top; criteria and sub-criteria need a parent."),
                field="parent_code",
            )
        node = template.nodes.filter(code=code).first() or TemplateNode(template=template)
        if parent is not None and node.pk and _is_ancestor(node, parent):
            raise ValidationFailed(_("A node cannot sit under itself."), field="parent_code")
        before = _node_values(node) if node.pk else {}
        node.code, node.name, node.kind, node.max_points = code, name, kind, maxp
        node.parent, node.method, node.guidance = parent, method, guidance
        node.evidence_required, node.measure = evidence_required, measure
        node.measure_rule = measure_rule or {}
        if order is not None:
            node.order = order
        elif not node.pk:
            node.order = template.nodes.count() + 1
        after = _node_values(node)
        changed = _changes(before, after) if before else {k: _plain(v) for k, v in after.items()}
        if changed:
            node.save()
            action = "change_node" if before else "add_node"
            log_template(template, action, actor=actor, node_code=code, data=changed)
    return node


def _is_ancestor(node: TemplateNode, other: TemplateNode | None) -> bool:
    while other is not None:
        if other.pk == node.pk:
            return True
        other = other.parent
    return False


def delete_node(node: TemplateNode, *, actor: Any) -> None:
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(node.template)
        _editable(template)
        children: dict[int | None, list[tuple[int, str]]] = {}
        for pk, parent_id, code in template.nodes.values_list("pk", "parent_id", "code"):
            children.setdefault(parent_id, []).append((pk, code))
        removed, below = [], [node.pk]
        while below:  # the subtree goes with it (the tree's foreign keys cascade)
            for pk, code in children.get(below.pop(), []):
                removed.append(code)
                below.append(pk)
        log_template(
            template,
            "delete_node",
            actor=actor,
            node_code=node.code,
            data={k: _plain(v) for k, v in _node_values(node).items()}
            | {"removed": sorted(removed)},
        )
        node.delete()


def template_problems(template: Template) -> list[str]:
    """Why the template cannot be published (empty when it can)."""
    nodes = list(template.nodes.all())
    if not nodes:
        return [_("The template has no nodes.")]
    kids: dict[int | None, list[TemplateNode]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    problems = []

    def bp_only(n: TemplateNode) -> bool:
        children = kids.get(n.pk, [])
        if not children:
            return n.method in (Method.BONUS, Method.PENALTY)
        return all(bp_only(c) for c in children)

    for n in nodes:
        children = kids.get(n.pk, [])
        if not children:
            if not n.method:
                problems.append(_("Node %(code)s has no method.") % {"code": n.code})
            if n.method == Method.COMPUTED and not n.measure:
                problems.append(
                    _("Node %(code)s is computed but names no platform measure.") % {"code": n.code}
                )
            continue
        if n.method:
            problems.append(
                _("Node %(code)s has children, so it takes no method.") % {"code": n.code}
            )
        if bp_only(n):
            if n.max_points != 0 and n.kind == NodeKind.FIELD:
                problems.append(
                    _("Bonus and penalty field %(code)s must have a maximum of 0.")
                    % {"code": n.code}
                )
            continue
        total = sum((c.max_points for c in children if not bp_only(c)), Decimal(0))
        if total != n.max_points:
            problems.append(
                _("The children of %(code)s add up to %(sum)s points, not its maximum of %(max)s.")
                % {"code": n.code, "sum": _fmt(total), "max": _fmt(n.max_points)}
            )
        if any(bp_only(c) for c in children) and n.max_points != 0:
            problems.append(
                _("Bonus and penalty nodes must sit under a field of maximum 0 (%(code)s).")
                % {"code": n.code}
            )
    return problems


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():f}"


def publish_template(template: Template, *, actor: Any) -> Template:
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        _editable(template)
        problems = template_problems(template)
        if problems:
            raise ValidationFailed(" ".join(problems))
        template.status = TemplateStatus.PUBLISHED
        template.published_at = timezone.now()
        template.save(update_fields=["status", "published_at"])
        log_template(template, "publish", actor=actor, data={"nodes": template.nodes.count()})
    return template


def copy_template(
    source: Template, *, actor: Any, code: str, year: int, name: str | None = None
) -> Template:
    """A new draft with the source's tree and rule (last year's template as a start)."""
    require_home_affairs(actor)
    with transaction.atomic():
        new = create_template(
            actor=actor,
            code=code,
            year=year,
            name=name or source.name,
            survey_optional=source.survey_optional,
            unit_level=source.unit_level,
            grades=source.grades,
        )
        new.copied_from = source
        new.save(update_fields=["copied_from"])
        mapping: dict[int, TemplateNode] = {}
        for n in sorted(source.nodes.all(), key=lambda n: _depth(n)):
            copy = TemplateNode.objects.create(
                template=new,
                code=n.code,
                parent=mapping.get(n.parent_id) if n.parent_id else None,
                kind=n.kind,
                name=n.name,
                max_points=n.max_points,
                method=n.method,
                guidance=n.guidance,
                evidence_required=n.evidence_required,
                measure=n.measure,
                measure_rule=n.measure_rule,
                order=n.order,
            )
            mapping[n.pk] = copy
        log_template(new, "copy", actor=actor, data={"from": source.code, "nodes": len(mapping)})
    return new


def _depth(n: TemplateNode) -> int:
    d = 0
    parent = n.parent
    while parent is not None:
        parent = parent.parent
        d += 1
    return d


# ----------------------------------------------------------------------------- assessments
def _require_unit_type(template: Template, agency: Any) -> None:
    """A template is meant for one unit type (its `unit_level`, an agency level; empty: any
    unit): a unit of another type never opens or submits a self-assessment under it."""
    if template.unit_level and agency.level != template.unit_level:
        raise ValidationFailed(
            _(
                "The template %(code)s is meant for units of type %(meant)s; "
                "%(unit)s is of type %(level)s and cannot be assessed under it."
            )
            % {
                "code": template.code,
                "meant": template.unit_level,
                "unit": agency.name,
                "level": agency.level,
            }
        )


def _saved(assessment: Assessment, *fields: str) -> None:
    """Save the assessment's changed `fields` with the sequence of the event just appended,
    and refresh its summary (inside the caller's transaction)."""
    assessment.save(update_fields=[*fields, "last_event_seq"])
    summaries.refresh([assessment])


def _move(
    assessment: Assessment,
    action: str,
    *,
    actor: Any,
    to_status: str,
    stamps: Mapping[str, Any] | None = None,
    **event: Any,
) -> None:
    """One transition of the locked assessment: its event (from its status to `to_status`),
    the new status and the date `stamps` that go with it, saved, summary refreshed."""
    events.append_transition(
        ReformEvent, assessment, action=action, actor=actor, to_status=to_status, **event
    )
    for name, value in (stamps or {}).items():
        setattr(assessment, name, value)
    _saved(assessment, "status", *(stamps or {}))


def open_assessment(template: Template, agency: Any, *, actor: Any) -> Assessment:
    """The unit's assessment of this template (created on first use, with its leaves)."""
    require_actor(actor)
    if not template.is_published:
        raise TransitionNotAllowed(_("The template is not published yet."))
    if not (is_home_affairs(actor) or is_unit_staff(actor, agency.pk)):
        raise NotPermitted(_("Only the unit's own staff may open its self-assessment."))
    _require_unit_type(template, agency)
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(template=template, agency=agency)
        if created:
            leaves = template.nodes.filter(children__isnull=True)
            Score.objects.bulk_create([Score(assessment=assessment, node=n) for n in leaves])
            assessment = events.lock(assessment)
            events.append_event(
                ReformEvent, assessment, action="open", actor=actor, to_status=S.DRAFT, save=True
            )
    return assessment


def _score_of(assessment: Assessment, node_code: str) -> Score:
    score = (
        Score.objects.select_related("node").filter(assessment=assessment, node__code=node_code)
    ).first()
    if score is None:
        raise ValidationFailed(_("No sub-criterion %(code)s.") % {"code": node_code})
    return score


def _check_range(value: Decimal, node: TemplateNode, field: str) -> None:
    if value < 0:
        raise ValidationFailed(
            _("The score of %(code)s cannot be negative.") % {"code": node.code}, field=field
        )
    if value > node.max_points:
        raise ValidationFailed(
            _("The score of %(code)s cannot exceed its maximum of %(max)s points.")
            % {"code": node.code, "max": _fmt(node.max_points)},
            field=field,
        )


def _require_staff_draft(assessment: Assessment, actor: Any) -> None:
    if not is_unit_staff(actor, assessment.agency_id):
        raise NotPermitted(_("Only the unit's own staff may change its self-assessment."))
    if assessment.status != S.DRAFT:
        raise TransitionNotAllowed(_("The self-assessment has been submitted: it is locked."))


def set_self_score(
    assessment: Assessment,
    node_code: str,
    *,
    actor: Any,
    score: Any,
    explanation: str | None = None,
) -> Score:
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_staff_draft(assessment, actor)
        row = _score_of(assessment, node_code)
        if row.node.method == Method.SURVEY:
            raise ValidationFailed(
                _(
                    "Survey-scored criteria come from the survey results; they are never self-scored."
                )
            )
        value = None if score in (None, "") else _points(score, field="score")
        if value is not None:
            _check_range(value, row.node, "score")
        before = row.self_score
        row.self_score = value
        if explanation is not None:
            row.explanation = explanation.strip()
        row.save(update_fields=["self_score", "explanation"])
        events.append_event(
            ReformEvent,
            assessment,
            action="self_score",
            actor=actor,
            node_code=node_code,
            data={"from": _s(before), "to": _s(value), "explanation": row.explanation},
        )
        _saved(assessment)
    return row


def _s(v: Decimal | None) -> str | None:
    return None if v is None else _fmt(v)


def store_file(agency: Any, upload: Any) -> EvidenceFile:
    """Check an upload like every upload (type sniffed, size limited) and store it once per
    unit: the same content uploaded again is the same file."""
    from cchc.core.uploads import check_upload

    content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    existing = EvidenceFile.objects.filter(agency=agency, sha256=digest.hexdigest()).first()
    if existing:
        return existing
    ef = EvidenceFile(
        agency=agency,
        sha256=digest.hexdigest(),
        name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
    )
    ef.file.save(f"{digest.hexdigest()[:16]}-{upload.name[-80:]}", upload, save=False)
    ef.save()
    return ef


def add_evidence(
    assessment: Assessment,
    node_code: str,
    *,
    actor: Any,
    doc_number: str,
    issuer: str,
    doc_date: dt.date,
    upload: Any = None,
    file_id: int | None = None,
) -> Evidence:
    require_actor(actor)
    if not doc_number.strip() or not issuer.strip() or not doc_date:
        raise ValidationFailed(
            _("Evidence needs the document number, the issuer and the date."), field="doc_number"
        )
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_staff_draft(assessment, actor)
        row = _score_of(assessment, node_code)
        stored = None
        if upload is not None:
            stored = store_file(assessment.agency, upload)
        elif file_id:
            stored = EvidenceFile.objects.filter(pk=file_id, agency=assessment.agency).first()
            if stored is None:
                raise ValidationFailed(_("No such file of this unit."), field="file")
        ev = Evidence.objects.create(
            score=row,
            doc_number=doc_number.strip(),
            issuer=issuer.strip(),
            doc_date=doc_date,
            file=stored,
        )
        events.append_event(
            ReformEvent,
            assessment,
            action="add_evidence",
            actor=actor,
            node_code=node_code,
            data={
                "evidence": ev.pk,
                "doc_number": ev.doc_number,
                "file": stored.sha256 if stored else None,
            },
        )
        _saved(assessment)
    return ev


def remove_evidence(evidence: Evidence, *, actor: Any) -> None:
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(evidence.score.assessment)
        _require_staff_draft(assessment, actor)
        code = evidence.score.node.code
        events.append_event(
            ReformEvent,
            assessment,
            action="remove_evidence",
            actor=actor,
            node_code=code,
            data={"evidence": evidence.pk, "doc_number": evidence.doc_number},
        )
        evidence.delete()
        _saved(assessment)


def missing_items(assessment: Assessment) -> list[str]:
    """Leaves the unit must still fill in before submitting: a self score on every
    self-assessed item, and evidence or an explanation for each."""
    out = []
    rows = assessment.scores.select_related("node").prefetch_related("evidence")
    for row in rows:
        if row.node.method not in (Method.SELF, Method.COMPUTED):
            continue
        if row.self_score is None:
            out.append(_("%(code)s has no score.") % {"code": row.node.code})
        elif (
            row.node.method == Method.SELF
            and not row.evidence.all()
            and not row.explanation.strip()
        ):
            out.append(
                _("%(code)s has neither evidence nor an explanation.") % {"code": row.node.code}
            )
    return out


def submit(assessment: Assessment, *, actor: Any, now: dt.datetime | None = None) -> Assessment:
    """The unit's leader approves and submits, by the deadline, a complete self-assessment."""
    require_actor(actor)
    now = now or timezone.now()
    with transaction.atomic():
        assessment = events.lock(assessment)
        if not is_unit_leader(actor, assessment.agency_id):
            raise NotPermitted(_("Only the unit's leader may approve and submit."))
        if assessment.status != S.DRAFT:
            raise TransitionNotAllowed(_("The self-assessment has already been submitted."))
        _require_unit_type(assessment.template, assessment.agency)
        deadline = assessment.template.deadline
        if deadline and now > deadline:
            raise TransitionNotAllowed(
                _(
                    "The deadline (%(when)s) has passed: the self-assessment can no longer be submitted."
                )
                % {"when": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}
            )
        missing = missing_items(assessment)
        if missing:
            raise ValidationFailed(
                _("The self-assessment is incomplete: %(items)s") % {"items": " ".join(missing)}
            )
        _move(
            assessment,
            "submit",
            actor=actor,
            to_status=S.SUBMITTED,
            stamps={"submitted_at": now},
            at=now,
        )
    return assessment


def reopen(assessment: Assessment, *, actor: Any, reason: str) -> Assessment:
    """Home Affairs returns a submitted assessment to the unit (before appraisal starts)."""
    require_home_affairs(actor)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), field="reason")
    with transaction.atomic():
        assessment = events.lock(assessment)
        if assessment.status != S.SUBMITTED:
            raise TransitionNotAllowed(_("Only a submitted self-assessment can be returned."))
        _move(
            assessment,
            "reopen",
            actor=actor,
            to_status=S.DRAFT,
            stamps={"submitted_at": None},
            note=reason,
        )
    return assessment


# ------------------------------------------------------------------ platform-computed items
def measure_points(node: TemplateNode, value: float | None) -> Decimal | None:
    """Points from a measure's percent by the node's rule: linear between `zero_at` (0
    points, default 0 %) and `full_at` (full points, default 100 %), or `thresholds`
    [[percent, points], ...] highest first."""
    if value is None:
        return None
    rule = node.measure_rule or {}
    if rule.get("thresholds"):
        for pct, pts in sorted(rule["thresholds"], key=lambda t: -float(t[0])):
            if value >= float(pct):
                return min(Decimal(str(pts)), node.max_points)
        return Decimal(0)
    zero, full = float(rule.get("zero_at", 0)), float(rule.get("full_at", 100))
    share = 1.0 if full == zero else (value - zero) / (full - zero)
    share = max(0.0, min(1.0, share))
    return (node.max_points * Decimal(str(share))).quantize(Decimal("0.01"))


def take_measure(name: str, agency_code: str, period: str) -> dict[str, Any]:
    """The frozen snapshot of a platform measure, or a 'no data' one when the measure is not
    available (e.g. the surveys module has no published result)."""
    from cchc.core.errors import DomainError
    from cchc.indices.measures import measure

    taken_at = timezone.now().isoformat()
    try:
        m = measure(name, agency_code=agency_code, period=period)
    except (DomainError, ImportError, LookupError) as exc:
        return {"name": name, "value": None, "error": str(exc), "taken_at": taken_at}
    snap = m.as_dict()
    snap["taken_at"] = taken_at
    return snap


def prefill_computed(assessment: Assessment, *, actor: Any) -> int:
    """Fill every computed leaf with its measure's figure for the template year, frozen."""
    require_actor(actor)
    if not (is_home_affairs(actor) or is_unit_staff(actor, assessment.agency_id)):
        raise NotPermitted(_("You may not change this self-assessment."))
    n = 0
    with transaction.atomic():
        assessment = events.lock(assessment)
        if assessment.status != S.DRAFT:
            raise TransitionNotAllowed(_("The self-assessment has been submitted: it is locked."))
        rows = assessment.scores.select_related("node").filter(node__method=Method.COMPUTED)
        for row in rows:
            snap = take_measure(
                row.node.measure, assessment.agency.code, str(assessment.template.year)
            )
            points = measure_points(row.node, snap.get("value"))
            snap["points"] = _s(points)
            snap["rule"] = row.node.measure_rule
            row.snapshot = snap
            row.self_score = points
            if points is None:
                row.explanation = row.explanation or _("No platform data for this measure.")
            row.save(update_fields=["snapshot", "self_score", "explanation"])
            events.append_event(
                ReformEvent,
                assessment,
                action="prefill",
                actor=actor,
                node_code=row.node.code,
                data={"value": snap.get("value"), "points": snap["points"]},
            )
            n += 1
        _saved(assessment)
    return n


def refresh_survey_scores(template: Template, *, actor: Any) -> dict[str, int]:
    """Survey leaves from the survey module's published results (platform measure named on
    the node, default "sipas"): points = maximum × SIPAS % ÷ 100. A unit without a published
    result keeps no survey score."""
    require_home_affairs(actor)
    if results.published(template.year, None) is not None:
        raise TransitionNotAllowed(_("The year's results are published; restate them instead."))
    counts = {"scored": 0, "no_result": 0}
    with transaction.atomic():
        for assessment in template.assessments.select_related("agency"):
            assessment = events.lock(assessment)
            changed = False
            for row in assessment.scores.select_related("node").filter(node__method=Method.SURVEY):
                snap = take_measure(
                    row.node.measure or "sipas", assessment.agency.code, str(template.year)
                )
                value = snap.get("value")
                points = (
                    None
                    if value is None
                    else (row.node.max_points * Decimal(str(value)) / 100).quantize(Decimal("0.01"))
                )
                if points is None:
                    counts["no_result"] += 1
                else:
                    counts["scored"] += 1
                if points != row.survey_score or snap.get("value") != row.snapshot.get("value"):
                    row.survey_score, row.snapshot = points, snap
                    row.save(update_fields=["survey_score", "snapshot"])
                    events.append_event(
                        ReformEvent,
                        assessment,
                        action="survey_score",
                        actor=actor,
                        node_code=row.node.code,
                        data={"value": value, "points": _s(points)},
                    )
                    changed = True
            if changed:
                _saved(assessment)
    return counts


# -------------------------------------------------------------------------------- appraisal
def create_team(
    template: Template,
    *,
    actor: Any,
    name: str,
    chair: Any,
    members: Iterable[Any],
    agencies: Iterable[Any],
) -> AppraisalTeam:
    require_home_affairs(actor)
    members, agencies = list(members), list(agencies)
    for person in [chair, *members]:
        for agency in agencies:
            if is_unit_staff(person, agency.pk):
                raise ValidationFailed(
                    _("%(who)s belongs to %(unit)s and cannot appraise it.")
                    % {"who": person.display_name, "unit": agency.name}
                )
    with transaction.atomic():
        template = events.lock(template)
        team = AppraisalTeam.objects.create(template=template, name=name, chair=chair)
        team.members.set(members)
        team.agencies.set(agencies)
        log_template(
            template,
            "team",
            actor=actor,
            note=name,
            data={
                "team": team.pk,
                "chair": chair.username,
                "members": sorted(m.username for m in members),
                "agencies": sorted(a.code for a in agencies),
            },
        )
    return team


def _require_appraiser(assessment: Assessment, actor: Any, *, chair: bool = False) -> None:
    if is_unit_staff(actor, assessment.agency_id):
        raise NotPermitted(_("A member of the appraised unit cannot appraise it."))
    if chair and not is_chair(actor, assessment):
        raise NotPermitted(_("Only the chair of the appraisal team may do this."))
    if not teams_of(actor, assessment):
        raise NotPermitted(_("You are not on an appraisal team for this unit."))


def appraise(
    assessment: Assessment,
    node_code: str,
    *,
    actor: Any,
    score: Any = None,
    accept: bool = False,
    comment: str = "",
) -> Score:
    """Accept the self score, or adjust it with a comment."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor)
        if assessment.status not in (S.SUBMITTED, S.APPRAISING, S.RESPONDED):
            raise TransitionNotAllowed(_("This self-assessment is not open for appraisal."))
        row = _score_of(assessment, node_code)
        if row.node.method == Method.SURVEY:
            raise ValidationFailed(_("Survey-scored criteria are not appraised."))
        if accept:
            value = row.self_score
            if value is None:
                raise ValidationFailed(_("There is no self score to accept."))
        else:
            value = _points(score, field="score")
            _check_range(value, row.node, "score")
            if value != row.self_score and not comment.strip():
                raise ValidationFailed(
                    _("An adjusted score needs a comment giving the reason."), field="comment"
                )
        before = row.appraised_score
        row.appraised_score = value
        row.appraisal_comment = comment.strip()
        row.save(update_fields=["appraised_score", "appraisal_comment"])
        _move(
            assessment,
            "accept" if accept or value == row.self_score else "adjust",
            actor=actor,
            to_status=S.APPRAISING if assessment.status == S.SUBMITTED else assessment.status,
            node_code=node_code,
            note=comment.strip(),
            data={"self": _s(row.self_score), "from": _s(before), "to": _s(value)},
        )
    return row


def request_explanation(assessment: Assessment, *, actor: Any) -> Assessment:
    """The chair sends the adjustments to the unit for its one explanation round."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor, chair=True)
        if assessment.status != S.APPRAISING:
            raise TransitionNotAllowed(_("An explanation can be asked only during appraisal."))
        if ReformEvent.objects.filter(assessment=assessment, action="request_explanation").exists():
            raise TransitionNotAllowed(_("The unit has already had its explanation round."))
        _move(assessment, "request_explanation", actor=actor, to_status=S.EXPLANATION)
    return assessment


def respond(assessment: Assessment, *, actor: Any, answers: Mapping[str, str]) -> Assessment:
    """The unit answers the adjustments (node code → explanation), once."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        if not is_unit_staff(actor, assessment.agency_id):
            raise NotPermitted(_("Only the unit's own staff may answer the appraisal."))
        if assessment.status != S.EXPLANATION:
            raise TransitionNotAllowed(_("No explanation is being asked of this unit."))
        for code, text in answers.items():
            if not text.strip():
                continue
            row = _score_of(assessment, code)
            row.unit_response = text.strip()
            row.save(update_fields=["unit_response"])
            events.append_event(
                ReformEvent,
                assessment,
                action="respond",
                actor=actor,
                node_code=code,
                note=row.unit_response,
            )
        _move(assessment, "responded", actor=actor, to_status=S.RESPONDED)
    return assessment


def finalise(assessment: Assessment, *, actor: Any) -> Assessment:
    """The chair closes the appraisal; items nobody adjusted are accepted as self-scored."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor, chair=True)
        if assessment.status not in (S.SUBMITTED, S.APPRAISING, S.EXPLANATION, S.RESPONDED):
            raise TransitionNotAllowed(_("This self-assessment cannot be finalised now."))
        untouched = assessment.scores.filter(
            appraised_score__isnull=True, self_score__isnull=False
        ).exclude(node__method=Method.SURVEY)
        accepted = [code for code in untouched.values_list("node__code", flat=True)]
        for row in untouched:
            row.appraised_score = row.self_score
            row.save(update_fields=["appraised_score"])
        _move(
            assessment,
            "finalise",
            actor=actor,
            to_status=S.FINAL,
            stamps={"finalised_at": timezone.now()},
            data={"accepted": accepted},
        )
    return assessment


# ---------------------------------------------------------------------------------- results
def rebuild_summaries(*, actor: Any, year: int | None = None, batch: int = 200) -> int:
    """Rewrite the summaries of every assessment (of one year): after an upgrade, for
    assessments last changed before summaries existed or under an older layout (until then
    they are scored from their Score rows). Derived data: no event. Each batch of assessments
    is locked while its summaries are written."""
    require_home_affairs(actor)
    qs = Assessment.objects.order_by("pk")
    if year is not None:
        qs = qs.filter(template__year=year)
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            locked = list(
                Assessment.objects.select_for_update(of=("self",)).filter(
                    pk__in=ids[start : start + batch]
                )
            )
            summaries.refresh(locked)
    return len(ids)


def publish_results(
    year: int, *, actor: Any, province_code: str | None = None, reason: str = ""
) -> ResultSet:
    """Freeze the year's results. A later call is a restatement and needs a reason."""
    require_home_affairs(actor)
    province_code = province_code or settings.CCHC_PROVINCE_CODE
    with transaction.atomic():
        current = (
            ResultSet.objects.select_for_update()
            .filter(year=year, province_code=province_code, current=True)
            .defer("document", "summary")
            .first()
        )
        if current is not None and not reason.strip():
            raise ValidationFailed(
                _("The results of %(year)s are already published: a restatement needs a reason.")
                % {"year": year},
                field="reason",
            )
        # the frozen figures come from the Score rows themselves, not from the summaries
        doc = results.compute_year(year, province_code, fresh=True)
        if not doc["agencies"]:
            raise ValidationFailed(
                _("There are no results to publish for %(year)s.") % {"year": year}
            )
        if current is not None:
            current.current = False
            current.save(update_fields=["current"])
        return ResultSet.objects.create(
            year=year,
            province_code=province_code,
            version=(current.version + 1) if current else 1,
            document=doc,
            summary=results.summarise(doc["agencies"]),
            published_at=timezone.now(),
            published_by=str(getattr(actor, "display_name", actor))[:200],
            reason=reason.strip(),
        )


def restate_results(
    year: int, *, actor: Any, reason: str, province_code: str | None = None
) -> ResultSet:
    if not reason.strip():
        raise ValidationFailed(_("A restatement needs a reason."), field="reason")
    if results.published(year, province_code) is None:
        raise TransitionNotAllowed(
            _("The results of %(year)s are not published yet.") % {"year": year}
        )
    return publish_results(year, actor=actor, province_code=province_code, reason=reason)
