"""A unit's self-assessment: opened from a published template, scored item by item with
evidence (or filled from platform measures and survey results), submitted by the unit's
leader by the deadline, returned by Home Affairs. One ReformEvent per change, under the
assessment's row lock; the assessment's summary is refreshed in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.actors import require_actor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import results, subjects, summaries
from cchc.reform.access import is_home_affairs, is_unit_leader, is_unit_staff, require_home_affairs
from cchc.reform.criteria import fmt_points, parse_points, show_points
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceFile,
    Method,
    ReformEvent,
    Score,
    Template,
    TemplateNode,
)

S = AssessmentStatus


def _require_unit_type(template: Template, agency: Any) -> None:
    """A template is meant for one unit type (its `unit_level`, an agency level; empty: any
    unit) and for the units of its ranking groups valid in its year (`subjects`): no other
    unit opens or submits a self-assessment under it."""
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
    if not subjects.is_assessed(template, agency):
        raise ValidationFailed(
            _(
                "%(unit)s is not assessed under the template %(code)s: it is not in one of "
                "its ranking groups or not valid at the end of %(year)s."
            )
            % {"code": template.code, "unit": agency.name, "year": template.year}
        )


def _saved(assessment: Assessment, *fields: str) -> None:
    """Save the assessment's changed `fields` with the sequence of the event just appended,
    and refresh its summary (inside the caller's transaction)."""
    assessment.save(update_fields=[*fields, "last_event_seq"])
    summaries.refresh([assessment])


def move(
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
    existing = Assessment.objects.filter(template=template, agency=agency).first()
    if existing is not None:
        return existing
    if results.published(template.year, agency.province_code) is not None:
        # the year is closed: a unit that took no part gets no result by a late sheet
        raise TransitionNotAllowed(
            _(
                "The results of %(year)s are published: no new self-assessment can be "
                "opened for that year."
            )
            % {"year": template.year}
        )
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


def score_of(assessment: Assessment, node_code: str) -> Score:
    score = (
        Score.objects.select_related("node").filter(assessment=assessment, node__code=node_code)
    ).first()
    if score is None:
        raise ValidationFailed(_("No sub-criterion %(code)s.") % {"code": node_code})
    return score


def check_range(value: Decimal, node: TemplateNode, field: str) -> None:
    if value < 0:
        raise ValidationFailed(
            _("The score of %(code)s cannot be negative.") % {"code": node.code}, field=field
        )
    if value > node.max_points:
        raise ValidationFailed(
            _("The score of %(code)s cannot exceed its maximum of %(max)s points.")
            % {"code": node.code, "max": show_points(node.max_points)},
            field=field,
        )


def returned_by(assessment: Assessment) -> ReformEvent | None:
    """Home Affairs' return of the sheet to the unit (`reopen`) while the sheet is back in
    the unit's hands, i.e. not submitted again since; None otherwise."""
    if assessment.status != S.DRAFT:
        return None
    return (
        ReformEvent.objects.filter(assessment=assessment, action="reopen").order_by("-seq").first()
    )


def edit_lock(assessment: Assessment, *, now: dt.datetime | None = None) -> str | None:
    """Why the unit may not change its scores and evidence now, in words; None: it may.

    A submitted sheet is locked. After the template's deadline a draft is locked too: what
    the unit did not submit in time it may not keep changing (domain.md §7, "submits by the
    deadline"), unless Home Affairs extends the deadline (the template's, for every unit)
    or has returned the sheet to this unit, which then may correct it and submit it again
    whatever the date: Home Affairs returned it knowing the deadline."""
    if assessment.status != S.DRAFT:
        return _("The self-assessment has been submitted: it is locked.")
    deadline = assessment.template.deadline
    if deadline and (now or timezone.now()) > deadline and returned_by(assessment) is None:
        return _(
            "The deadline (%(when)s) has passed: the scores and evidence can no longer be "
            "changed. Home Affairs may extend the deadline or return the sheet to the unit."
        ) % {"when": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}
    return None


def _require_staff_draft(assessment: Assessment, actor: Any) -> None:
    if not is_unit_staff(actor, assessment.agency_id):
        raise NotPermitted(_("Only the unit's own staff may change its self-assessment."))
    locked = edit_lock(assessment)
    if locked:
        raise TransitionNotAllowed(locked)


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
        row = score_of(assessment, node_code)
        if row.node.method == Method.SURVEY:
            raise ValidationFailed(
                _(
                    "Survey-scored criteria come from the survey results; they are never self-scored."
                )
            )
        value = None if score in (None, "") else parse_points(score, field="score")
        if value is not None:
            check_range(value, row.node, "score")
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
            data={
                "from": fmt_score(before),
                "to": fmt_score(value),
                "explanation": row.explanation,
            },
        )
        _saved(assessment)
    return row


def fmt_score(v: Decimal | None) -> str | None:
    return None if v is None else fmt_points(v)


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
    if upload is None and not file_id:
        # a number, an issuer and a date prove nothing without the document itself, and the
        # completeness check at submission counts any evidence row
        raise ValidationFailed(
            _("Attach the document's file, or pick one the unit has already uploaded."),
            field="file",
        )
    if doc_date > timezone.localdate():
        # a document issued by a competent authority is dated on or before its use
        raise ValidationFailed(
            _("The document date %(date)s is in the future.")
            % {"date": doc_date.strftime("%d/%m/%Y")},
            field="doc_date",
        )
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_staff_draft(assessment, actor)
        row = score_of(assessment, node_code)
        # compared case-folded here, not with iexact: SQLite folds only ASCII ("QĐ" vs "qđ")
        wanted = (doc_number.strip().casefold(), issuer.strip().casefold())
        same = next(
            (
                ev
                for ev in row.evidence.filter(doc_date=doc_date)
                if (ev.doc_number.strip().casefold(), ev.issuer.strip().casefold()) == wanted
            ),
            None,
        )
        if same is not None:
            raise ValidationFailed(
                _("Document %(number)s of %(issuer)s is already evidence of this item.")
                % {"number": same.doc_number, "issuer": same.issuer},
                field="doc_number",
            )
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
        if deadline and now > deadline and returned_by(assessment) is None:
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
        move(
            assessment,
            "submit",
            actor=actor,
            to_status=S.SUBMITTED,
            stamps={"submitted_at": now},
            at=now,
        )
    return assessment


def reopen(assessment: Assessment, *, actor: Any, reason: str) -> Assessment:
    """Home Affairs returns a submitted assessment to the unit (before appraisal starts), or
    a draft the deadline has locked (`edit_lock`): the unit may then correct it and submit it
    after the deadline, this unit only."""
    require_home_affairs(actor)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), field="reason")
    with transaction.atomic():
        assessment = events.lock(assessment)
        late_draft = assessment.status == S.DRAFT and edit_lock(assessment) is not None
        if assessment.status != S.SUBMITTED and not late_draft:
            raise TransitionNotAllowed(
                _(
                    "Only a submitted self-assessment, or a draft whose deadline has passed, "
                    "can be returned."
                )
            )
        move(
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
        locked = edit_lock(assessment)
        if locked:
            raise TransitionNotAllowed(locked)
        rows = assessment.scores.select_related("node").filter(node__method=Method.COMPUTED)
        for row in rows:
            snap = take_measure(
                row.node.measure, assessment.agency.code, str(assessment.template.year)
            )
            points = measure_points(row.node, snap.get("value"))
            snap["points"] = fmt_score(points)
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
                        data={"value": value, "points": fmt_score(points)},
                    )
                    changed = True
            if changed:
                _saved(assessment)
    return counts
