"""A petition arrives: from the web form, Open311, the hotline, a counter or a letter
(`file_petition`), or from a bundle of the previous system (`import_petition`). It gets a
code, its classification, a suggested responsible agency and its deadlines; receiving staff
then confirm the routing (`petitions.confirm_routing`).
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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core import rowsql
from cchc.core.actors import is_system, require_actor
from cchc.core.calendar import when
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.identifiers import next_code
from cchc.core.personal import lookup_hash
from cchc.core.text import fold
from cchc.feedback import common, petitions
from cchc.feedback.common import (
    DESCRIPTION_MAX,
    HANDLER_ROLES,
    PETITION_RULE,
    TITLE_MAX,
)
from cchc.feedback.models import (
    Category,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    Topic,
)
from cchc.feedback.petitions import S
from cchc.feedback.text import clean_text

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
        # contact details are encrypted: their keyed hashes are compared
        if phone_hash := lookup_hash("phone", phone or ""):
            same_person |= recent.filter(petitioner_phone_hash=phone_hash)
        if email_hash := lookup_hash("email", email or ""):
            same_person |= recent.filter(petitioner_email_hash=email_hash)
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
        if (f.size or 0) > limit:
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


@transaction.atomic
def file_petition(
    *,
    channel: str,
    category: str,
    title: str,
    description: str,
    petitioner: Petitioner,
    actor: Any,
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
    require_actor(actor)
    now = when(at)
    if channel not in PetitionChannel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    if channel in (PetitionChannel.HOTLINE, PetitionChannel.COUNTER, PetitionChannel.MAIL):
        if receiving_agency is None:
            raise ValidationFailed(
                _("Choose the agency that logs this petition."), field="receiving_agency"
            )
        if not is_system(actor) and (
            permissions.is_inspector(actor)
            or not permissions.has_role(actor, receiving_agency.pk, HANDLER_ROLES)
        ):
            raise NotPermitted(_("You may only log petitions for your own agency."))
    if topic is not None:
        category = topic.category
    if category not in Category.values:
        raise ValidationFailed(_("Choose a category."), field="category")
    title = common.required_text(title, _("title"), TITLE_MAX, multiline=False, field="title")
    description = common.required_text(
        description, _("content"), DESCRIPTION_MAX, field="description"
    )
    name = common.required_text(
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

    named = receiving_agency or agency
    province = named.province_code if named else settings.CCHC_PROVINCE_CODE
    suggested = suggest_agency(
        category=category, dossier=dossier, chosen=agency, province_code=province
    )
    if suggested is not None:
        province = suggested.province_code
    rule = common.rule_in_force(PETITION_RULE, common.local_date(now))
    cal = common.calendar(province, rule)
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
        code=next_code("PA", common.local_date(now).year, Petition, width=6),
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
        **petitions.deadlines(cal, rule, now),
    )
    petition.search_text = petitions.search_text(petition)
    petition.save()
    for f in files:
        path = Path(f.name or "")
        PetitionAttachment.objects.create(
            petition=petition,
            file=f,
            original_name=path.name[:200],
            content_type=ALLOWED_ATTACHMENTS[path.suffix.lower()][0],
            size=f.size or 0,
        )
    data: dict[str, Any] = {
        "channel": channel,
        "suggested_agency": suggested.code if suggested else None,
    }
    if duplicates:
        data["possible_repeat_of"] = [{"code": p.code, "why": why} for p, why in duplicates]
    petitions.append(
        petition,
        action="file",
        to_status=S.RECEIVED,
        actor=actor,
        seq=1,
        at=now,
        from_status="",
        data=data,
    )
    petitions.announce(petition, "file")
    return petition


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
    "title",
    "description",
    "answer",
)


@transaction.atomic
def import_petition(values: dict[str, Any], *, actor: Any) -> str:
    """Create or update one petition from a validated bundle row; returns created/updated/
    unchanged. The history is recorded as an `import` event like any other action, naming
    `actor` (the importer passes cchc.core.actors.IMPORT)."""
    require_actor(actor)
    from cchc.dossiers.models import Dossier

    # fixed statements (a bundle brings thousands of rows): no per-row query compilation
    existing = rowsql.get_row(Petition, "code", values["code"], for_update=True)
    dossier = (
        rowsql.get_row(Dossier, "code", values["dossier_code"]) if values["dossier_code"] else None
    )
    if existing is None:
        rule = common.rule_in_force(PETITION_RULE, common.local_date(values["received_at"]))
        agency = values["agency"]
        handle_due = values["handle_due_at"]
        cal = common.calendar(agency.province_code, rule)
        deadlines = petitions.deadlines(cal, rule, values["received_at"])
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
            title=values["title"],
            description=values["description"],
            answer=values["answer"],
            petitioner_name="",
            routing_confirmed_at=values["received_at"],
            **deadlines,
        )
        petition.search_text = petitions.search_text(petition)
        petition.save()
        petitions.append(
            petition,
            action="import",
            to_status=petition.status,
            actor=actor,
            seq=1,
            at=timezone.now(),
            from_status="",
            data={"source": "bundle"},
        )
        petitions.announce(petition, "import")
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
        existing.province_code = values["agency"].province_code
    petitions.append(
        existing,
        action="import_update",
        to_status=existing.status,
        actor=actor,
        at=timezone.now(),
        data={"fields": sorted(changes)},
    )
    petitions.save(existing, *changes.keys(), "dossier", "province_code")
    petitions.announce(existing, "import_update")
    return "updated"
