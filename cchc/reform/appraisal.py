"""Appraisal of submitted self-assessments: Home Affairs forms the teams (no member from
an appraised unit); members accept or adjust each score with a reason; the chair asks the
unit for its one explanation round and finalises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.actors import require_actor
from cchc.core.calendar import WorkingCalendar
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import notices, results
from cchc.reform.access import (
    is_chair,
    is_unit_leader,
    is_unit_staff,
    require_home_affairs,
    teams_of,
)
from cchc.reform.assessments import check_range, fmt_score, move, score_of
from cchc.reform.criteria import log_template, parse_points
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    Method,
    ReformEvent,
    Score,
    Template,
)

S = AssessmentStatus

# the unit's explanation round: the chair sets the last day of it when asking; unless they
# choose another, it is the fifth working day after (the province's working-day calendar)
ANSWER_WORKING_DAYS = 5
# a round longer than this would hold the year's ranking back: a date beyond is a typing error
LONGEST_ROUND_DAYS = 60


def default_answer_day(assessment: Assessment, today: dt.date | None = None) -> dt.date:
    calendar = WorkingCalendar.for_province(assessment.agency.province_code)
    return calendar.add_working_days(today or timezone.localdate(), ANSWER_WORKING_DAYS)


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
        # one team per unit and template (domain.md §7: "an appraisal team/council accepts or
        # adjusts each score"): with two, two chairs could each finalise the same appraisal
        codes = {a.code for a in agencies}
        taken = sorted(
            (code, team_name)
            for team_name, code in AppraisalTeam.objects.filter(
                template=template, agencies__code__in=codes
            ).values_list("name", "agencies__code")
            if code in codes
        )
        if taken:
            raise ValidationFailed(
                _("Already appraised by another team of this template: %(units)s.")
                % {
                    "units": "; ".join(
                        _("%(code)s in %(team)s") % {"code": code, "team": team_name}
                        for code, team_name in taken
                    )
                },
                field="agencies",
            )
        team = AppraisalTeam.objects.create(template=template, name=name, chair=chair)
        team.members.set(members)
        team.agencies.set(agencies)
        log_template(
            template,
            "team",
            actor=actor,
            note=name,
            data=_team_data(team),
        )
    return team


def _team_data(team: AppraisalTeam) -> dict[str, Any]:
    return {
        "team": team.pk,
        "chair": team.chair.username,
        "members": sorted(m.username for m in team.members.all()),
        "agencies": sorted(a.code for a in team.agencies.all()),
    }


def remove_team(team: AppraisalTeam, *, actor: Any, reason: str) -> None:
    """Home Affairs dissolves a team (a member named by mistake, a unit given to another
    team): its members may no longer appraise those units. Appraisals already made stay in
    the assessments' logs under their authors' names; the template's log keeps the team as
    it was and why it went. Refused once the year's results are published."""
    require_home_affairs(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), field="reason")
    with transaction.atomic():
        template = events.lock(team.template)
        if results.published(template.year, None) is not None:
            raise TransitionNotAllowed(
                _("The year's results are published: its appraisal teams are kept as they were.")
            )
        team = AppraisalTeam.objects.select_related("chair").get(pk=team.pk)
        log_template(
            template,
            "remove_team",
            actor=actor,
            note=reason,
            data=_team_data(team) | {"name": team.name},
        )
        team.delete()


def _require_appraiser(assessment: Assessment, actor: Any, *, chair: bool = False) -> None:
    if is_unit_staff(actor, assessment.agency_id):
        raise NotPermitted(_("A member of the appraised unit cannot appraise it."))
    if chair and not is_chair(actor, assessment):
        raise NotPermitted(_("Only the chair of the appraisal team may do this."))
    if not teams_of(actor, assessment):
        raise NotPermitted(_("You are not on an appraisal team for this unit."))


def _after_publication(assessment: Assessment) -> dict[str, int]:
    """The mark of an appraisal changed after the year's results were published: the
    version it postdates. The change is allowed (a unit published unfinished is appraised
    to the end), but the published figures stand until Home Affairs restates them with a
    reason; until then the ranking names the unit (`publishing.changed_since_publication`)."""
    current = results.published(assessment.template.year, assessment.agency.province_code)
    return {"after_publication": current.version} if current is not None else {}


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
        row = score_of(assessment, node_code)
        if row.node.method == Method.SURVEY:
            raise ValidationFailed(_("Survey-scored criteria are not appraised."))
        if accept:
            value = row.self_score
            if value is None:
                raise ValidationFailed(_("There is no self score to accept."))
        else:
            value = parse_points(score, field="score")
            check_range(value, row.node, "score")
            if value != row.self_score and not comment.strip():
                raise ValidationFailed(
                    _("An adjusted score needs a comment giving the reason."), field="comment"
                )
        before = row.appraised_score
        row.appraised_score = value
        row.appraisal_comment = comment.strip()
        row.save(update_fields=["appraised_score", "appraisal_comment"])
        move(
            assessment,
            "accept" if accept or value == row.self_score else "adjust",
            actor=actor,
            to_status=S.APPRAISING if assessment.status == S.SUBMITTED else assessment.status,
            node_code=node_code,
            note=comment.strip(),
            data={
                "self": fmt_score(row.self_score),
                "from": fmt_score(before),
                "to": fmt_score(value),
                **_after_publication(assessment),
            },
        )
    return row


