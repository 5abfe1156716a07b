"""Every action on petitions, complaints and the reception schedule.

Views, the Open311 API, the bundle importer and commands call these. Each action checks
permission and the transition → locks the row → appends the event naming the actor →
updates the denormalised state → after commit, announces the change (`petition_changed`).

Deadlines (Decree 20/2008/NĐ-CP amended by Decree 92/2017/NĐ-CP, as the 766 index measures
them): reject within `reject_days`, first request for information within
`request_info_days`, answer within `handle_days` working days of receipt or transfer (time
waiting for the petitioner's information is not counted), publish within `publish_days`
working days of answering. All four are parameters of the `petition` rule version in force
on the day of receipt.
"""

from __future__ import annotations

import datetime as dt
import difflib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.agencies.models import Agency
from cchc.core import rowsql
from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.models import RuleVersion
from cchc.core.text import fold
from cchc.dossiers.services import calendar_for
from cchc.feedback.models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintKind,
    ComplaintStatus,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    PetitionEvent,
    PetitionNote,
    PetitionStatus,
    PetitionVote,
    ReceptionSlot,
    Topic,
)
from cchc.feedback.signals import petition_changed
from cchc.feedback.text import clean_text

S = PetitionStatus
R = Membership.Role
PETITION_RULE = "petition"
COMPLAINT_RULE = "complaint"

# Size caps for what the public sends (also enforced by the forms and the Open311 API).
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
ANSWER_MAX = 20000
MAX_ATTACHMENTS = 3
ALLOWED_ATTACHMENTS = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}
# Near-identical texts (difflib ratio of the folded title + content) are flagged as repeats.
DUPLICATE_RATIO = 0.9
DUPLICATE_WINDOW_DAYS = 90

STAFF_ROLES = {R.CLERK, R.SPECIALIST, R.LEADER, R.AGENCY_ADMIN}
HANDLER_ROLES = {R.CLERK, R.SPECIALIST, R.LEADER}
ANSWER_ROLES = {R.SPECIALIST, R.LEADER}
PUBLISH_ROLES = {R.LEADER}


# -- rules, calendar, codes -------------------------------------------------------------------
def rule_in_force(key: str, on: dt.date) -> RuleVersion:
    try:
        return RuleVersion.objects.in_force(key, on)
    except RuleVersion.DoesNotExist as exc:
        raise ValidationFailed(
            _("No '%(key)s' rule version is in force on %(day)s.") % {"key": key, "day": on}
        ) from exc


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


def _calendar(province_code: str, rule: RuleVersion) -> WorkingCalendar:
    return calendar_for(province_code, rule)


def _due(cal: WorkingCalendar, start: dt.datetime, days: Any) -> dt.datetime:
    return cal.due(start, days, "working_day").due_at


def _param(rule: RuleVersion, name: str) -> Any:
    value = rule.param(name)
    if value is None:
        raise ValidationFailed(
            _("Rule version %(rule)s lacks the parameter '%(name)s'.")
            % {"rule": rule, "name": name}
        )
    return value


def _next_code(prefix: str, year: int, model: type) -> str:
    """Issue the next `PREFIX-YYYY-NNNNNN` with one atomic upsert (unique under concurrency);
    codes taken by imported records are skipped."""
    table = "feedback_codecounter"
    while True:
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1) "  # noqa: S608 - constant table
                f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [prefix, year],
            )
            seq = cur.fetchone()[0]
        code = f"{prefix}-{year}-{seq:06d}"
        if not model.objects.filter(code=code).exists():
            return code


def _when(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationFailed(_("Times must include a time zone."))
    return at


def _actor_label(actor: Any) -> str:
    if actor is None:
        return _("System")
    return getattr(actor, "display_name", None) or str(actor)


def _append(
    petition: Petition,
    *,
    action: str,
    to_status: str,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str | None = None,
) -> PetitionEvent:
    last = (
        PetitionEvent.objects.filter(petition=petition)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
        or 0
    )
    return PetitionEvent.objects.create(
        petition=petition,
        seq=last + 1,
        at=at,
        action=action,
        from_status=petition.status if from_status is None else from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        agency=petition.agency,
        note=note,
        data=data or {},
    )


def _announce(petition: Petition, action: str) -> None:
    petition_id = petition.pk
    transaction.on_commit(
        lambda: petition_changed.send(sender=Petition, petition_id=petition_id, action=action)
    )


def _lock(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("agency", "rule_version")
        .get(pk=petition.pk)
    )


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.search_text = _search_text(petition)
    petition.save(update_fields=[*fields, "search_text", "version", "updated_at"])


def _search_text(petition: Petition) -> str:
    return fold(" ".join([petition.code, petition.title, petition.description, petition.answer]))


def _require_status(petition: Petition, allowed: Iterable[str], action_label: str) -> None:
    if petition.status not in allowed:
        raise TransitionNotAllowed(
            _("Cannot %(action)s: petition %(code)s is '%(status)s'.")
            % {
                "action": action_label,
                "code": petition.code,
                "status": PetitionStatus(petition.status).label,
            }
        )


def _text(
    value: str | None, what: str, limit: int, *, multiline: bool = True, field: str = ""
) -> str:
    text = clean_text(value, multiline=multiline)
    if not text:
        raise ValidationFailed(_("Please give the %(what)s.") % {"what": what}, field=field or None)
    if len(text) > limit:
        raise ValidationFailed(
            _("The %(what)s is too long (%(n)s characters, at most %(max)s).")
            % {"what": what, "n": len(text), "max": limit},
            field=field or None,
        )
    return text


# -- permissions -------------------------------------------------------------------------------
def _is_province_admin_for(actor: Any, petition: Petition) -> bool:
    return permissions.is_province_admin(actor, petition.province_code)


def _check(
    actor: Any, petition: Petition, roles: set[str], *, province_admin: bool = False
) -> None:
    """Staff act only on their own agencies' petitions; inspectors never write."""
    if actor is None:
        return  # the system: importer, management commands
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
    if actor is None or not actor.is_authenticated:
        return False
    try:
        _check(actor, petition, roles, province_admin=province_admin)
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
    "merge": (HANDLER_ROLES, True),
    "note": (STAFF_ROLES, True),
    "reclassify": (HANDLER_ROLES, True),
}


