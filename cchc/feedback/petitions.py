"""Handling a petition (phản ánh, kiến nghị) after it arrived: routing, transfer,
questions to the petitioner, answer (and sending it back for correction), publication, merge,
internal notes and votes.

Deadlines (Decree 20/2008/NĐ-CP amended by Decree 92/2017/NĐ-CP, as the 766 index measures
them): reject within `reject_days`, first request for information within
`request_info_days`, answer within `handle_days` working days of receipt or transfer (time
waiting for the petitioner's information is not counted), publish within `publish_days`
working days of answering. All four are parameters of the `petition` rule version in force
on the day of receipt.

The helpers without an underscore (`lock`, `append`, `save`, `check`, ...) are the petition
aggregate's write path, shared with `intake` and `complaints`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Unpack

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import actor_user, is_system, require_actor
from cchc.core.calendar import WorkingCalendar, when
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.models import RuleVersion
from cchc.core.text import fold
from cchc.feedback import common
from cchc.feedback.common import (
    ANSWER_MAX,
    ANSWER_ROLES,
    DESCRIPTION_MAX,
    HANDLER_ROLES,
    PUBLISH_ROLES,
    STAFF_ROLES,
    R,
)
from cchc.feedback.models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Category,
    Petition,
    PetitionEvent,
    PetitionNote,
    PetitionStatus,
    PetitionVote,
    Topic,
)
from cchc.feedback.signals import petition_changed, petition_changing
from cchc.feedback.text import clean_text

S = PetitionStatus


def append(
    petition: Petition,
    *,
    to_status: str,
    from_status: str | None = None,
    **event: Unpack[events.EventArgs],
) -> PetitionEvent:
    """The petition's event through the shared append (cchc.core.events): `event` is its
    action, actor, time, note, data and seq; the caller holds the petition's row lock
    (`lock`), or created the petition (`seq=1`)."""
    return events.append_event(
        PetitionEvent,
        petition,
        from_status=petition.status if from_status is None else from_status,
        to_status=to_status,
        agency=petition.agency,
        **event,
    )


def announce(petition: Petition, action: str) -> None:
    """Call inside the changing transaction: `petition_changing` listeners run now (their
    writes commit with the change), `petition_changed` listeners after the commit."""
    petition_id = petition.pk
    petition_changing.send(sender=Petition, petition_id=petition_id, action=action)
    transaction.on_commit(
        lambda: petition_changed.send(sender=Petition, petition_id=petition_id, action=action)
    )


def lock(petition: Petition) -> Petition:
    """The petition's row, locked until the transaction ends, with its agency and rule."""
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("agency", "rule_version")
        .get(pk=petition.pk)
    )


def save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.search_text = search_text(petition)
    petition.save(update_fields=[*fields, "search_text", "version", "updated_at"])


def search_text(petition: Petition) -> str:
    return fold(" ".join([petition.code, petition.title, petition.description, petition.answer]))


def require_status(petition: Petition, allowed: Iterable[str], action_label: str) -> None:
    if petition.status not in allowed:
        raise TransitionNotAllowed(
            _("Cannot %(action)s: petition %(code)s is '%(status)s'.")
            % {
                "action": action_label,
                "code": petition.code,
                "status": PetitionStatus(petition.status).label,
            }
        )


def _is_province_admin_for(actor: Any, petition: Petition) -> bool:
    return permissions.is_province_admin(actor, petition.province_code)


def check(actor: Any, petition: Petition, roles: set[str], *, province_admin: bool = False) -> None:
    """Staff act only on their own agencies' petitions; inspectors never write. A system
    actor (the importer, a job: cchc.core.actors) passes explicitly; None is refused."""
    if is_system(require_actor(actor)):
        return
    if permissions.is_inspector(actor):
        raise NotPermitted(_("Inspectors have read-only access."))
    if petition.agency_id and permissions.has_role(actor, petition.agency_id, roles):
        return
    if province_admin and _is_province_admin_for(actor, petition):
        return
    raise NotPermitted(
        _("You are not allowed to do this on petition %(code)s.") % {"code": petition.code}
    )


def can(actor: Any, action: str, petition: Petition) -> bool:
    """For templates: would `action` be permitted (ignoring the status)?"""
    roles, province_admin = ACTION_ROLES[action]
    if not getattr(actor, "is_authenticated", False):  # visitors and system actors: no
        return False
    try:
        check(actor, petition, roles, province_admin=province_admin)
    except NotPermitted:
        return False
    return True