def answers_due_at(day: dt.date) -> dt.datetime:
    """The last minute of the unit's last day for its answers (23:59, local time)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _require_working_day(assessment: Assessment, day: dt.date) -> None:
    """The unit's last day is a working day of the province's calendar (the calendar the
    default is counted on): a weekend or a holiday typed by the chair is refused, naming the
    next working day, whether when asking or when moving the day."""
    calendar = WorkingCalendar.for_province(assessment.agency.province_code)
    if not calendar.is_working_day(day):
        raise ValidationFailed(
            _("%(day)s is not a working day (%(why)s): choose a working day, for example %(next)s.")
            % {
                "day": day.strftime("%d/%m/%Y"),
                "why": calendar.why_not_working(day),
                "next": calendar.next_working_day(day).strftime("%d/%m/%Y"),
            },
            field="answer_by",
        )


def request_explanation(
    assessment: Assessment, *, actor: Any, answer_by: dt.date | None = None
) -> Assessment:
    """The chair sends the adjustments to the unit for its one explanation round; the unit's
    answers are due by the end (local time) of `answer_by`, a working day of the province's
    calendar, by default the fifth working day after today (default_answer_day)."""
    require_actor(actor)
    today = timezone.localdate()
    if answer_by is not None and not today < answer_by <= today + dt.timedelta(
        days=LONGEST_ROUND_DAYS
    ):
        raise ValidationFailed(
            _("The last day for the unit's answers must be after today and within %(days)s days.")
            % {"days": LONGEST_ROUND_DAYS},
            field="answer_by",
        )
    if answer_by is not None:
        _require_working_day(assessment, answer_by)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor, chair=True)
        if assessment.status != S.APPRAISING:
            raise TransitionNotAllowed(_("An explanation can be asked only during appraisal."))
        if ReformEvent.objects.filter(assessment=assessment, action="request_explanation").exists():
            raise TransitionNotAllowed(_("The unit has already had its explanation round."))
        last_day = answer_by or default_answer_day(assessment, today)
        due = answers_due_at(last_day)
        move(
            assessment,
            "request_explanation",
            actor=actor,
            to_status=S.EXPLANATION,
            stamps={"answer_due": due},
            data={"answer_due": due.isoformat()},
        )
        notices.announce(assessment)
    return assessment


def move_answer_due(
    assessment: Assessment, *, actor: Any, answer_by: dt.date, reason: str
) -> Assessment:
    """The chair moves the last day of the unit's answers once they have been asked for (the
    unit asked for more time, a day off the province added, a date typed wrong). The new
    last day is a working day of the province's calendar (the calendar the default of
    `request_explanation` is counted on), not before today and within LONGEST_ROUND_DAYS;
    the answers are then due by its end (local time), as when asking. Refused once the
    year's results are published (the answers could no longer change them). The sheet's
    history says from which day to which day and why, and the unit reads the new last day
    on its sheet, where asking told it the first one."""
    require_actor(actor)
    # who may move the day is said first: a unit's own staff who typed a weekend were told
    # to pick a working day, as if they could move it then
    _require_appraiser(assessment, actor, chair=True)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the last day for the unit's answers is moved."), field="reason"
        )
    today = timezone.localdate()
    if not today <= answer_by <= today + dt.timedelta(days=LONGEST_ROUND_DAYS):
        raise ValidationFailed(
            _(
                "The new last day for the unit's answers must be today or later, and within "
                "%(days)s days."
            )
            % {"days": LONGEST_ROUND_DAYS},
            field="answer_by",
        )
    _require_working_day(assessment, answer_by)
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor, chair=True)
        if assessment.status != S.EXPLANATION:
            raise TransitionNotAllowed(
                _(
                    "The last day for the unit's answers can be moved only while the unit is "
                    "asked for its explanation and has not answered."
                )
            )
        if results.published(assessment.template.year, assessment.agency.province_code) is not None:
            raise TransitionNotAllowed(
                _(
                    "The year's results are published: the last day for the unit's answers "
                    "can no longer be moved."
                )
            )
        before = assessment.answer_due
        due = answers_due_at(answer_by)
        if before is not None and timezone.localtime(before).date() == answer_by:
            raise ValidationFailed(
                _("The unit's answers are already due by that day."), field="answer_by"
            )
        move(
            assessment,
            "move_answer_due",
            actor=actor,
            to_status=S.EXPLANATION,
            stamps={"answer_due": due},
            note=reason,
            data={"answer_due": [before.isoformat() if before else None, due.isoformat()]},
        )
        notices.announce(assessment)
    return assessment


def adjusted_items(assessment: Assessment) -> list[Score]:
    """The adjusted rows of the sheet, in the sheet's order: what the unit answers."""
    return [
        row
        for row in assessment.scores.filter(appraised_score__isnull=False)
        .select_related("node")
        .order_by("node__order", "node_id")
        if row.adjusted
    ]