# -- intake --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Petitioner:
    name: str
    phone: str = ""
    email: str = ""
    user: Any = None


def default_intake_agency(province_code: str) -> Agency | None:
    """Where a petition naming no agency lands: the province's Public Administration
    Service Centre (its PAKN desk), if there is one."""
    return (
        Agency.objects.current()
        .in_province(province_code)
        .filter(level="PROVINCE_CENTRE")
        .order_by("code")
        .first()
    )


def suggest_agency(
    *, category: str, dossier: Any = None, chosen: Agency | None = None, province_code: str = ""
) -> Agency | None:
    """The suggested responsible agency: for a petition about a dossier, the agency competent
    for it (the one whose handling is criticised); otherwise the agency the petitioner named;
    otherwise the province's PAKN desk. Receiving staff confirm or change it."""
    if dossier is not None and category in (Category.TTHC, Category.CANBO):
        return dossier.competent_agency
    if chosen is not None:
        return chosen
    if dossier is not None:
        return dossier.competent_agency
    return default_intake_agency(province_code)


def find_dossier(code: str) -> Any:
    from cchc.dossiers.models import Dossier

    return (
        Dossier.objects.select_related("competent_agency").filter(code=code.strip()).first()
        if code
        else None
    )


def find_duplicates(
    *,
    title: str,
    description: str,
    phone: str = "",
    email: str = "",
    user: Any = None,
    dossier: Any = None,
    agency: Agency | None = None,
    exclude_pk: int | None = None,
    now: dt.datetime | None = None,
) -> list[tuple[Petition, str]]:
    """Earlier petitions this one probably repeats: same person about the same dossier, or a
    near-identical text (difflib ratio ≥ DUPLICATE_RATIO) in the last 90 days."""
    now = now or timezone.now()
    recent = Petition.objects.filter(
        received_at__gte=now - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    ).exclude(status__in=[S.MERGED, S.TRANSFERRED])
    if exclude_pk:
        recent = recent.exclude(pk=exclude_pk)
    found: dict[int, tuple[Petition, str]] = {}
    if dossier is not None:
        same_person = recent.none()
        if user is not None and getattr(user, "pk", None):
            same_person |= recent.filter(petitioner=user)
        if phone:
            same_person |= recent.filter(petitioner_phone=phone)
        if email:
            same_person |= recent.filter(petitioner_email__iexact=email)
        for p in same_person.filter(dossier=dossier).order_by("received_at")[:5]:
            found[p.pk] = (p, _("same petitioner and same dossier"))
    text = fold(f"{title} {description}")
    pool = recent.filter(agency=agency) if agency is not None else recent
    for p in pool.order_by("-received_at").only(
        "pk", "code", "title", "description", "received_at"
    )[:300]:
        if p.pk in found:
            continue
        other = fold(f"{p.title} {p.description}")
        matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
        if (
            matcher.real_quick_ratio() >= DUPLICATE_RATIO
            and matcher.quick_ratio() >= DUPLICATE_RATIO
            and matcher.ratio() >= DUPLICATE_RATIO
        ):
            found[p.pk] = (p, _("near-identical text"))
    return sorted(found.values(), key=lambda pair: pair[0].received_at)


def _validate_attachments(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("At most %(n)s attachments are accepted.") % {"n": MAX_ATTACHMENTS},
            field="attachments",
        )
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    for f in files:
        ext = Path(f.name or "").suffix.lower()
        if ext not in ALLOWED_ATTACHMENTS:
            raise ValidationFailed(
                _("%(name)s: only PDF, JPG, PNG and DOCX files are accepted.") % {"name": f.name},
                field="attachments",
            )
        if f.size > limit:
            raise ValidationFailed(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": f.name, "mb": settings.MAX_UPLOAD_MB},
                field="attachments",
            )
        f.seek(0)
        head = f.read(8)
        f.seek(0)
        if not head.startswith(ALLOWED_ATTACHMENTS[ext][1]):
            raise ValidationFailed(
                _("%(name)s is not a real %(ext)s file.")
                % {"name": f.name, "ext": ext[1:].upper()},
                field="attachments",
            )
    return files


