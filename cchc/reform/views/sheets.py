"""A unit's PAR INDEX self-assessment (bản tự đánh giá) on its scoring sheet (bảng chấm
điểm): opening it, the sheet and the forms of its rows (self score, evidence, appraisal),
submitting, the explanation round, finalising, reopening, the sheet's export and the evidence
files. Every write goes through `assessments` or `appraisal`; a unit never sees another unit's
self-assessment before the year's results are published (`access.can_view`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError, ValidationFailed
from cchc.core.text import matches_folded
from cchc.reform import access, appraisal, assessments, exports, results
from cchc.reform.forms import (
    AnswerDueForm,
    AppraiseForm,
    EvidenceFileSearchForm,
    EvidenceForm,
    HistoryFilterForm,
    ScoreForm,
)
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    EvidenceFile,
    Method,
    ReformEvent,
    Template,
)
from cchc.reform.views._shared import download, fail, saved

# events of the sheet's history per page: a sheet of 88 items scored, evidenced, computed
# and appraised has several hundred, and each score change must stay findable
HISTORY_PAGE_SIZE = 100

# files a row's "reuse an uploaded file" list offers: the newest, or the newest matches of the
# sheet's file search; a unit with hundreds reaches the older ones by searching their names
FILES_OFFERED = 50


def _reusable_files(
    agency: Agency, query: str = "", chosen: Any = None, count: bool = False
) -> dict[str, Any]:
    """The unit's files a row offers to reuse (`choices`): its newest, or those whose name
    matches `query` (accents and case aside); `chosen`, a file of the unit picked on a
    refused form, stays among them. With `count`, how many the unit has (`total`) and how many
    match (`matched`), so the sheet says when the list is not all of them."""
    unit_files = EvidenceFile.objects.filter(agency=agency)
    found = unit_files.filter(matches_folded("search_name", query)) if query else unit_files
    files = list(found.order_by("-uploaded_at", "-pk").only("pk", "name")[:FILES_OFFERED])
    picked = str(chosen or "")
    if picked.isdigit() and all(f.pk != int(picked) for f in files):
        files += list(unit_files.filter(pk=int(picked)).only("pk", "name"))
    return {
        "choices": [(f.pk, f.name) for f in files],
        "query": query,
        "total": unit_files.count() if count else None,
        "matched": found.count() if count and query else None,
        "offered": FILES_OFFERED,
    }


@login_required
@require_POST
def assessment_open(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_object_or_404(Template, pk=pk)
    agency = get_object_or_404(Agency, pk=request.POST.get("agency"))
    try:
        a = assessments.open_assessment(t, agency, actor=request.user)
    except DomainError as exc:
        fail(request, exc)
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
    request: HttpRequest,
    a: Assessment,
    *,
    bound: tuple[str, str, forms.Form] | None = None,
    answers: dict[str, str] | None = None,
    answer_due_form: AnswerDueForm | None = None,
    answer_by_typed: str | None = None,
) -> HttpResponse:
    """The scoring sheet. `bound`: (kind, node code, form) of a posted form that was refused,
    shown again in its row with what the person typed and the error on its field; `answers`:
    a refused explanation (node code → text), shown again as typed; `answer_due_form`: the
    chair's refused move of the answers' last day, as typed; `answer_by_typed`: the last day
    the chair typed when asking for the answers, refused, shown again."""
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
    # why a draft may not be changed now (the deadline has passed, the sheet not returned)
    lock = assessments.edit_lock(a) if a.status == AssessmentStatus.DRAFT else None
    can_edit = staff and a.status == AssessmentStatus.DRAFT and lock is None
    appraiser = access.is_appraiser(user, a)
    chair = access.is_chair(user, a) and not staff
    appraising = a.status in (
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPRAISING,
        AssessmentStatus.RESPONDED,
    )
    file_search = EvidenceFileSearchForm(request.GET, auto_id="files-%s")
    query = file_search.cleaned_data["tep"].strip() if file_search.is_valid() else ""
    reusable = _reusable_files(a.agency, query, count=True) if can_edit else None
    choices = reusable["choices"] if reusable else []

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
                    explanation_required=n.method == Method.SELF,
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
            and a.status == AssessmentStatus.DRAFT
            and lock is None,
            "lock": lock,
            "returned": assessments.returned_by(a),
            "can_respond": staff and a.status == AssessmentStatus.EXPLANATION,
            "can_accept_all": access.is_unit_leader(user, a.agency_id)
            and a.status == AssessmentStatus.EXPLANATION,
            # a specialist who explains is told that the leader may accept them all at once
            "leader_accepts_all": staff
            and not access.is_unit_leader(user, a.agency_id)
            and a.status == AssessmentStatus.EXPLANATION,
            # the appraisal column once there is an appraisal: a draft the unit is still
            # filling showed an empty "Appraised score —" on every card of the phone sheet
            "appraisal_shown": a.status != AssessmentStatus.DRAFT
            or any(s.appraised_score is not None for s in scores.values()),
            # the adjusted items the unit may explain, gathered at the top of an 88-row sheet
            "to_explain": [
                {"node": n, "row": n.row, "answer": (answers or {}).get(n.code, "")}  # type: ignore[attr-defined]
                for n in nodes
                if n.row is not None and n.row.adjusted  # type: ignore[attr-defined]
            ]
            if staff and a.status == AssessmentStatus.EXPLANATION
            else [],
            # the unit's answers, gathered at the top for the chair who finalises next to them
            # (they were in the rows of an 88-row sheet, "Finalise" under its last row)
            "unit_answers": [
                n
                for n in nodes
                if n.row is not None and n.row.adjusted  # type: ignore[attr-defined]
            ]
            if chair and a.status == AssessmentStatus.RESPONDED
            else [],
            # why the round can no longer be answered (its deadline passed, results published)
            "answer_closed": _answer_closed(a),
            # a leader who submitted too early asks Home Affairs to return the sheet
            # or a draft the deadline has locked, given back to this unit only
            "can_reopen": access.is_home_affairs(user)
            and (a.status == AssessmentStatus.SUBMITTED or lock is not None),
            "appraiser": appraiser,
            "chair": chair,
            "appraising": appraising,
            # the last day of the unit's answers the chair is offered when asking for them
            "answer_by": (
                answer_by_typed
                if answer_by_typed is not None
                else appraisal.default_answer_day(a).isoformat()
            )
            if chair and a.is_appraising
            else None,
            # the chair moves the last day of the answers while the unit is asked for them
            "answer_due_form": (
                answer_due_form
                or AnswerDueForm(
                    initial={"answer_by": timezone.localtime(a.answer_due).date()}
                    if a.answer_due
                    else {},
                    auto_id="due-%s",
                )
            )
            if chair and a.status == AssessmentStatus.EXPLANATION
            else None,
            # while the unit may still answer, the chair is told until when instead of
            # being offered a "Finalise" the service refuses
            "answers_awaited_until": appraisal.answers_awaited_until(a) if chair else None,
            # adjustments the unit was never asked to answer: finalising closes the appraisal
            # without its answers, which the chair confirms naming them (not one plain click)
            "unasked": appraisal.unasked_adjustments(a) if chair else [],
            # self scores nobody appraised: finalising accepts them without review, which the
            # chair confirms knowing how many (one plain click accepted a whole sheet)
            "unreviewed": appraisal.unreviewed_items(a) if chair and a.can_be_finalised else [],
            "finalise_hint": None if chair or staff else _finalise_hint(user, a),
            # an appraisal carried on after the year was published reaches the published
            # results only by a restatement: the appraisers are told before they change it
            "published_result": results.published(a.template.year, a.agency.province_code)
            if appraiser and a.can_be_finalised
            else None,
            "file_search": file_search if reusable and reusable["total"] else None,
            "reusable": reusable,
            "missing": assessments.missing_items(a) if a.status == AssessmentStatus.DRAFT else [],
            **_history(request, a),
            "late": bool(
                a.template.deadline
                and a.status == AssessmentStatus.DRAFT
                and timezone.now() > a.template.deadline
            ),
        },
    )


def _history(request: HttpRequest, a: Assessment) -> dict[str, Any]:
    """The sheet's history, newest first, page by page, optionally of one item's code: the
    audit trail of every score change (who, when, from what to what, why)."""
    events = ReformEvent.objects.filter(assessment=a).order_by("-seq")
    filters = HistoryFilterForm(request.GET, auto_id="history-%s")
    code = filters.cleaned_data["code"].strip() if filters.is_valid() else ""
    if code:
        events = events.filter(node_code=code)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "events": page.object_list,
        "history_page": page,
        "history_filters": filters,
        "history_code": code,
    }


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


def _node_form(
    request: HttpRequest, a: Assessment, kind: str, form: forms.Form, save: Any, done: str
) -> HttpResponse:
    """One row's form of the scoring sheet (a score, evidence, an appraisal): saved by
    `save(cleaned_data)` and back to the row; refused (by the form or by the service), the
    sheet again with this row's form as typed and the error on its field."""
    node = str(request.POST.get("node", ""))
    if saved(request, form, save, done):
        return redirect(f"/par/a/{a.pk}/#n-{quote(node)}")
    if not a.template.nodes.filter(code=node).exists():
        return redirect("reform:assessment", pk=a.pk)  # not a row of the sheet
    return _assessment_page(request, a, bound=(kind, node, form))


