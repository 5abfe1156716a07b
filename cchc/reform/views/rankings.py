"""PAR INDEX pages. Thin: every write calls a service module (criteria, assessments,
appraisal, publishing, external) and shows its
Vietnamese DomainError message; reads check who may see what (a unit never sees another
unit's self-assessment before the year's results are published)."""

from __future__ import annotations

from collections.abc import Container
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.core.text import fold
from cchc.reform import (
    access,
    appraisal,
    assessments,
    charts,
    criteria,
    exports,
    external,
    publishing,
    results,
    subjects,
)
from cchc.reform.forms import (
    AppraiseForm,
    DeadlineForm,
    EvidenceForm,
    ExternalValueForm,
    NodeForm,
    ProgressFilterForm,
    ScoreForm,
    TargetForm,
    TeamForm,
    TemplateCreateForm,
    TemplateSettingsForm,
    WhatIfForm,
)
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    EvidenceFile,
    ExternalIndex,
    ExternalValue,
    Method,
    ReformEvent,
    ResultSet,
    Target,
    Template,
    TemplateEvent,
    TemplateNode,
)

PAGE_SIZE = 25


def _province() -> str:
    return settings.CCHC_PROVINCE_CODE


def _require_ha(request: HttpRequest) -> None:
    if not access.is_home_affairs(request.user):
        raise PermissionDenied


def _sees_results(user: Any) -> bool:
    return (
        access.is_home_affairs(user)
        or permissions.is_inspector(user)
        or permissions.is_staff_member(user)
    )


def _unit_pages(user: Any, year: int) -> Container[str]:
    """The codes of the units whose result page of `year` `user` may open: every unit for Home
    Affairs and inspectors, and for every staff member once the year is published; before,
    a unit's own staff their own units only."""
    if access.is_home_affairs(user) or permissions.is_inspector(user):
        return permissions.EVERYTHING
    if _sees_results(user) and results.published(year, _province()) is not None:
        return permissions.EVERYTHING
    return set(
        Agency.objects.filter(pk__in=permissions.agency_ids(user)).values_list("code", flat=True)
    )


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


# ------------------------------------------------------------------------------------ home
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    ha = access.is_home_affairs(user)
    mine = Assessment.objects.filter(agency_id__in=permissions.agency_ids(user)).select_related(
        "template", "agency"
    )
    teams = AppraisalTeam.objects.filter(Q(chair=user) | Q(members=user)).distinct()
    to_appraise = (
        Assessment.objects.filter(template__teams__in=teams, agency__par_teams__in=teams)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("template", "agency")
        .distinct()
    )
    my_agencies = list(Agency.objects.filter(pk__in=permissions.agency_ids(user)))
    # each published template with the user's units of its type (a template without a type
    # serves any unit): a unit is never offered a template it may not be assessed under
    open_templates = []
    for t in (
        Template.objects.filter(status="PUBLISHED")
        .prefetch_related("groups")
        .order_by("-year", "code")[:20]
    ):
        fits = [ag for ag in my_agencies if subjects.is_assessed(t, ag)]
        if fits:
            t.fitting_agencies = fits  # type: ignore[attr-defined]  # read by the template
            open_templates.append(t)
    return render(
        request,
        "reform/home.html",
        {
            "ha": ha,
            # Home Affairs builds them; inspectors follow the published ones and their progress
            "templates": (
                Template.objects.all()[:50]
                if ha
                else Template.objects.filter(status="PUBLISHED")[:50]
                if permissions.is_inspector(user)
                else []
            ),
            "new_template_form": TemplateCreateForm(auto_id="new-%s") if ha else None,
            "mine": mine,
            "to_appraise": to_appraise,
            "open_templates": open_templates,
            "my_agencies": my_agencies,
            "years": sorted(set(Template.objects.values_list("year", flat=True)), reverse=True),
        },
    )


# ------------------------------------------------------------------------------- templates
@login_required
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    _require_ha(request)
    data = _valid_data(request, TemplateCreateForm(request.POST))
    if data is None:
        return redirect("reform:home")
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
        _fail(request, exc)
        return redirect("reform:home")
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
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("reform:template", pk=t.pk)
    _form_failed(request, form)
    return _template_page(request, t, **{name: form})