def _coordinate(value: Any, low: int, high: int, what: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationFailed(
            _("The %(what)s must be a number.") % {"what": what}, field=what
        ) from exc
    if not number.is_finite() or not (low <= number <= high):
        raise ValidationFailed(_("The %(what)s is out of range.") % {"what": what}, field=what)
    return number.quantize(Decimal("0.000001"))


def _deadlines(
    cal: WorkingCalendar, rule: RuleVersion, start: dt.datetime
) -> dict[str, dt.datetime]:
    return {
        "reject_due_at": _due(cal, start, _param(rule, "reject_days")),
        "info_request_due_at": _due(cal, start, _param(rule, "request_info_days")),
        "handle_due_at": _due(cal, start, _param(rule, "handle_days")),
    }


@transaction.atomic
def file_petition(
    *,
    channel: str,
    category: str,
    title: str,
    description: str,
    petitioner: Petitioner,
    actor: Any = None,
    topic: Topic | None = None,
    agency: Agency | None = None,
    receiving_agency: Agency | None = None,
    dossier_code: str = "",
    lat: Any = None,
    long: Any = None,
    address: str = "",
    attachments: Iterable[UploadedFile] = (),
    attribute_values: dict[str, Any] | None = None,
    media_url: str = "",
    at: dt.datetime | None = None,
) -> Petition:
    """Record a petition from any channel (web, Open311, hotline, counter, mail).

    Hotline, counter and mail petitions are logged by staff of `receiving_agency`. The
    petition gets a code, its classification and a suggested responsible agency, which
    receiving staff then confirm (`confirm_routing`).
    """
    now = _when(at)
    if channel not in PetitionChannel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    if channel in (PetitionChannel.HOTLINE, PetitionChannel.COUNTER, PetitionChannel.MAIL):
        if receiving_agency is None:
            raise ValidationFailed(
                _("Choose the agency that logs this petition."), field="receiving_agency"
            )
        if actor is not None and (
            permissions.is_inspector(actor)
            or not permissions.has_role(actor, receiving_agency.pk, HANDLER_ROLES)
        ):
            raise NotPermitted(_("You may only log petitions for your own agency."))
    if topic is not None:
        category = topic.category
    if category not in Category.values:
        raise ValidationFailed(_("Choose a category."), field="category")
    title = _text(title, _("title"), TITLE_MAX, multiline=False, field="title")
    description = _text(description, _("content"), DESCRIPTION_MAX, field="description")
    name = _text(
        petitioner.name, _("petitioner's name"), 200, multiline=False, field="petitioner_name"
    )
    phone = clean_text(petitioner.phone, multiline=False)
    email = clean_text(petitioner.email, multiline=False)
    if len(phone) > 20 or (phone and not all(c.isdigit() or c in "+ .-()" for c in phone)):
        raise ValidationFailed(_("Enter a valid phone number."), field="petitioner_phone")
    if email:
        try:
            EmailValidator()(email)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Enter a valid e-mail address."), field="petitioner_email"
            ) from exc
    # Open311 (GeoReport v2) allows anonymous reports: answered in public only.
    if channel == PetitionChannel.WEB and not (phone or email):
        raise ValidationFailed(
            _("Give a phone number or an e-mail address so the answer can reach you."),
            field="petitioner_phone",
        )
    lat_value = _coordinate(lat, -90, 90, "lat")
    long_value = _coordinate(long, -180, 180, "long")
    if (lat_value is None) != (long_value is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), field="lat")
    dossier_code = clean_text(dossier_code, multiline=False)
    dossier = None
    if dossier_code:
        dossier = find_dossier(dossier_code)
        if dossier is None:
            raise ValidationFailed(
                _("No dossier has the code %(code)s.") % {"code": dossier_code},
                field="dossier_code",
            )
    files = _validate_attachments(attachments)

    province = (
        (receiving_agency or agency).province_code
        if (receiving_agency or agency)
        else settings.CCHC_PROVINCE_CODE
    )
    suggested = suggest_agency(
        category=category, dossier=dossier, chosen=agency, province_code=province
    )
    if suggested is not None:
        province = suggested.province_code
    rule = rule_in_force(PETITION_RULE, _local_date(now))
    cal = _calendar(province, rule)
    duplicates = find_duplicates(
        title=title,
        description=description,
        phone=phone,
        email=email,
        user=petitioner.user,
        dossier=dossier,
        agency=suggested,
        now=now,
    )
    user = petitioner.user if getattr(petitioner.user, "pk", None) else None
    petition = Petition(
        code=_next_code("PA", _local_date(now).year, Petition),
        token=secrets.token_urlsafe(18),
        province_code=province,
        agency=suggested,
        suggested_agency=suggested,
        receiving_agency=receiving_agency,
        category=category,
        topic=topic,
        channel=channel,
        title=title,
        description=description,
        attribute_values=attribute_values or {},
        petitioner=user,
        petitioner_name=name,
        petitioner_phone=phone,
        petitioner_email=email,
        dossier=dossier,
        dossier_code=dossier.code if dossier else "",
        lat=lat_value,
        long=long_value,
        address=clean_text(address, multiline=False)[:300],
        media_url=media_url,
        status=S.RECEIVED,
        rule_version=rule,
        received_at=now,
        clock_started_at=now,
        related_to=duplicates[0][0] if duplicates else None,
        **_deadlines(cal, rule, now),
    )
    petition.search_text = _search_text(petition)
    petition.save()
    for f in files:
        ext = Path(f.name).suffix.lower()
        PetitionAttachment.objects.create(
            petition=petition,
            file=f,
            original_name=Path(f.name).name[:200],
            content_type=ALLOWED_ATTACHMENTS[ext][0],
            size=f.size,
        )
    data: dict[str, Any] = {
        "channel": channel,
        "suggested_agency": suggested.code if suggested else None,
    }
    if duplicates:
        data["possible_repeat_of"] = [{"code": p.code, "why": why} for p, why in duplicates]
    _append(
        petition,
        action="file",
        to_status=S.RECEIVED,
        actor=actor,
        at=now,
        from_status="",
        data=data,
    )
    _announce(petition, "file")
    return petition


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
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["confirm"][0], province_admin=True)
    _require_status(petition, [S.RECEIVED], _("confirm the classification"))
    if topic is not None:
        category = topic.category
    if category not in Category.values:
        raise ValidationFailed(_("Choose a category."), field="category")
    now = _when(at)
    changed_category = petition.category != category
    petition.category = category
    petition.topic = topic or (
        petition.topic if petition.topic and petition.topic.category == category else None
    )
    if petition.agency_id != agency.pk:
        _save(petition, "category", "topic")
        return _transfer_locked(
            petition,
            actor=actor,
            to_agency=agency,
            reason=note or _("routed to the responsible agency"),
            at=now,
        )
    if assignee is not None and not permissions.has_role(assignee, agency.pk, HANDLER_ROLES):
        raise ValidationFailed(
            _("The assignee must work in the responsible agency."), field="assignee"
        )
    event = _append(
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
    _save(
        petition,
        "category",
        "topic",
        "status",
        "routing_confirmed_at",
        "routing_confirmed_by",
        "assignee",
    )
    _announce(petition, "confirm")
    return petition


@transaction.atomic
def assign(
    petition: Petition, *, actor: Any, assignee: Any, at: dt.datetime | None = None
) -> Petition:
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["assign"][0])
    _require_status(petition, OPEN_STATUSES, _("assign"))
    if not permissions.has_role(assignee, petition.agency_id, HANDLER_ROLES):
        raise ValidationFailed(
            _("The assignee must work in the responsible agency."), field="assignee"
        )
    _append(
        petition,
        action="assign",
        to_status=petition.status,
        actor=actor,
        at=_when(at),
        data={"assignee": assignee.username},
    )
    petition.assignee = assignee
    _save(petition, "assignee")
    _announce(petition, "assign")
    return petition