ACTION_ROLES: dict[str, tuple[set[str], bool]] = {
    "confirm": (HANDLER_ROLES, True),
    "assign": ({R.LEADER}, False),
    "reject": (HANDLER_ROLES, True),
    "request_info": (HANDLER_ROLES, False),
    "receive_info": (HANDLER_ROLES, False),
    "transfer": (HANDLER_ROLES, True),
    "answer": (ANSWER_ROLES, False),
    "publish": (PUBLISH_ROLES, False),
    # whoever may publish an answer may send it back instead of publishing it
    "return_answer": (PUBLISH_ROLES, False),
    "merge": (HANDLER_ROLES, True),
    "note": (STAFF_ROLES, True),
    "reclassify": (HANDLER_ROLES, True),
}


def lock_for(petition: Petition, action: str, actor: Any) -> Petition:
    """The petition's row locked (`lock`), once the actor is allowed `action` on it: the
    roles, and whether a province administrator may too, as ACTION_ROLES says."""
    petition = lock(petition)
    roles, province_admin = ACTION_ROLES[action]
    check(actor, petition, roles, province_admin=province_admin)
    return petition


def deadlines(
    cal: WorkingCalendar, rule: RuleVersion, start: dt.datetime
) -> dict[str, dt.datetime]:
    return {
        "reject_due_at": common.due(cal, start, common.param(rule, "reject_days")),
        "info_request_due_at": common.due(cal, start, common.param(rule, "request_info_days")),
        "handle_due_at": common.due(cal, start, common.param(rule, "handle_days")),
    }


def unpause(petition: Petition, now: dt.datetime) -> None:
    """End a pause for the petitioner's information: the due date moves by the working time
    spent waiting."""
    if petition.paused_since is None:
        return
    cal = common.calendar(petition.province_code, petition.rule_version)
    paused = int(cal.working_seconds_between(petition.paused_since, now))
    petition.paused_seconds += paused
    if petition.handle_due_at is not None and paused:
        petition.handle_due_at = cal.add_working_seconds(petition.handle_due_at, paused)
    petition.paused_since = None


def _check_assignee(assignee: Any, agency_id: int | None) -> None:
    """The assignee answers the petition: a specialist or leader of its agency. A clerk, or
    someone of another agency, would hold a petition they cannot answer."""
    if not permissions.has_role(assignee, agency_id, ANSWER_ROLES):
        raise ValidationFailed(
            _(
                "Choose a specialist or leader of the responsible agency: only they can "
                "answer the petition."
            ),
            field="assignee",
        )


