"""The writes of a template (bộ tiêu chí), all by Home Affairs: creation and copies, its
settings and deadline, its tree of nodes, publication. Each change is a row of the template's
log (TemplateEvent) with its old and new values; a published template is never edited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.reform.access import require_home_affairs
from cchc.reform.models import (
    Method,
    NodeKind,
    Template,
    TemplateEvent,
    TemplateNode,
    TemplateStatus,
)


def _editable(template: Template) -> None:
    if template.is_published:
        raise TransitionNotAllowed(
            _("Template %(code)s is published and can no longer be edited; copy it instead.")
            % {"code": template.code}
        )


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


def parse_points(value: Any, *, field: str = "max_points") -> Decimal:
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
        raise ValidationFailed(
            _("A template with code %(code)s already exists.") % {"code": code}, field="code"
        )
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
            | {k: events.as_data(getattr(template, k)) for k in TEMPLATE_SETTINGS},
        )
    return template


def _set_groups(template: Template, groups: Any) -> dict[str, list]:
    """Set the ranking groups assessed under the template (who is assessed: `subjects`);
    the change as {"groups": [old names, new names]} for the log, or {} when unchanged."""
    before = sorted(g.name for g in template.groups.all())
    after = sorted(g.name for g in groups)
    if before == after:
        return {}
    template.groups.set(groups)
    return {"groups": [", ".join(before), ", ".join(after)]}


def update_template(template: Template, *, actor: Any, **changes: Any) -> Template:
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        _editable(template)
        if "unit_level" in changes:
            changes["unit_level"] = _unit_level(changes["unit_level"])
        before = {k: getattr(template, k) for k in TEMPLATE_SETTINGS}
        changed = events.changes(
            before, {k: v for k, v in changes.items() if k in TEMPLATE_SETTINGS}
        )
        fields = list(changed)
        if "groups" in changes:
            changed.update(_set_groups(template, changes["groups"]))
        if changed:
            for key in fields:
                setattr(template, key, changes[key])
            if fields:
                template.save(update_fields=fields)
            log_template(template, "update", actor=actor, data=changed)
    return template


def set_deadline(template: Template, *, actor: Any, deadline: dt.datetime | None) -> Template:
    """The deadline is a workflow date, not part of the scoring rule: it may change after
    publication."""
    require_home_affairs(actor)
    with transaction.atomic():
        template = events.lock(template)
        changed = events.changes({"deadline": template.deadline}, {"deadline": deadline})
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
        maxp = parse_points(max_points)
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
        changed = (
            events.changes(before, after)
            if before
            else {k: events.as_data(v) for k, v in after.items()}
        )
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
            data={k: events.as_data(v) for k, v in _node_values(node).items()}
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
                % {"code": n.code, "sum": show_points(total), "max": show_points(n.max_points)}
            )
        if any(bp_only(c) for c in children) and n.max_points != 0:
            problems.append(
                _("Bonus and penalty nodes must sit under a field of maximum 0 (%(code)s).")
                % {"code": n.code}
            )
    return problems


def fmt_points(d: Decimal) -> str:
    """Points as data (events, exports, bundles): a decimal point, no trailing zeros."""
    return f"{d.normalize():f}"


def show_points(d: Decimal | float | str) -> str:
    """Points in a sentence a person reads: the active language's decimal separator
    (Vietnamese "0,84"), no trailing zeros. Never for CSV, JSON or SVG attributes."""
    return number_format(Decimal(fmt_points(Decimal(str(d)))))


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
            # last year's name names last year: "… năm 2026" copied for 2027 reads "… năm 2027"
            name=name or source.name.replace(str(source.year), str(year)),
            survey_optional=source.survey_optional,
            unit_level=source.unit_level,
            grades=source.grades,
        )
        new.groups.set(source.groups.all())
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