def _transfer_locked(
    petition: Petition, *, actor: Any, to_agency: Agency, reason: str, at: dt.datetime
) -> Petition:
    if not to_agency.is_valid_on(_local_date(at)):
        raise ValidationFailed(
            _("%(agency)s no longer exists.") % {"agency": to_agency}, field="agency"
        )
    from_agency = petition.agency
    if petition.paused_since is not None:
        _unpause(petition, at)
    cal = _calendar(to_agency.province_code, petition.rule_version)
    _append(
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
    for name, value in _deadlines(cal, petition.rule_version, at).items():
        setattr(petition, name, value)
    _save(
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
    _announce(petition, "transfer")
    return petition


@transaction.atomic
def transfer(
    petition: Petition, *, actor: Any, to_agency: Agency, reason: str, at: dt.datetime | None = None
) -> Petition:
    """Send the petition to the agency competent for it; the answer is due 15 working days
    from the transfer."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["transfer"][0], province_admin=True)
    _require_status(petition, OPEN_STATUSES, _("transfer"))
    if petition.agency_id == to_agency.pk:
        raise ValidationFailed(
            _("The petition is already with %(agency)s.") % {"agency": to_agency}, field="agency"
        )
    reason = _text(reason, _("reason for the transfer"), 2000, field="reason")
    return _transfer_locked(petition, actor=actor, to_agency=to_agency, reason=reason, at=_when(at))


@transaction.atomic
def reject(
    petition: Petition, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Petition:
    """Refuse to handle (outside Decree 20/2008's scope, anonymous, abusive...). Due within
    `reject_days` working days of receipt."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["reject"][0], province_admin=True)
    _require_status(petition, OPEN_STATUSES, _("reject"))
    reason = _text(reason, _("reason for the rejection"), 2000, field="reason")
    now = _when(at)
    if petition.paused_since is not None:
        _unpause(petition, now)
    _append(
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
    _save(
        petition,
        "status",
        "reject_reason",
        "handled_at",
        "paused_since",
        "paused_seconds",
        "handle_due_at",
    )
    _announce(petition, "reject")
    return petition


@transaction.atomic
def request_info(
    petition: Petition, *, actor: Any, question: str, at: dt.datetime | None = None
) -> Petition:
    """Ask the petitioner for more information; the handling clock is paused until it
    arrives (the first request is due within `request_info_days`)."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["request_info"][0])
    _require_status(petition, CLOCK_STATUSES, _("request information"))
    question = _text(question, _("question to the petitioner"), 2000, field="question")
    now = _when(at)
    first = petition.info_requested_at is None
    _append(
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
    _save(petition, "status", "info_requested_at", "paused_since")
    _announce(petition, "request_info")
    return petition


def _unpause(petition: Petition, now: dt.datetime) -> None:
    cal = _calendar(petition.province_code, petition.rule_version)
    paused = int(cal.working_seconds_between(petition.paused_since, now))
    petition.paused_seconds += paused
    if petition.handle_due_at is not None and paused:
        petition.handle_due_at = cal.add_working_seconds(petition.handle_due_at, paused)
    petition.paused_since = None


@transaction.atomic
def receive_info(
    petition: Petition, *, actor: Any, info: str, at: dt.datetime | None = None
) -> Petition:
    """Record the petitioner's additional information; the clock runs again and the due date
    moves by the working time spent waiting."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["receive_info"][0])
    _require_status(petition, [S.NEED_INFO], _("record the information"))
    info = _text(info, _("information received"), DESCRIPTION_MAX, field="info")
    now = _when(at)
    resume = S.PROCESSING if petition.routing_confirmed_at else S.RECEIVED
    _unpause(petition, now)
    _append(
        petition,
        action="receive_info",
        to_status=resume,
        actor=actor,
        at=now,
        note=info,
        data={"paused_seconds_total": petition.paused_seconds},
    )
    petition.status = resume
    petition.description = f"{petition.description}\n\n[{_('Additional information')}] {info}"[
        : DESCRIPTION_MAX * 2
    ]
    _save(petition, "status", "paused_since", "paused_seconds", "handle_due_at", "description")
    _announce(petition, "receive_info")
    return petition


@transaction.atomic
def answer(petition: Petition, *, actor: Any, text: str, at: dt.datetime | None = None) -> Petition:
    """Answer the petition (handled). Publication is due within `publish_days` working days."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["answer"][0])
    if petition.status == S.RECEIVED:
        raise TransitionNotAllowed(
            _("Confirm the classification and the responsible agency first.")
        )
    _require_status(petition, [S.PROCESSING], _("answer"))
    text = _text(text, _("answer"), ANSWER_MAX, field="answer")
    now = _when(at)
    cal = _calendar(petition.province_code, petition.rule_version)
    _append(
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
    petition.answered_by = actor if getattr(actor, "pk", None) else None
    petition.handled_at = now
    petition.publish_due_at = _due(cal, now, _param(petition.rule_version, "publish_days"))
    _save(petition, "status", "answer", "answered_by", "handled_at", "publish_due_at")
    _announce(petition, "answer")
    return petition


@transaction.atomic
def publish(petition: Petition, *, actor: Any, at: dt.datetime | None = None) -> Petition:
    """Publish the answer on the public page (leader's approval); personal data is never
    shown there."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["publish"][0])
    _require_status(petition, [S.ANSWERED], _("publish"))
    now = _when(at)
    _append(
        petition,
        action="publish",
        to_status=S.PUBLISHED,
        actor=actor,
        at=now,
        data={"on_time": bool(petition.publish_due_at is None or now <= petition.publish_due_at)},
    )
    petition.status = S.PUBLISHED
    petition.published_at = now
    _save(petition, "status", "published_at")
    _announce(petition, "publish")
    return petition


@transaction.atomic
def merge(
    petition: Petition, *, actor: Any, into: Petition, at: dt.datetime | None = None
) -> Petition:
    """Close a repeat petition into the first one; the petitioner follows the first one."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["merge"][0], province_admin=True)
    _require_status(petition, OPEN_STATUSES, _("merge"))
    if into.pk == petition.pk:
        raise ValidationFailed(_("A petition cannot be merged into itself."), field="into")
    if into.status in (S.MERGED, S.TRANSFERRED, S.REJECTED):
        raise ValidationFailed(
            _("Petition %(code)s is closed; merge into the petition it was merged into.")
            % {"code": into.code},
            field="into",
        )
    now = _when(at)
    if petition.paused_since is not None:
        _unpause(petition, now)
    _append(
        petition, action="merge", to_status=S.MERGED, actor=actor, at=now, data={"into": into.code}
    )
    petition.status = S.MERGED
    petition.duplicate_of = into
    petition.related_to = into
    _save(
        petition,
        "status",
        "duplicate_of",
        "related_to",
        "paused_since",
        "paused_seconds",
        "handle_due_at",
    )
    _append(
        into,
        action="merged_repeat",
        to_status=into.status,
        actor=actor,
        at=now,
        data={"repeat": petition.code},
    )
    _announce(petition, "merge")
    return petition


@transaction.atomic
def add_note(petition: Petition, *, actor: Any, text: str) -> PetitionNote:
    _check(actor, petition, ACTION_ROLES["note"][0], province_admin=True)
    text = _text(text, _("note"), 5000, field="text")
    note = PetitionNote.objects.create(petition=petition, author=actor, text=text)
    _append(
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
    petition = _lock(petition)
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
    _announce(petition, "vote")
    return petition


# -- bundle import (interchange.md §1, petitions.jsonl) ---------------------------------------
IMPORT_FIELDS = (
    "agency",
    "category",
    "channel",
    "received_at",
    "handle_due_at",
    "handled_at",
    "published_at",
    "status",
    "dossier_code",
    "likes",
    "dislikes",
)


@transaction.atomic
def import_petition(values: dict[str, Any]) -> str:
    """Create or update one petition from a validated bundle row; returns created/updated/
    unchanged. The history is recorded as an `import` event like any other action."""
    from cchc.dossiers.models import Dossier

    # fixed statements (a bundle brings thousands of rows): no per-row query compilation
    existing = rowsql.get_row(Petition, "code", values["code"], for_update=True)
    dossier = (
        rowsql.get_row(Dossier, "code", values["dossier_code"]) if values["dossier_code"] else None
    )
    if existing is None:
        rule = rule_in_force(PETITION_RULE, _local_date(values["received_at"]))
        agency = values["agency"]
        handle_due = values["handle_due_at"]
        cal = _calendar(agency.province_code, rule)
        deadlines = _deadlines(cal, rule, values["received_at"])
        if handle_due is not None:
            deadlines["handle_due_at"] = handle_due
        petition = Petition(
            code=values["code"],
            token=secrets.token_urlsafe(18),
            province_code=agency.province_code,
            agency=agency,
            suggested_agency=agency,
            category=values["category"],
            channel=values["channel"],
            status=values["status"],
            rule_version=rule,
            received_at=values["received_at"],
            clock_started_at=values["received_at"],
            handled_at=values["handled_at"],
            published_at=values["published_at"],
            dossier=dossier,
            dossier_code=values["dossier_code"],
            likes=values["likes"],
            dislikes=values["dislikes"],
            petitioner_name="",
            routing_confirmed_at=values["received_at"],
            **deadlines,
        )
        petition.search_text = _search_text(petition)
        petition.save()
        _append(
            petition,
            action="import",
            to_status=petition.status,
            actor=None,
            at=timezone.now(),
            from_status="",
            data={"source": "bundle"},
        )
        _announce(petition, "import")
        return "created"
    changes = {}
    for name in IMPORT_FIELDS:
        # the agency by its key: loading the stored one just to compare cost a query per row
        old = existing.agency_id if name == "agency" else getattr(existing, name)
        new = values[name]
        if old != (new.pk if name == "agency" else new):
            changes[name] = new
    if values["handle_due_at"] is None:
        changes.pop("handle_due_at", None)
    if not changes:
        return "unchanged"
    for name, value in changes.items():
        setattr(existing, name, value)
    existing.dossier = dossier
    if "agency" in changes:
        existing.province_code = existing.agency.province_code
    _append(
        existing,
        action="import_update",
        to_status=existing.status,
        actor=None,
        at=timezone.now(),
        data={"fields": sorted(changes)},
    )
    _save(existing, *changes.keys(), "dossier", "province_code")
    _announce(existing, "import_update")
    return "updated"


# -- complaints and denunciations -------------------------------------------------------------
def _calendar_days_due(cal: WorkingCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """N days counted in calendar days; a deadline ending on a day off moves to the end of
    the next working day (Civil Code 2015 art. 148)."""
    day = _local_date(start) + dt.timedelta(days=int(days))
    if not cal.is_working_day(day):
        day = cal.next_working_day(day)
    return cal.day_end(day)


def _complaint_due(complaint: Complaint, start: dt.datetime, days: int, unit: str) -> dt.datetime:
    cal = _calendar(complaint.province_code, complaint.rule_version)
    if unit == "working_day":
        return _due(cal, start, days)
    return _calendar_days_due(cal, start, days)


def _complaint_params(complaint: Complaint) -> dict[str, Any]:
    key = "complaint" if complaint.kind == ComplaintKind.COMPLAINT else "denunciation"
    params = complaint.rule_version.param(key)
    if not params:
        raise ValidationFailed(
            _("Rule version %(rule)s lacks the parameter '%(name)s'.")
            % {"rule": complaint.rule_version, "name": key}
        )
    return params


def _check_complaint(actor: Any, agency_id: int, province_code: str) -> None:
    """Restricted register: only the handling agency's leaders and province administrators
    act on it; inspectors read."""
    if actor is None:
        return
    if permissions.is_inspector(actor):
        raise NotPermitted(_("Inspectors have read-only access."))
    if permissions.has_role(actor, agency_id, [R.LEADER]) or permissions.is_province_admin(
        actor, province_code
    ):
        return
    raise NotPermitted(
        _("Only the handling agency's leaders may act on complaints and denunciations.")
    )


def _complaint_event(
    complaint: Complaint,
    *,
    action: str,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    last = (
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
        or 0
    )
    return ComplaintEvent.objects.create(
        complaint=complaint,
        seq=last + 1,
        at=at,
        action=action,
        to_status=complaint.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        note=note,
        data=data or {},
    )


def _lock_complaint(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("rule_version")
        .get(pk=complaint.pk)
    )


def _create_complaint(
    *,
    actor: Any,
    kind: str,
    agency: Agency,
    complainant_name: str,
    subject: str,
    content: str,
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_address: str = "",
    remote_area: bool = False,
    complexity: int = 0,
    source_petition: Petition | None = None,
    at: dt.datetime,
) -> Complaint:
    if kind not in ComplaintKind.values:
        raise ValidationFailed(_("Choose complaint or denunciation."), field="kind")
    rule = rule_in_force(COMPLAINT_RULE, _local_date(at))
    complaint = Complaint(
        code=_next_code(
            "KN" if kind == ComplaintKind.COMPLAINT else "TC", _local_date(at).year, Complaint
        ),
        kind=kind,
        province_code=agency.province_code,
        agency=agency,
        complainant_name=_text(
            complainant_name,
            _("name of the complainant"),
            200,
            multiline=False,
            field="complainant_name",
        ),
        complainant_phone=clean_text(complainant_phone, multiline=False)[:20],
        complainant_email=clean_text(complainant_email, multiline=False)[:254],
        complainant_address=clean_text(complainant_address, multiline=False)[:300],
        subject=_text(
            subject, _("decision, act or person concerned"), 300, multiline=False, field="subject"
        ),
        content=_text(content, _("content"), 20000, field="content"),
        remote_area=remote_area,
        complexity=complexity,
        source_petition=source_petition,
        rule_version=rule,
        received_at=at,
        accept_due_at=at,
    )
    params = _complaint_params(complaint)
    complaint.accept_due_at = _complaint_due(
        complaint, at, params["accept_days"], params.get("accept_unit", "calendar_day")
    )
    complaint.save()
    _complaint_event(
        complaint,
        action="file",
        actor=actor,
        at=at,
        data={"source_petition": source_petition.code if source_petition else None},
    )
    return complaint


@transaction.atomic
def file_complaint(
    *,
    actor: Any,
    kind: str,
    agency: Agency,
    complainant_name: str,
    subject: str,
    content: str,
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_address: str = "",
    remote_area: bool = False,
    complexity: int = 0,
    at: dt.datetime | None = None,
) -> Complaint:
    _check_complaint(actor, agency.pk, agency.province_code)
    return _create_complaint(
        actor=actor,
        kind=kind,
        agency=agency,
        complainant_name=complainant_name,
        subject=subject,
        content=content,
        complainant_phone=complainant_phone,
        complainant_email=complainant_email,
        complainant_address=complainant_address,
        remote_area=remote_area,
        complexity=complexity,
        at=_when(at),
    )


@transaction.atomic
def reclassify_as_complaint(
    petition: Petition,
    *,
    actor: Any,
    kind: str,
    subject: str,
    remote_area: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """A "petition" that is really a complaint or a denunciation leaves the PAKN register
    (Decree 20/2008 art. 2 excludes them) and enters the complaints register."""
    petition = _lock(petition)
    _check(actor, petition, ACTION_ROLES["reclassify"][0], province_admin=True)
    _require_status(petition, OPEN_STATUSES, _("move to the complaints register"))
    if petition.agency is None:
        raise ValidationFailed(_("Confirm the responsible agency first."), field="agency")
    now = _when(at)
    complaint = _create_complaint(
        actor=actor,
        kind=kind,
        agency=petition.agency,
        complainant_name=petition.petitioner_name or _("(not given)"),
        complainant_phone=petition.petitioner_phone,
        complainant_email=petition.petitioner_email,
        complainant_address=petition.address,
        subject=subject,
        content=f"{petition.title}\n\n{petition.description}",
        remote_area=remote_area,
        source_petition=petition,
        at=now,
    )
    if petition.paused_since is not None:
        _unpause(petition, now)
    _append(
        petition,
        action="reclassify",
        to_status=S.TRANSFERRED,
        actor=actor,
        at=now,
        data={"complaint": complaint.code, "kind": kind},
    )
    petition.status = S.TRANSFERRED
    _save(petition, "status", "paused_since", "paused_seconds", "handle_due_at")
    _announce(petition, "reclassify")
    return complaint


@transaction.atomic
def accept_complaint(
    complaint: Complaint,
    *,
    actor: Any,
    complexity: int | None = None,
    at: dt.datetime | None = None,
) -> Complaint:
    """Accept for settlement (thụ lý); the settlement deadline runs from here (Law on
    Complaints 2011 art. 28; Law on Denunciations 2018 art. 30)."""
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise TransitionNotAllowed(_("Only a received complaint can be accepted."))
    now = _when(at)
    if complexity is not None:
        if complexity not in Complaint.Complexity.values:
            raise ValidationFailed(_("Unknown complexity."), field="complexity")
        complaint.complexity = complexity
    params = _complaint_params(complaint)
    if complaint.kind == ComplaintKind.COMPLAINT:
        # Law on Complaints 2011 art. 28: 30 days, 45 if complicated; remote areas 45 / 60.
        key = (
            "settle_days"
            + ("_remote" if complaint.remote_area else "")
            + ("_complex" if complaint.complexity else "")
        )
        days = params[key]
    else:
        days = params["settle_days"]
    complaint.status = ComplaintStatus.ACCEPTED
    complaint.accepted_at = now
    complaint.settle_due_at = _complaint_due(
        complaint, now, days, params.get("settle_unit", "calendar_day")
    )
    complaint.version += 1
    complaint.save(
        update_fields=[
            "status",
            "accepted_at",
            "settle_due_at",
            "complexity",
            "version",
            "updated_at",
        ]
    )
    _complaint_event(complaint, action="accept", actor=actor, at=now, data={"days": days})
    return complaint


@transaction.atomic
def extend_complaint(
    complaint: Complaint, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Extend a denunciation's settlement (Law on Denunciations 2018 art. 30: once for a
    complicated case, twice for an especially complicated one, each by at most 30 days)."""
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.ACCEPTED:
        raise TransitionNotAllowed(_("Only an accepted case can be extended."))
    params = _complaint_params(complaint)
    allowed = int(params.get("max_extensions", [0, 1, 2])[complaint.complexity])
    if complaint.extensions >= allowed:
        raise TransitionNotAllowed(
            _("No further extension is allowed for this case (%(n)s used).")
            % {"n": complaint.extensions}
        )
    reason = _text(reason, _("reason for the extension"), 2000, field="reason")
    now = _when(at)
    complaint.settle_due_at = _complaint_due(
        complaint,
        complaint.settle_due_at,
        params["extension_days"],
        params.get("settle_unit", "calendar_day"),
    )
    complaint.extensions += 1
    complaint.version += 1
    complaint.save(update_fields=["settle_due_at", "extensions", "version", "updated_at"])
    _complaint_event(complaint, action="extend", actor=actor, at=now, note=reason)
    return complaint


@transaction.atomic
def settle_complaint(
    complaint: Complaint, *, actor: Any, outcome: str, at: dt.datetime | None = None
) -> Complaint:
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.ACCEPTED:
        raise TransitionNotAllowed(_("Only an accepted case can be settled."))
    now = _when(at)
    complaint.outcome = _text(outcome, _("decision / conclusion"), 20000, field="outcome")
    complaint.status = ComplaintStatus.SETTLED
    complaint.settled_at = now
    complaint.version += 1
    complaint.save(update_fields=["outcome", "status", "settled_at", "version", "updated_at"])
    _complaint_event(
        complaint,
        action="settle",
        actor=actor,
        at=now,
        data={"on_time": now <= complaint.settle_due_at},
    )
    return complaint


@transaction.atomic
def refuse_complaint(
    complaint: Complaint, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Complaint:
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise TransitionNotAllowed(_("Only a received complaint can be refused."))
    now = _when(at)
    complaint.outcome = _text(reason, _("reason for not accepting"), 5000, field="reason")
    complaint.status = ComplaintStatus.NOT_ACCEPTED
    complaint.settled_at = now
    complaint.version += 1
    complaint.save(update_fields=["outcome", "status", "settled_at", "version", "updated_at"])
    _complaint_event(complaint, action="refuse", actor=actor, at=now, note=complaint.outcome)
    return complaint


# -- citizen reception schedule ----------------------------------------------------------------
@transaction.atomic
def schedule_reception(
    *,
    actor: Any,
    agency: Agency,
    leader_name: str,
    leader_title: str,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    location: str,
    note: str = "",
) -> ReceptionSlot:
    if actor is not None and not (
        permissions.has_role(actor, agency.pk, [R.LEADER, R.AGENCY_ADMIN])
        or permissions.is_province_admin(actor, agency.province_code)
    ):
        raise NotPermitted(
            _("Only the agency's leaders and administrators may publish its reception schedule.")
        )
    if end_time <= start_time:
        raise ValidationFailed(_("The session must end after it starts."), field="end_time")
    return ReceptionSlot.objects.create(
        agency=agency,
        leader_name=_text(leader_name, _("leader"), 200, multiline=False, field="leader_name"),
        leader_title=_text(leader_title, _("position"), 200, multiline=False, field="leader_title"),
        day=day,
        start_time=start_time,
        end_time=end_time,
        location=_text(location, _("place"), 300, multiline=False, field="location"),
        note=clean_text(note, multiline=False)[:300],
        created_by=actor,
    )