@transaction.atomic
def confirm_routing(
    petition: Petition,
    *,
    actor: Any,
    category: str,
    agency: Agency,
    topic: Topic | None = None,
    assignee: Any = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Petition:
    """Receiving staff confirm the classification and the responsible agency. Naming another
    agency is a transfer: the handling clock starts again there (`transfer`)."""
    petition = lock_for(petition, "confirm", actor)
    require_status(petition, [S.RECEIVED], _("confirm the classification"))
    if topic is not None:
        category = topic.category
    if category not in Category.values:
        raise ValidationFailed(_("Choose a category."), field="category")
    now = when(at)
    changed_category = petition.category != category
    petition.category = category
    petition.topic = topic or (
        petition.topic if petition.topic and petition.topic.category == category else None
    )
    if petition.agency_id != agency.pk:
        save(petition, "category", "topic")
        return _transfer_locked(
            petition,
            actor=actor,
            to_agency=agency,
            reason=note or _("routed to the responsible agency"),
            at=now,
        )
    if assignee is not None:
        _check_assignee(assignee, agency.pk)
    event = append(
        petition,
        action="confirm",
        to_status=S.PROCESSING,
        actor=actor,
        at=now,
        note=clean_text(note),
        data={
            "category": category,
            "category_changed": changed_category,
            "assignee": getattr(assignee, "username", None),
        },
    )
    petition.status = S.PROCESSING
    petition.routing_confirmed_at = now
    petition.routing_confirmed_by = event.actor
    if assignee is not None:
        petition.assignee = assignee
    save(
        petition,
        "category",
        "topic",
        "status",
        "routing_confirmed_at",
        "routing_confirmed_by",
        "assignee",
    )
    announce(petition, "confirm")
    return petition


@transaction.atomic
def assign(
    petition: Petition, *, actor: Any, assignee: Any, at: dt.datetime | None = None
) -> Petition:
    petition = lock_for(petition, "assign", actor)
    require_status(petition, OPEN_STATUSES, _("assign"))
    _check_assignee(assignee, petition.agency_id)
    append(
        petition,
        action="assign",
        to_status=petition.status,
        actor=actor,
        at=when(at),
        data={"assignee": assignee.username},
    )
    petition.assignee = assignee
    save(petition, "assignee")
    announce(petition, "assign")
    return petition


def _transfer_locked(
    petition: Petition, *, actor: Any, to_agency: Agency, reason: str, at: dt.datetime
) -> Petition:
    if not to_agency.is_valid_on(common.local_date(at)):
        raise ValidationFailed(
            _("%(agency)s no longer exists.") % {"agency": to_agency}, field="agency"
        )
    from_agency = petition.agency
    if petition.paused_since is not None:
        unpause(petition, at)
    cal = common.calendar(to_agency.province_code, petition.rule_version)
    append(
        petition,
        action="transfer",
        to_status=S.RECEIVED,
        actor=actor,
        at=at,
        note=reason,
        data={"from": from_agency.code if from_agency else None, "to": to_agency.code},
    )
    petition.agency = to_agency
    petition.province_code = to_agency.province_code
    petition.status = S.RECEIVED
    petition.routing_confirmed_at = None
    petition.routing_confirmed_by = None
    petition.assignee = None
    # "15 working days from receipt or transfer" (766 index): the clock restarts here.
    petition.clock_started_at = at
    petition.paused_seconds = 0
    for name, value in deadlines(cal, petition.rule_version, at).items():
        setattr(petition, name, value)
    save(
        petition,
        "agency",
        "province_code",
        "status",
        "routing_confirmed_at",
        "routing_confirmed_by",
        "assignee",
        "clock_started_at",
        "paused_seconds",
        "paused_since",
        "reject_due_at",
        "info_request_due_at",
        "handle_due_at",
    )
    announce(petition, "transfer")
    return petition


@transaction.atomic
def transfer(
    petition: Petition, *, actor: Any, to_agency: Agency, reason: str, at: dt.datetime | None = None
) -> Petition:
    """Send the petition to the agency competent for it; the answer is due 15 working days
    from the transfer."""
    petition = lock_for(petition, "transfer", actor)
    require_status(petition, OPEN_STATUSES, _("transfer"))
    if petition.agency_id == to_agency.pk:
        raise ValidationFailed(
            _("The petition is already with %(agency)s.") % {"agency": to_agency}, field="agency"
        )
    reason = common.required_text(reason, _("reason for the transfer"), 2000, field="reason")
    return _transfer_locked(petition, actor=actor, to_agency=to_agency, reason=reason, at=when(at))


@transaction.atomic
def reject(
    petition: Petition, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Petition:
    """Refuse to handle (outside Decree 20/2008's scope, anonymous, abusive...). Due within
    `reject_days` working days of receipt."""
    petition = lock_for(petition, "reject", actor)
    require_status(petition, OPEN_STATUSES, _("reject"))
    reason = common.required_text(reason, _("reason for the rejection"), 2000, field="reason")
    now = when(at)
    if petition.paused_since is not None:
        unpause(petition, now)
    append(
        petition,
        action="reject",
        to_status=S.REJECTED,
        actor=actor,
        at=now,
        note=reason,
        data={"late": bool(petition.reject_due_at and now > petition.reject_due_at)},
    )
    petition.status = S.REJECTED
    petition.reject_reason = reason
    petition.handled_at = now
    save(
        petition,
        "status",
        "reject_reason",
        "handled_at",
        "paused_since",
        "paused_seconds",
        "handle_due_at",
    )
    announce(petition, "reject")
    return petition


@transaction.atomic
def request_info(
    petition: Petition, *, actor: Any, question: str, at: dt.datetime | None = None
) -> Petition:
    """Ask the petitioner for more information; the handling clock is paused until it
    arrives (the first request is due within `request_info_days`)."""
    petition = lock_for(petition, "request_info", actor)
    require_status(petition, CLOCK_STATUSES, _("request information"))
    question = common.required_text(
        question, _("question to the petitioner"), 2000, field="question"
    )
    now = when(at)
    first = petition.info_requested_at is None
    append(
        petition,
        action="request_info",
        to_status=S.NEED_INFO,
        actor=actor,
        at=now,
        note=question,
        data={
            "first": first,
            "late": bool(
                first and petition.info_request_due_at and now > petition.info_request_due_at
            ),
            "resume_status": petition.status,
        },
    )
    if first:
        petition.info_requested_at = now
    petition.status = S.NEED_INFO
    petition.paused_since = now
    save(petition, "status", "info_requested_at", "paused_since")
    announce(petition, "request_info")
    return petition


@transaction.atomic
def receive_info(
    petition: Petition, *, actor: Any, info: str, at: dt.datetime | None = None
) -> Petition:
    """Record the petitioner's additional information; the clock runs again and the due date
    moves by the working time spent waiting."""
    petition = lock_for(petition, "receive_info", actor)
    require_status(petition, [S.NEED_INFO], _("record the information"))
    info = common.required_text(info, _("information received"), DESCRIPTION_MAX, field="info")
    return resume_with_info(petition, actor=actor, info=info, now=when(at))


def resume_with_info(
    petition: Petition,
    *,
    actor: Any,
    info: str,
    now: dt.datetime,
    data: dict[str, Any] | None = None,
) -> Petition:
    """The information asked for has arrived (recorded by staff after a call, or sent by the
    petitioner online, `replies`): the clock runs again and the due date moves by the working
    time spent waiting. The caller holds the lock, checked the status and cleaned `info`."""
    resume = S.PROCESSING if petition.routing_confirmed_at else S.RECEIVED
    unpause(petition, now)
    append(
        petition,
        action="receive_info",
        to_status=resume,
        actor=actor,
        at=now,
        note=info,
        data={"paused_seconds_total": petition.paused_seconds, **(data or {})},
    )
    petition.status = resume
    petition.description = f"{petition.description}\n\n[{_('Additional information')}] {info}"[
        : DESCRIPTION_MAX * 2
    ]
    save(petition, "status", "paused_since", "paused_seconds", "handle_due_at", "description")
    announce(petition, "receive_info")
    return petition


@transaction.atomic
def answer(petition: Petition, *, actor: Any, text: str, at: dt.datetime | None = None) -> Petition:
    """Answer the petition (handled). Publication is due within `publish_days` working days."""
    petition = lock_for(petition, "answer", actor)
    if petition.status == S.RECEIVED:
        raise TransitionNotAllowed(
            _("Confirm the classification and the responsible agency first.")
        )
    require_status(petition, [S.PROCESSING], _("answer"))
    text = common.required_text(text, _("answer"), ANSWER_MAX, field="answer")
    now = when(at)
    cal = common.calendar(petition.province_code, petition.rule_version)
    append(
        petition,
        action="answer",
        to_status=S.ANSWERED,
        actor=actor,
        at=now,
        note=text,
        data={"on_time": bool(petition.handle_due_at is None or now <= petition.handle_due_at)},
    )
    petition.status = S.ANSWERED
    petition.answer = text
    petition.answered_by = actor_user(actor)
    petition.handled_at = now
    petition.publish_due_at = common.due(
        cal, now, common.param(petition.rule_version, "publish_days")
    )
    save(petition, "status", "answer", "answered_by", "handled_at", "publish_due_at")
    announce(petition, "answer")
    return petition


@transaction.atomic
def publish(petition: Petition, *, actor: Any, at: dt.datetime | None = None) -> Petition:
    """Publish the answer on the public page (leader's approval); personal data is never
    shown there."""
    petition = lock_for(petition, "publish", actor)
    require_status(petition, [S.ANSWERED], _("publish"))
    now = when(at)
    append(
        petition,
        action="publish",
        to_status=S.PUBLISHED,
        actor=actor,
        at=now,
        data={"on_time": bool(petition.publish_due_at is None or now <= petition.publish_due_at)},
    )
    petition.status = S.PUBLISHED
    petition.published_at = now
    save(petition, "status", "published_at")
    announce(petition, "publish")
    return petition


@transaction.atomic
def return_answer(
    petition: Petition, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Petition:
    """The leader sends the answer back for correction instead of publishing it (trả lại để
    sửa câu trả lời): the petition is handled again by its assignee, who edits the answer
    (kept as the draft) and answers again. The petition is no longer handled, so the handling
    and publication times are cleared; the answer stays due by the handling deadline."""
    petition = lock_for(petition, "return_answer", actor)
    require_status(petition, [S.ANSWERED], _("send the answer back"))
    reason = common.required_text(
        reason, _("reason for sending the answer back"), 2000, field="reason"
    )
    now = when(at)
    append(
        petition,
        action="return_answer",
        to_status=S.PROCESSING,
        actor=actor,
        at=now,
        note=reason,
        data={
            "answered_by": getattr(petition.answered_by, "username", None),
            "assignee": getattr(petition.assignee, "username", None),
        },
    )
    petition.status = S.PROCESSING
    petition.handled_at = None
    petition.publish_due_at = None
    save(petition, "status", "handled_at", "publish_due_at")
    announce(petition, "return_answer")
    return petition


@transaction.atomic
def merge(
    petition: Petition, *, actor: Any, into: Petition, at: dt.datetime | None = None
) -> Petition:
    """Close a repeat petition into the first one; the petitioner follows the first one."""
    petition = lock_for(petition, "merge", actor)
    require_status(petition, OPEN_STATUSES, _("merge"))
    into = events.lock(into)  # its log is appended to as well: its sequence under its lock
    if into.pk == petition.pk:
        raise ValidationFailed(_("A petition cannot be merged into itself."), field="into")
    if into.status in (S.MERGED, S.TRANSFERRED, S.REJECTED):
        raise ValidationFailed(
            _("Petition %(code)s is closed; merge into the petition it was merged into.")
            % {"code": into.code},
            field="into",
        )
    now = when(at)
    if petition.paused_since is not None:
        unpause(petition, now)
    append(
        petition, action="merge", to_status=S.MERGED, actor=actor, at=now, data={"into": into.code}
    )
    petition.status = S.MERGED
    petition.duplicate_of = into
    petition.related_to = into
    save(
        petition,
        "status",
        "duplicate_of",
        "related_to",
        "paused_since",
        "paused_seconds",
        "handle_due_at",
    )
    append(
        into,
        action="merged_repeat",
        to_status=into.status,
        actor=actor,
        at=now,
        data={"repeat": petition.code},
    )
    announce(petition, "merge")
    return petition


@transaction.atomic
def add_note(petition: Petition, *, actor: Any, text: str) -> PetitionNote:
    """An internal note between staff (never shown to the public)."""
    petition = lock_for(petition, "note", actor)
    if is_system(actor):
        raise NotPermitted(_("Internal notes are written by staff."))
    text = common.required_text(text, _("note"), 5000, field="text")
    note = PetitionNote.objects.create(petition=petition, author=actor, text=text)
    append(
        petition,
        action="note",
        to_status=petition.status,
        actor=actor,
        at=timezone.now(),
        data={"note_id": note.pk},
    )
    return note


@transaction.atomic
def vote(petition: Petition, *, voter_key: str, value: int, user: Any = None) -> Petition:
    """Like or dislike a published answer: one vote per account or browser session (a second
    vote replaces the first). More dislikes than likes = unsatisfied (766 index)."""
    if value not in (PetitionVote.Value.LIKE, PetitionVote.Value.DISLIKE):
        raise ValidationFailed(_("Unknown vote."))
    if not voter_key:
        raise ValidationFailed(_("Your browser must accept cookies to vote."))
    petition = lock(petition)
    if petition.status != S.PUBLISHED:
        raise TransitionNotAllowed(_("Only published answers can be rated."))
    is_petitioner = bool(
        user is not None and getattr(user, "pk", None) and user.pk == petition.petitioner_id
    )
    existing = (
        PetitionVote.objects.select_for_update()
        .filter(petition=petition, voter_key=voter_key)
        .first()
    )
    likes = dislikes = 0
    if existing is None:
        PetitionVote.objects.create(
            petition=petition, voter_key=voter_key, value=value, is_petitioner=is_petitioner
        )
    elif existing.value == value:
        return petition  # same vote again: nothing changes
    else:
        if existing.value == PetitionVote.Value.LIKE:
            likes -= 1
        else:
            dislikes -= 1
        existing.value = value
        existing.save(update_fields=["value", "updated_at"])
    if value == PetitionVote.Value.LIKE:
        likes += 1
    else:
        dislikes += 1
    Petition.objects.filter(pk=petition.pk).update(
        likes=F("likes") + likes, dislikes=F("dislikes") + dislikes
    )
    petition.refresh_from_db(fields=["likes", "dislikes"])
    announce(petition, "vote")
    return petition
