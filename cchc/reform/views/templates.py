"""PAR INDEX templates (bộ chỉ số): create or copy one, its page and the forms on it
(nodes, settings, deadline, appraisal teams), publishing, survey scores, the units' progress
and the criteria export. Every write goes through `criteria`, `assessments` or `appraisal`
and a refusal shows its Vietnamese DomainError message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.core.text import fold
from cchc.reform import access, appraisal, assessments, criteria, exports, results, subjects
from cchc.reform.forms import (
    DeadlineForm,
    NodeForm,
    ProgressFilterForm,
    TeamForm,
    TemplateCreateForm,
    TemplateSettingsForm,
)
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    Method,
    Template,
    TemplateEvent,
    TemplateNode,
)
from cchc.reform.views._shared import (
    download,
    fail,
    province,
    require_ha,
    saved,
    valid_data,
)
from cchc.reform.views.home import home_page

PAGE_SIZE = 25


@login_required
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    require_ha(request)
    form = TemplateCreateForm(request.POST, auto_id="new-%s")
    data = valid_data(request, form)
    if data is None:
        return home_page(request, new_template_form=form)
    try:
        if data["copy_from"] is not None:
            t = criteria.copy_template(
                data["copy_from"],
                actor=request.user,
                code=data["code"],
                year=data["year"],
                name=data["name"].strip() or None,
            )
        else:
            t = criteria.create_template(
                actor=request.user,
                code=data["code"],
                year=data["year"],
                name=data["name"].strip(),
                survey_optional=data["survey_optional"],
                unit_level=data["unit_level"].strip(),
            )
    except DomainError as exc:
        # shown on the form again as typed: a taken code is corrected, not typed anew
        fail(request, exc)
        add_domain_error(form, exc)
        return home_page(request, new_template_form=form)
    return redirect("reform:template", pk=t.pk)


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_object_or_404(Template, pk=pk)
    if not (access.is_home_affairs(request.user) or t.is_published):
        raise PermissionDenied
    return _template_page(request, t)


def _template_page(request: HttpRequest, t: Template, **bound: forms.Form) -> HttpResponse:
    """The template page. `bound`: a posted form that was refused (node_form, settings_form,
    deadline_form, team_form), shown again as typed with its errors."""
    nodes = list(t.nodes.select_related("parent").order_by("order", "id"))
    depth: dict[int, int] = {}
    for n in nodes:
        depth[n.pk] = depth.get(n.parent_id, -1) + 1 if n.parent_id else 0
    for n in nodes:
        n.depth = depth[n.pk]  # type: ignore[attr-defined]  # read by the template
        n.indent = depth[n.pk] * 1.5  # type: ignore[attr-defined]
    tree = results.tree_of(t)
    context = {
        "t": t,
        "nodes": nodes,
        "problems": [] if t.is_published else criteria.template_problems(t),
        "ha": access.is_home_affairs(request.user),
        "node_form": NodeForm(measures=_measures(), auto_id="node-%s"),
        "settings_form": TemplateSettingsForm(
            initial={
                "name": t.name,
                "unit_level": t.unit_level,
                "groups": list(t.groups.all()),
                "survey_optional": t.survey_optional,
                "grades": ", ".join(f"{g['grade']}:{g['min']:g}" for g in t.grade_bands()),
            },
            auto_id="settings-%s",
        ),
        "team_form": TeamForm(auto_id="team-%s"),
        "max_total": tree.max_total,
        "survey_max": tree.survey_max,
        "deadline_form": DeadlineForm(
            initial={"deadline": timezone.localtime(t.deadline) if t.deadline else None},
            auto_id="deadline-%s",
        ),
        "teams": t.teams.prefetch_related("members", "agencies").select_related("chair"),
        # who changed what a unit's score depends on: Home Affairs and inspectors
        "history": (
            TemplateEvent.objects.filter(template=t).order_by("-seq")[:200]
            if access.is_home_affairs(request.user) or permissions.is_inspector(request.user)
            else None
        ),
    }
    context.update(bound)
    return render(request, "reform/template.html", context)


def _measures() -> dict[str, str]:
    from cchc.indices.measures import available

    try:
        return available()
    except Exception:  # noqa: BLE001 - a module registering a measure may be missing
        return {}


def _template_form(
    request: HttpRequest, t: Template, name: str, form: forms.Form, save: Any, done: str
) -> HttpResponse:
    """One form of the template page: saved by `save(cleaned_data)` and back to the page;
    refused (by the form or by the service), the page again with the form as typed."""
    if saved(request, form, save, done):
        return redirect("reform:template", pk=t.pk)
    return _template_page(request, t, **{name: form})


def _save_node(t: Template, actor: Any, data: dict[str, Any]) -> object:
    return criteria.save_node(
        t,
        actor=actor,
        code=data["code"].strip(),
        name=data["name"].strip(),
        kind=data["kind"],
        max_points=data["max_points"],
        parent_code=data["parent_code"].strip() or None,
        method=data["method"],
        guidance=data["guidance"],
        evidence_required=data["evidence_required"],
        measure=data["measure"],
    )


def _save_settings(t: Template, actor: Any, data: dict[str, Any]) -> object:
    return criteria.update_template(
        t,
        actor=actor,
        name=data["name"].strip(),
        survey_optional=data["survey_optional"],
        unit_level=data["unit_level"].strip(),
        groups=list(data["groups"]),
        grades=data["grades"],
    )


def _save_deadline(t: Template, actor: Any, data: dict[str, Any]) -> object:
    return criteria.set_deadline(t, actor=actor, deadline=data["deadline"])


def _save_team(t: Template, actor: Any, data: dict[str, Any]) -> object:
    return appraisal.create_team(
        t,
        actor=actor,
        name=data["team_name"].strip() or _("Appraisal team"),
        chair=data["chair"],
        members=data["members"],
        agencies=data["agencies"],
    )


class FormAction(NamedTuple):
    """A form posted to the template page: its name in the page (where a refused one is shown
    again as typed), the form made from the post, what saves its cleaned data and the message
    once saved."""

    name: str
    make: Callable[[QueryDict], forms.Form]
    save: Callable[[Template, Any, dict[str, Any]], object]
    done: Promise


# The template page's forms: the action each is posted with -> its FormAction.
TEMPLATE_FORMS: dict[str, FormAction] = {
    "node": FormAction(
        "node_form",
        lambda post: NodeForm(post, measures=_measures(), auto_id="node-%s"),
        _save_node,
        gettext_lazy("Node saved."),
    ),
    "settings": FormAction(
        "settings_form",
        lambda post: TemplateSettingsForm(post, auto_id="settings-%s"),
        _save_settings,
        gettext_lazy("Template saved."),
    ),
    "deadline": FormAction(
        "deadline_form",
        lambda post: DeadlineForm(post, auto_id="deadline-%s"),
        _save_deadline,
        gettext_lazy("Deadline saved."),
    ),
    "team": FormAction(
        "team_form",
        lambda post: TeamForm(post, auto_id="team-%s"),
        _save_team,
        gettext_lazy("Appraisal team created."),
    ),
}


@login_required
@require_POST
def template_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_ha(request)
    t = get_object_or_404(Template, pk=pk)
    action = request.POST.get("action")
    user, post = request.user, request.POST
    posted = TEMPLATE_FORMS.get(action or "")
    if posted is not None:
        return _template_form(
            request,
            t,
            posted.name,
            posted.make(post),
            lambda data: posted.save(t, user, data),
            str(posted.done),
        )
    try:
        if action == "delete_node":
            criteria.delete_node(
                get_object_or_404(TemplateNode, template=t, pk=post.get("node")), actor=user
            )
        elif action == "publish":
            criteria.publish_template(t, actor=user)
            messages.success(request, _("Template published."))
        elif action == "surveys":
            counts = assessments.refresh_survey_scores(t, actor=user)
            messages.info(
                request,
                _("Survey scores: %(n)s units scored, %(m)s without a published result.")
                % {"n": counts["scored"], "m": counts["no_result"]},
            )
        elif action == "remove_team":
            appraisal.remove_team(
                get_object_or_404(AppraisalTeam, template=t, pk=post.get("team")),
                actor=user,
                reason=post.get("reason", ""),
            )
            messages.success(request, _("Appraisal team dissolved."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("reform:template", pk=t.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Home Affairs: who has submitted, who is late, how complete each unit is."""
    if not (access.is_home_affairs(request.user) or permissions.is_inspector(request.user)):
        raise PermissionDenied
    t = get_object_or_404(Template, pk=pk)
    # only the units assessed under the template (the set readiness and the ranking count)
    qs = (
        Assessment.objects.filter(subjects.assessments_filter([t]))
        .select_related("agency")
        .annotate(
            filled=Count(
                "scores",
                filter=Q(scores__self_score__isnull=False)
                & Q(scores__node__method__in=[Method.SELF, Method.COMPUTED]),
            ),
            items=Count(
                "scores", filter=Q(scores__node__method__in=[Method.SELF, Method.COMPUTED])
            ),
        )
        # by name: codes sort as text (H26.10, H26.100, H26.101 … H26.11)
        .order_by("agency__name", "agency__code")
    )
    filters = ProgressFilterForm(request.GET, statuses=AssessmentStatus.choices)
    q, status = "", ""
    if filters.is_valid():
        q, status = filters.cleaned_data["q"].strip(), filters.cleaned_data["status"]
    if q:
        units = Assessment.objects.filter(template=t).values_list(
            "agency_id", "agency__code", "agency__name"
        )
        qs = qs.filter(agency_id__in=_matching(units, q))
    if status:
        qs = qs.filter(status=status)
    now = timezone.now()
    late = bool(t.deadline and now > t.deadline)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    started = set(Assessment.objects.filter(template=t).values_list("agency_id", flat=True))
    not_started = (
        subjects.assessed_agencies(t, province()).exclude(pk__in=started).order_by("name", "code")
    )
    # the search and the status narrow this list too: Home Affairs looking up "xã Sóc Sơn"
    # read all the province's units that had not started under "no self-assessment"; a unit
    # that has not started has no status, so a status chosen leaves none of them
    if status:
        not_started = not_started.none()
    elif q:
        not_started = not_started.filter(
            pk__in=_matching(not_started.values_list("pk", "code", "name"), q)
        )
    return render(
        request,
        "reform/progress.html",
        {
            "t": t,
            "page": page,
            "late": late,
            "filters": filters,
            "not_started": not_started[:200],
        },
    )