def require_answer_open(assessment: Assessment, *, now: dt.datetime | None = None) -> None:
    """The explanation round is open: asked for, not past its answer deadline, and the
    year's results not published (the unit's answers could no longer change them)."""
    if assessment.status != S.EXPLANATION:
        raise TransitionNotAllowed(_("No explanation is being asked of this unit."))
    due = assessment.answer_due
    if due is not None and (now or timezone.now()) > due:
        raise TransitionNotAllowed(
            _(
                "The answers to the adjustments were due by %(when)s: the explanation round "
                "is closed and the chair of the appraisal team finalises the appraisal."
            )
            % {"when": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")}
        )
    if results.published(assessment.template.year, assessment.agency.province_code) is not None:
        raise TransitionNotAllowed(
            _("The year's results are published: the adjustments can no longer be answered.")
        )


def answers_awaited_until(
    assessment: Assessment, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """While the unit may still answer the adjustments (Decision 876/QĐ-BNV workflow: the
    appraisal team adjusts → the unit may answer → the appraisal is closed), the end of its
    answer window: asked for, not answered, its last day (`answer_due`) not past and the
    year's results not published. None once the window is closed or was never opened."""
    if assessment.status != S.EXPLANATION or assessment.answer_due is None:
        return None
    try:
        require_answer_open(assessment, now=now)
    except TransitionNotAllowed:
        return None
    return assessment.answer_due


def require_answers_not_awaited(assessment: Assessment, *, now: dt.datetime | None = None) -> None:
    """Finalising while the unit may still answer would take away the answer it was promised:
    refused until it has answered (or accepted every adjustment) or its last day has passed,
    saying until when."""
    due = answers_awaited_until(assessment, now=now)
    if due is not None:
        raise TransitionNotAllowed(
            _(
                "The unit may answer the adjustments until %(when)s: the appraisal can be "
                "finalised once the unit has answered or after that time."
            )
            % {"when": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")}
        )


def accept_all_adjustments(
    assessment: Assessment,
    *,
    actor: Any,
    confirmed: Iterable[str],
    now: dt.datetime | None = None,
) -> list[str]:
    """The unit's leader accepts, in one action, every adjustment the unit has not answered,
    which answers the explanation round. `confirmed` are the items the leader was shown: if
    they are not exactly the unanswered ones, nothing is accepted (the leader accepts what
    was read, never more). One `accept_adjustment` event per item, the same row as the
    items left unexplained in `respond`, so an item's history says who accepted it and when;
    then the round's `responded` transition naming them all."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        if not is_unit_leader(actor, assessment.agency_id):
            raise NotPermitted(_("Only the unit's leader may accept every adjustment at once."))
        require_answer_open(assessment, now=now)
        rows = [row for row in adjusted_items(assessment) if not row.unit_response]
        codes = [row.node.code for row in rows]
        if not codes:
            raise ValidationFailed(_("There is no unanswered adjustment to accept."))
        if sorted(set(confirmed)) != sorted(codes):
            raise ValidationFailed(
                _(
                    "The adjustments to accept have changed since you confirmed them: "
                    "read them again (now %(count)s: %(items)s)."
                )
                % {"count": len(codes), "items": ", ".join(codes)},
                field="confirmed",
            )
        for row in rows:
            _log_acceptance(assessment, row, actor)
        move(
            assessment,
            "responded",
            actor=actor,
            to_status=S.RESPONDED,
            data={"accepted": codes},
        )
    return codes


def _log_acceptance(assessment: Assessment, row: Score, actor: Any) -> None:
    events.append_event(
        ReformEvent,
        assessment,
        action="accept_adjustment",
        actor=actor,
        node_code=row.node.code,
        data={"from": fmt_score(row.self_score), "to": fmt_score(row.appraised_score)},
    )


def respond(assessment: Assessment, *, actor: Any, answers: Mapping[str, str]) -> Assessment:
    """The unit answers the adjustments (node code → explanation), once."""
    require_actor(actor)
    with transaction.atomic():
        assessment = events.lock(assessment)
        if not is_unit_staff(actor, assessment.agency_id):
            raise NotPermitted(_("Only the unit's own staff may answer the appraisal."))
        require_answer_open(assessment)
        # the unit has one explanation round: an empty answer would use it up for nothing
        adjusted = adjusted_items(assessment)
        asked = [row.node.code for row in adjusted]
        # an objection answers an adjustment: on an item the appraisal accepted as
        # self-scored (or has not appraised) there is nothing to object to
        not_adjusted = sorted(
            code for code, text in answers.items() if (text or "").strip() and code not in asked
        )
        if not_adjusted:
            for code in not_adjusted:
                score_of(assessment, code)  # an unknown code is named as such
            raise ValidationFailed(
                _(
                    "The appraisal did not adjust %(items)s: an explanation answers an "
                    "adjusted score only (adjusted items: %(asked)s)."
                )
                % {"items": ", ".join(not_adjusted), "asked": ", ".join(asked) or "—"},
                field="answers",
            )
        if not any((answers.get(code) or "").strip() for code in asked):
            raise ValidationFailed(
                _("Write the explanation of at least one adjusted item: %(items)s.")
                % {"items": ", ".join(asked)},
                field="answers",
            )
        for code, text in answers.items():
            if not text.strip():
                continue
            row = score_of(assessment, code)
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
        # an adjustment left without an explanation is accepted: said item by item, as
        # `accept_all_adjustments` says it
        for row in adjusted:
            if not (answers.get(row.node.code) or "").strip():
                _log_acceptance(assessment, row, actor)
        move(assessment, "responded", actor=actor, to_status=S.RESPONDED)
    return assessment


def unasked_adjustments(assessment: Assessment) -> list[Score]:
    """The adjusted rows the unit has never been asked to answer, in the sheet's order:
    adjustments made while no explanation round was opened (submitted or being appraised).
    Finalising then closes the appraisal without the unit's answer (Decision 876/QĐ-BNV
    workflow: the unit may answer the adjustments), so the chair confirms it item by item."""
    if assessment.status not in (S.SUBMITTED, S.APPRAISING):
        return []
    return adjusted_items(assessment)


def _unreviewed(assessment: Assessment) -> Any:
    return assessment.scores.filter(appraised_score__isnull=True, self_score__isnull=False).exclude(
        node__method=Method.SURVEY
    )


def unreviewed_items(assessment: Assessment) -> list[Score]:
    """The self-scored rows nobody appraised, in the sheet's order: finalising accepts them
    as self-scored without review, which the chair's confirmation counts and names."""
    return list(_unreviewed(assessment).select_related("node").order_by("node__order", "node__id"))


def finalise(
    assessment: Assessment,
    *,
    actor: Any,
    without_answers: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Assessment:
    """The chair closes the appraisal; items nobody adjusted are accepted as self-scored.
    Not while the unit may still answer the adjustments (`require_answers_not_awaited`).
    With adjustments the unit was never asked to answer (`unasked_adjustments`), only when
    the chair confirms finalising without its answers: `without_answers` must name exactly
    those items (the ones the chair was shown), and the event records them. A round whose
    last day passed without an answer is recorded in the event too."""
    require_actor(actor)
    now = now or timezone.now()
    with transaction.atomic():
        assessment = events.lock(assessment)
        _require_appraiser(assessment, actor, chair=True)
        if assessment.status not in (S.SUBMITTED, S.APPRAISING, S.EXPLANATION, S.RESPONDED):
            raise TransitionNotAllowed(_("This self-assessment cannot be finalised now."))
        require_answers_not_awaited(assessment, now=now)
        unasked = [row.node.code for row in unasked_adjustments(assessment)]
        if unasked and sorted(set(without_answers)) != sorted(unasked):
            raise ValidationFailed(
                _(
                    "The unit has not been asked to answer the adjustments of %(items)s. Ask "
                    "it to explain them, or confirm that you finalise the appraisal without "
                    "its answers."
                )
                % {"items": ", ".join(unasked)},
                field="without_answers",
            )
        # the round was opened and its last day passed without an answer from the unit
        unanswered_due = (
            assessment.answer_due.isoformat()
            if assessment.status == S.EXPLANATION and assessment.answer_due is not None
            else None
        )
        untouched = _unreviewed(assessment)
        accepted = [code for code in untouched.values_list("node__code", flat=True)]
        for row in untouched:
            row.appraised_score = row.self_score
            row.save(update_fields=["appraised_score"])
        move(
            assessment,
            "finalise",
            actor=actor,
            to_status=S.FINAL,
            stamps={"finalised_at": now},
            data={
                "accepted": accepted,
                **({"without_answers": unasked} if unasked else {}),
                **({"unanswered_due": unanswered_due} if unanswered_due else {}),
                **_after_publication(assessment),
            },
        )
    return assessment