@login_required
@require_POST
def template_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ha(request)
    t = get_object_or_404(Template, pk=pk)
    action = request.POST.get("action")
    user, post = request.user, request.POST
    if action == "node":
        return _template_form(
            request,
            t,
            "node_form",
            NodeForm(post, measures=_measures(), auto_id="node-%s"),
            lambda data: criteria.save_node(
                t,
                actor=user,
                code=data["code"].strip(),
                name=data["name"].strip(),
                kind=data["kind"],
                max_points=data["max_points"],
                parent_code=data["parent_code"].strip() or None,
                method=data["method"],
                guidance=data["guidance"],
                evidence_required=data["evidence_required"],
                measure=data["measure"],
            ),
            _("Node saved."),
        )
    if action == "settings":
        return _template_form(
            request,
            t,
            "settings_form",
            TemplateSettingsForm(post, auto_id="settings-%s"),
            lambda data: criteria.update_template(
                t,
                actor=user,
                name=data["name"].strip(),
                survey_optional=data["survey_optional"],
                unit_level=data["unit_level"].strip(),
                groups=list(data["groups"]),
                grades=data["grades"],
            ),
            _("Template saved."),
        )
    if action == "deadline":
        return _template_form(
            request,
            t,
            "deadline_form",
            DeadlineForm(post, auto_id="deadline-%s"),
            lambda data: criteria.set_deadline(t, actor=user, deadline=data["deadline"]),
            _("Deadline saved."),
        )
    if action == "team":
        return _template_form(
            request,
            t,
            "team_form",
            TeamForm(post, auto_id="team-%s"),
            lambda data: appraisal.create_team(
                t,
                actor=user,
                name=data["team_name"].strip() or _("Appraisal team"),
                chair=data["chair"],
                members=data["members"],
                agencies=data["agencies"],
            ),
            _("Appraisal team created."),
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
        _fail(request, exc)
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
        qs = qs.filter(Q(agency__code__icontains=q) | Q(agency__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    now = timezone.now()
    late = bool(t.deadline and now > t.deadline)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    started = set(Assessment.objects.filter(template=t).values_list("agency_id", flat=True))
    not_started = (
        subjects.assessed_agencies(t, _province()).exclude(pk__in=started).order_by("name", "code")
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


# ----------------------------------------------------------------------------- assessments
@login_required
@require_POST
def assessment_open(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_object_or_404(Template, pk=pk)
    agency = get_object_or_404(Agency, pk=request.POST.get("agency"))
    try:
        a = assessments.open_assessment(t, agency, actor=request.user)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("reform:home")
    return redirect("reform:assessment", pk=a.pk)


def _assessment_for(request: HttpRequest, pk: int) -> Assessment:
    a = get_object_or_404(Assessment.objects.select_related("template", "agency"), pk=pk)
    if not access.can_view(request.user, a):
        raise PermissionDenied
    return a


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment_page(request, _assessment_for(request, pk))


def _assessment_page(
    request: HttpRequest, a: Assessment, *, bound: tuple[str, str, forms.Form] | None = None
) -> HttpResponse:
    """The scoring sheet. `bound`: (kind, node code, form) of a posted form that was refused,
    shown again in its row with what the person typed and the error on its field."""
    user = request.user
    scores = {
        s.node_id: s
        for s in a.scores.select_related("node").prefetch_related("evidence", "evidence__file")
    }
    nodes = list(a.template.nodes.order_by("order", "id"))
    depth: dict[int, int] = {}
    for n in nodes:
        depth[n.pk] = depth.get(n.parent_id, -1) + 1 if n.parent_id else 0
        n.indent = depth[n.pk] * 1.5  # type: ignore[attr-defined]  # read by the template
        n.row = scores.get(n.pk)  # type: ignore[attr-defined]
    staff = access.is_unit_staff(user, a.agency_id)
    can_edit = staff and a.status == AssessmentStatus.DRAFT
    appraiser = access.is_appraiser(user, a)
    chair = access.is_chair(user, a) and not staff
    appraising = a.status in (
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPRAISING,
        AssessmentStatus.RESPONDED,
    )
    files = (
        EvidenceFile.objects.filter(agency=a.agency).order_by("-uploaded_at")[:50] if staff else []
    )
    choices = [(f.pk, f.name) for f in files]

    def form_of(kind: str, code: str, make: Any) -> forms.Form:
        if bound is not None and bound[0] == kind and bound[1] == code:
            return bound[2]
        return make()

    for n in nodes:
        r = n.row  # type: ignore[attr-defined]
        if r is None or n.is_survey:
            continue
        if can_edit:
            n.score_form = form_of(  # type: ignore[attr-defined]
                "score",
                n.code,
                lambda n=n, r=r: ScoreForm(
                    initial={"node": n.code, "score": r.self_score, "explanation": r.explanation},
                    auto_id=f"sc-{n.code}-%s",
                ),
            )
            n.evidence_form = form_of(  # type: ignore[attr-defined]
                "evidence",
                n.code,
                lambda n=n: EvidenceForm(
                    initial={"node": n.code}, auto_id=f"ev-{n.code}-%s", files_choices=choices
                ),
            )
        if appraiser and appraising:
            n.appraise_form = form_of(  # type: ignore[attr-defined]
                "appraise",
                n.code,
                lambda n=n: AppraiseForm(initial={"node": n.code}, auto_id=f"ap-{n.code}-%s"),
            )
    return render(
        request,
        "reform/assessment.html",
        {
            "a": a,
            "nodes": nodes,
            "can_edit": can_edit,
            "can_submit": access.is_unit_leader(user, a.agency_id)
            and a.status == AssessmentStatus.DRAFT,
            "can_respond": staff and a.status == AssessmentStatus.EXPLANATION,
            "appraiser": appraiser,
            "chair": chair,
            "appraising": appraising,
            "finalise_hint": None if chair or staff else _finalise_hint(user, a),
            "missing": assessments.missing_items(a) if a.status == AssessmentStatus.DRAFT else [],
            "events": ReformEvent.objects.filter(assessment=a).order_by("-seq")[:100],
            "late": bool(
                a.template.deadline
                and a.status == AssessmentStatus.DRAFT
                and timezone.now() > a.template.deadline
            ),
        },
    )


def _finalise_hint(user: Any, a: Assessment) -> dict[str, Any] | None:
    """Why a person who could take part in the appraisal sees no "Finalise" button, and what
    to do: the appraisal is done by a team of the template (set up on the template page by
    Home Affairs) and finalised by its chair. None when there is nothing to say."""
    if a.status in (AssessmentStatus.DRAFT, AssessmentStatus.FINAL):
        return None
    ha = access.is_home_affairs(user)
    if not (ha or access.is_appraiser(user, a)):
        return None
    teams = list(
        AppraisalTeam.objects.filter(template=a.template, agencies=a.agency).select_related("chair")
    )
    return {
        "teams": teams,
        "template_url": reverse("reform:template", args=[a.template_id]) if ha else "",
    }


def _valid_data(request: HttpRequest, form: forms.Form) -> dict[str, Any] | None:
    """The form's cleaned data, or None after telling the user what is wrong with it."""
    if form.is_valid():
        return form.cleaned_data
    _form_failed(request, form)
    return None


def _form_failed(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as one Vietnamese message: "<label>: <error>" per field (also when the
    form is shown again: the message is read first, and names a form the page may hide)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    messages.error(request, " ".join(parts))


def _node_form(
    request: HttpRequest, a: Assessment, kind: str, form: forms.Form, save: Any, done: str
) -> HttpResponse:
    """One row's form of the scoring sheet (a score, evidence, an appraisal): saved by
    `save(cleaned_data)` and back to the row; refused (by the form or by the service), the
    sheet again with this row's form as typed and the error on its field."""
    node = str(request.POST.get("node", ""))
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if done:
                messages.success(request, done)
            return redirect(f"/par/a/{a.pk}/#n-{quote(node)}")
    _form_failed(request, form)
    if not a.template.nodes.filter(code=node).exists():
        return redirect("reform:assessment", pk=a.pk)  # not a row of the sheet
    return _assessment_page(request, a, bound=(kind, node, form))


@login_required
@require_POST
def assessment_action(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment_for(request, pk)
    user, post = request.user, request.POST
    action = post.get("action")
    node = post.get("node", "")
    # the forms of one row: auto_id as on the sheet, so a refused form's ids and labels match
    auto_id = {"score": "sc", "evidence": "ev", "accept": "ap", "adjust": "ap"}.get(str(action))
    prefix = f"{auto_id}-{node}-%s"
    if action == "score":
        return _node_form(
            request,
            a,
            "score",
            ScoreForm(post, auto_id=prefix),
            lambda data: assessments.set_self_score(
                a, data["node"], actor=user, score=data["score"], explanation=data["explanation"]
            ),
            _("Score saved."),
        )
    if action == "evidence":
        files = [(f.pk, f.name) for f in EvidenceFile.objects.filter(agency=a.agency)]
        return _node_form(
            request,
            a,
            "evidence",
            EvidenceForm(post, request.FILES, files_choices=files, auto_id=prefix),
            lambda data: assessments.add_evidence(
                a,
                data["node"],
                actor=user,
                doc_number=data["doc_number"],
                issuer=data["issuer"],
                doc_date=data["doc_date"],
                upload=data["file"],
                file_id=data["file_id"],
            ),
            _("Evidence added."),
        )
    if action in ("accept", "adjust"):
        return _node_form(
            request,
            a,
            "appraise",
            AppraiseForm(post, auto_id=prefix),
            lambda data: appraisal.appraise(
                a,
                data["node"],
                actor=user,
                accept=action == "accept",
                score=data["score"],
                comment=data["comment"],
            ),
            "",
        )
    try:
        if action == "remove_evidence":
            from cchc.reform.models import Evidence

            ev = get_object_or_404(Evidence, pk=post.get("evidence"), score__assessment=a)
            assessments.remove_evidence(ev, actor=user)
        elif action == "prefill":
            n = assessments.prefill_computed(a, actor=user)
            messages.success(request, _("%(n)s items computed from platform data.") % {"n": n})
        elif action == "submit":
            assessments.submit(a, actor=user)
            messages.success(request, _("Self-assessment submitted."))
        elif action == "request_explanation":
            appraisal.request_explanation(a, actor=user)
            messages.success(request, _("The unit has been asked for its explanation."))
        elif action == "respond":
            answers = {
                k[len("answer_") :]: str(post.get(k, "")) for k in post if k.startswith("answer_")
            }
            appraisal.respond(a, actor=user, answers=answers)
            messages.success(request, _("Explanation sent."))
        elif action == "finalise":
            appraisal.finalise(a, actor=user)
            messages.success(request, _("Appraisal finalised."))
        elif action == "reopen":
            assessments.reopen(a, actor=user, reason=post.get("reason", ""))
    except DomainError as exc:
        _fail(request, exc)
    anchor = f"#n-{node}" if node else ""
    return redirect(f"/par/a/{a.pk}/{anchor}")


@login_required
def assessment_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    a = _assessment_for(request, pk)
    header, rows = exports.sheet_rows(a)
    title = _("PAR INDEX scoring sheet %(unit)s %(year)s") % {
        "unit": a.agency.name,
        "year": a.template.year,
    }
    return _download(title, header, rows, fmt, f"par-{a.template.code}-{a.agency.code}")


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
    return _download(title, header, rows, fmt, f"tieu-chi-{t.code}")


def _download(title: str, header, rows, fmt: str, stem: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    if fmt == "xlsx":
        resp = HttpResponse(
            exports.xlsx(title, header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        resp = HttpResponse(exports.pdf(title, header, rows), content_type="application/pdf")
    else:
        raise Http404
    resp["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return resp


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    ef = get_object_or_404(EvidenceFile, pk=pk)
    uses = Assessment.objects.filter(scores__evidence__file=ef).distinct()
    allowed = access.is_unit_staff(request.user, ef.agency_id) or any(
        access.can_view(request.user, a) for a in uses
    )
    if not allowed:
        raise PermissionDenied
    return FileResponse(ef.file.open("rb"), content_type=ef.content_type, filename=ef.name)


# ---------------------------------------------------------------------------------- results
def _doc(year: int) -> dict[str, Any]:
    if results.published(year, _province()) is None:
        return results.live_document(year, _province())
    return results.index_document(str(year), province_code=_province())


def _groups(doc: dict[str, Any]) -> list[tuple[str, list[dict]]]:
    out: dict[str, list[dict]] = {}
    for r in doc["agencies"]:
        out.setdefault(r["group"] or _("No group"), []).append(r)
    return list(out.items())


@login_required
def ranking(request: HttpRequest, year: int) -> HttpResponse:
    if not _sees_results(request.user):
        raise PermissionDenied
    doc = results.ranking_document(year, _province())
    trend = _group_trend_chart(_year_docs(year, doc["agencies"]))
    q = fold(request.GET.get("q", "").strip())
    if q:
        doc = dict(doc)
        doc["agencies"] = [
            r for r in doc["agencies"] if q in fold(r["name"]) or q in r["code"].lower()
        ]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        header, rows = exports.ranking_rows(doc)
        return _download(
            _("PAR INDEX ranking %(year)s") % {"year": year}, header, rows, fmt, f"par-{year}"
        )
    history = (
        ResultSet.objects.filter(year=year, province_code=_province())
        .defer("document", "summary")
        .order_by("-version")
    )
    ha = access.is_home_affairs(request.user)
    not_submitted = [
        u
        for u in doc.get("not_submitted", [])
        if not q or q in fold(u["name"]) or q in u["code"].lower()
    ]
    readiness = results.readiness(year, _province()) if ha and not doc["frozen"] else None
    return render(
        request,
        "reform/ranking.html",
        {
            "year": year,
            "doc": doc,
            "groups": _ranking_groups(doc, year, request.user),
            "not_submitted": not_submitted,
            "history": history,
            "ha": ha,
            "readiness": readiness,
            "unfinished_message": publishing.unfinished_message(readiness) if readiness else "",
            "templates": Template.objects.filter(year=year, status="PUBLISHED").order_by("code")
            if readiness and readiness["unfinished"]
            else [],
            "q": request.GET.get("q", ""),
            # the downloads hold what the page shows: the search is kept
            "export_query": {
                fmt: urlencode({**({"q": request.GET["q"]} if q else {}), "format": fmt})
                for fmt in ("xlsx", "pdf")
            },
            "trend": trend,
        },
    )


def _year_docs(year: int, rows: list[dict[str, Any]]) -> list[tuple[int, list[dict]]]:
    """The rows of the published years before this one (at most five, current versions, from
    their summaries) and this year's rows, oldest first (for the year-on-year charts)."""
    docs = [
        (rs.year, rs.summary)
        for rs in ResultSet.objects.filter(
            province_code=_province(), current=True, year__gte=year - 5, year__lt=year
        )
        .only("year", "summary")
        .order_by("year")
    ]
    docs.append((year, rows))
    return docs


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _group_trend_chart(docs: list[tuple[int, list[dict]]]) -> dict[str, Any] | None:
    """Mean index % of each ranking group, year on year."""
    by_year: list[dict[str, list[float]]] = []
    for _y, rows in docs:
        by_group: dict[str, list[float]] = {}
        for r in rows:
            if r["total"] is not None:
                by_group.setdefault(r["group"] or _("No group"), []).append(r["total"])
        by_year.append(by_group)
    names = sorted({g for d in by_year for g in d})
    return charts.line_chart(
        [y for y, _rows in docs],
        [
            (_("%(group)s (mean)") % {"group": g}, [_mean(d.get(g, [])) for d in by_year])
            for g in names
        ],
        x_label=_("Year"),
        y_label=_("Index (%)"),
    )


def _unit_trend_chart(docs: list[tuple[int, list[dict]]], code: str) -> dict[str, Any] | None:
    """The unit's index % against its ranking group's best and mean, year on year (the group
    of each year, as it was ranked then)."""
    unit, best, mean = [], [], []
    for _y, rows in docs:
        mine = next((r for r in rows if r["code"] == code), None)
        peers = (
            [r["total"] for r in rows if r["group"] == mine["group"] and r["total"] is not None]
            if mine
            else []
        )
        unit.append(mine["total"] if mine else None)
        best.append(max(peers) if peers else None)
        mean.append(_mean(peers))
    return charts.line_chart(
        [y for y, _rows in docs],
        [(_("This unit"), unit), (_("Group best"), best), (_("Group mean"), mean)],
        x_label=_("Year"),
        y_label=_("Index (%)"),
    )


def _unit_radar_chart(
    row: dict[str, Any], lost: list[dict[str, Any]], names: dict[str, str]
) -> dict[str, Any] | None:
    """The unit's index % per field (template order; fields with points only) against its
    ranking group's median and best, from the figures of the "where the points were lost"
    table."""
    peers = {f["code"]: f for f in lost}
    fields = [(c, g["max"]) for c, g in row["groups"].items() if g["max"] and c in peers]
    return charts.radar_chart(
        [(c, names.get(c, c)) for c, _m in fields],
        [
            (_("This unit"), [row["groups"][c]["score"] / m * 100 for c, m in fields]),
            (_("Group median"), [peers[c]["median"] / m * 100 for c, m in fields]),
            (_("Group best"), [peers[c]["best"] / m * 100 for c, m in fields]),
        ],
    )


def _ranking_groups(doc: dict[str, Any], year: int, user: Any) -> list[dict[str, Any]]:
    """The ranking table per group with every cell formatted here: a province ranks hundreds of
    units and the template engine's filters per cell were most of the page's time. A unit's
    name links to its page where `user` may open it."""
    linked = _unit_pages(user, year)
    sep = get_format("DECIMAL_SEPARATOR")
    unit_base = reverse("reform:unit", args=[year, "CODE"]).removesuffix("CODE/")

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", sep)

    # the criteria's names, for the weakest criteria (a bare "2.3" says nothing to a reader)
    names = {
        (tcode, code): name
        for tcode, code, name in TemplateNode.objects.filter(template__year=year).values_list(
            "template__code", "code", "name"
        )
    }
    out = []
    for group, rows in _groups(doc):
        table = []
        for r in rows:
            change = r.get("rank_change")
            url = f"{unit_base}{quote(r['code'])}/" if r["code"] in linked else ""
            table.append(
                {
                    "rank": r["rank"] or "—",
                    "change": "—"
                    if change is None
                    else (f"▲ {change}" if change > 0 else (f"▼ {-change}" if change < 0 else "=")),
                    "name": r["name"],
                    "url": url,
                    "points": num(r["points"]),
                    "max": num(r["max"]),
                    "total": num(r["total"]),
                    "grade": r.get("grade") or "",
                    # each with its name and, where the unit's page opens, a link to the
                    # criterion's row there
                    "weakest": [
                        {
                            "code": code,
                            "name": names.get((r.get("template") or "", code), ""),
                            "url": f"{url}#c-{code}" if url else "",
                        }
                        for code in r.get("weakest") or []
                    ],
                    # the bar's length in per cent of the chart (_bars.html)
                    "pct": round(max(0.0, min(100.0, r["total"] or 0.0)), 2),
                    "shown": num(r["total"]),
                    # ranked on self scores nobody has appraised yet (domain.md §7)
                    "provisional": r.get("status", AssessmentStatus.FINAL)
                    != AssessmentStatus.FINAL,
                }
            )
        out.append({"name": group, "rows": table})
    return out


@login_required
@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    _require_ha(request)
    try:
        publishing.publish_results(
            year,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            confirm_incomplete=bool(request.POST.get("confirm_incomplete")),
        )
        messages.success(request, _("Results published."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("reform:ranking", year=year)


@login_required
def unit_result(request: HttpRequest, year: int, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if agency.code not in _unit_pages(request.user, year):
        raise PermissionDenied
    doc = _doc(year)
    try:
        row = results.unit_row(doc, code)
        lost = results.where_points_lost(doc, code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    whatif = None
    a = (
        Assessment.objects.filter(template__year=year, agency=agency)
        .select_related("template")
        .first()
    )
    leaves = []
    if a is not None:
        leaves = [n for n in a.template.nodes.filter(children__isnull=True).order_by("order", "id")]
    measures = sorted({n.measure for n in leaves if n.method == Method.COMPUTED})
    asked = bool(request.GET.get("whatif")) and a is not None
    whatif_form = WhatIfForm(
        request.GET if asked else None, leaves=leaves, measures=measures, auto_id="wi-%s"
    )
    if asked and whatif_form.is_valid():
        changes: dict[str, float | None] = dict(whatif_form.changes())
        metric = whatif_form.cleaned_data.get("metric")
        pct = whatif_form.cleaned_data.get("metric_value")
        if metric and pct is not None:
            for n in leaves:
                if n.method == Method.COMPUTED and n.measure == metric:
                    pts = assessments.measure_points(n, float(pct))
                    changes[n.code] = float(pts) if pts is not None else None
        whatif = results.what_if(year, code, changes, _province())
        whatif["changes"] = changes
    names = dict(TemplateNode.objects.filter(template__year=year).values_list("code", "name"))
    return render(
        request,
        "reform/unit.html",
        {
            "year": year,
            "agency": agency,
            "row": row,
            "lost": lost,
            "names": names,
            "radar": _unit_radar_chart(row, lost, names),
            "whatif": whatif,
            "leaves": leaves,
            "assessment": a,
            "can_sheet": a is not None and access.can_view(request.user, a),
            "whatif_form": whatif_form,
            "frozen": doc.get("frozen", False),
            "trend": _unit_trend_chart(_year_docs(year, doc["agencies"]), code),
        },
    )


def public(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Published results, for everyone."""
    sets = (
        ResultSet.objects.filter(province_code=_province(), current=True)
        .defer("document")
        .order_by("-year")
    )
    chosen = sets.filter(year=year).first() if year else sets.first()
    doc = {"agencies": chosen.summary} if chosen else None
    groups = [
        (
            name,
            [
                r
                | {
                    "pct": round(max(0.0, min(100.0, r["total"] or 0.0)), 2),
                    "shown": "" if r["total"] is None else number_format(r["total"], 2),
                }
                for r in rows
            ],
        )
        for name, rows in (_groups(doc) if doc else [])
    ]
    return render(
        request,
        "reform/public.html",
        {
            "chosen": chosen,
            "years": list(sets.values_list("year", flat=True)),
            "groups": groups,
        },
    )


# -------------------------------------------------------------------- external and targets
@login_required
def external_page(request: HttpRequest) -> HttpResponse:
    if not _sees_results(request.user):
        raise PermissionDenied
    ha = access.is_home_affairs(request.user)
    value_form, target_form = ExternalValueForm(auto_id="value-%s"), TargetForm(auto_id="target-%s")
    if request.method == "POST":
        _require_ha(request)
        action = request.POST.get("action")
        data = _valid_data(
            request, (ExternalValueForm if action == "value" else TargetForm)(request.POST)
        )
        if data is None:
            return redirect("reform:external")
        try:
            if action == "value":
                external.record_value(
                    actor=request.user,
                    index=data["index"],
                    year=data["year"],
                    province_code=data["province_code"] or _province(),
                    node_code=data["node_code"].strip(),
                    node_name=data["node_name"].strip(),
                    score=data["score"],
                    max_score=data["max_score"],
                    rank=data["rank"],
                    group=data["group"].strip(),
                    lead_agency=data["lead_agency"],
                )
            else:
                external.save_target(
                    actor=request.user,
                    year=data["year"],
                    index=data["index"],
                    kind=data["kind"],
                    value=data["value"],
                    node_code=data["node_code"].strip(),
                    owner=data["owner"],
                    note=data["note"].strip(),
                )
            messages.success(request, _("Saved."))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("reform:external")
    index = request.GET.get("index", ExternalIndex.PAPI)
    own = ExternalValue.objects.filter(index=index, province_code=_province()).select_related(
        "lead_agency"
    )
    rows = []
    for v in own.order_by("-year", "node_code"):
        fig = external.figure(v.index, v.year, v.node_code)
        rows.append({"v": v, "fig": fig})
    targets = [external.assess_target(t) for t in Target.objects.select_related("owner")]
    return render(
        request,
        "reform/external.html",
        {
            "ha": ha,
            "index": index,
            "indices": ExternalIndex.choices,
            "rows": rows,
            "targets": targets,
            "value_form": value_form,
            "target_form": target_form,
        },
    )