def _answer_by(post: Any) -> dt.date | None:
    """The last day the chair set for the unit's answers (empty: the default)."""
    text = str(post.get("answer_by", "")).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            _("The last day for the unit's answers is not a date (dd/mm/yyyy)."),
            field="answer_by",
        ) from None


def _answer_closed(a: Assessment) -> str:
    if a.status != AssessmentStatus.EXPLANATION:
        return ""
    try:
        appraisal.require_answer_open(a)
    except DomainError as exc:
        return str(exc)
    return ""


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
        # any file of the unit may be picked (the service checks it is the unit's), not only
        # the ones the row offered; refused, the row offers them again with the one picked
        files = _reusable_files(a.agency, chosen=post.get("file_id"))["choices"]
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
            _("Score accepted.") if action == "accept" else _("Score adjusted."),
        )
    if action == "move_answer_due":
        form = AnswerDueForm(post, auto_id="due-%s")
        if saved(
            request,
            form,
            lambda data: appraisal.move_answer_due(
                a, actor=user, answer_by=data["answer_by"], reason=data["reason"]
            ),
            _("The last day for the unit's answers has been moved."),
        ):
            return redirect(f"/par/a/{a.pk}/#answer-due-form")
        return _assessment_page(request, a, answer_due_form=form)
    if action == "request_explanation":
        try:
            appraisal.request_explanation(a, actor=user, answer_by=_answer_by(post))
        except DomainError as exc:
            # shown again with the day the chair typed, not the default in its place
            fail(request, exc)
            return _assessment_page(
                request, a, answer_by_typed=str(post.get("answer_by", "")).strip()
            )
        messages.success(request, _("The unit has been asked for its explanation."))
        return redirect(f"/par/a/{a.pk}/")
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
        elif action == "respond":
            answers = {
                k[len("answer_") :]: str(post.get(k, "")) for k in post if k.startswith("answer_")
            }
            try:
                appraisal.respond(a, actor=user, answers=answers)
            except DomainError as exc:
                # shown again with what was written: an explanation is often long
                fail(request, exc)
                return _assessment_page(request, a, answers=answers)
            messages.success(request, _("Explanation sent."))
        elif action == "accept_all":
            codes = appraisal.accept_all_adjustments(
                a, actor=user, confirmed=post.getlist("confirmed")
            )
            messages.success(
                request,
                ngettext(
                    "%(n)s adjustment accepted: %(items)s.",
                    "%(n)s adjustments accepted: %(items)s.",
                    len(codes),
                )
                % {"n": len(codes), "items": ", ".join(codes)},
            )
        elif action == "finalise":
            appraisal.finalise(a, actor=user, without_answers=post.getlist("without_answers"))
            messages.success(request, _("Appraisal finalised."))
        elif action == "reopen":
            assessments.reopen(a, actor=user, reason=post.get("reason", ""))
            messages.success(request, _("The self-assessment has been returned to the unit."))
    except DomainError as exc:
        fail(request, exc)
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
    return download(title, header, rows, fmt, f"par-{a.template.code}-{a.agency.code}")


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