def _matching(units: Any, q: str) -> list[int]:
    """The ids of `units` ((id, code, name) rows) whose code or name holds `q`, as the
    ranking's search: without accents and in any case ("ba dinh", "BA ĐÌNH" find "UBND Phường
    Ba Đình"); the database's icontains folds neither on SQLite and accents nowhere. A
    province has a few hundred units: folded here."""
    wanted = fold(q)
    return [pk for pk, code, name in units if wanted in fold(code) or wanted in fold(name)]


@login_required
def template_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The criteria of a template as a spreadsheet or PDF for reading offline, or (Home
    Affairs) as a bundle another installation imports."""
    t = get_object_or_404(Template, pk=pk)
    if not (access.is_home_affairs(request.user) or t.is_published):
        raise PermissionDenied
    if fmt == "zip":
        if not access.is_home_affairs(request.user):
            raise PermissionDenied
        resp = HttpResponse(exports.template_bundle(t), content_type="application/zip")
        resp["Content-Disposition"] = f'attachment; filename="par-{t.code}.zip"'
        return resp
    header, rows = exports.template_rows(t)
    title = _("PAR INDEX criteria %(name)s (%(year)s)") % {"name": t.name, "year": t.year}
    return download(title, header, rows, fmt, f"tieu-chi-{t.code}")
