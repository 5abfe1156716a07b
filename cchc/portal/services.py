"""Every write the citizen portal makes. Views call these; they validate, lock, write and
leave an audit row (PortalActivity) naming who acted.

Every write on a dossier (its lifecycle, its documents, the evaluation) goes through
`cchc.dossiers.services`, which appends the dossier's event and announces the change.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts import codes
from cchc.accounts.links import send_set_password_link, send_signup_attempt_notice
from cchc.accounts.models import (
    AccountEvent,
    User,
    contact_username,
    hash_national_id,
    users_by_contact,
)
from cchc.agencies.models import Agency
from cchc.catalogue.models import Procedure, RequiredDocument
from cchc.core import events
from cchc.core.actors import require_actor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import clean_email
from cchc.core.personal import lookup_hash
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import (
    APPLICANT_ADDRESS_MAX,
    APPLICANT_NAME_MAX,
    REQUEST_MAX,
    ApplicantKind,
    DigitizedDocument,
    Dossier,
    Evaluation,
)
from cchc.portal.models import Draft, DraftAttachment, PortalActivity, VerificationCode
from cchc.portal.validators import clean_citizen_id, clean_phone, clean_tax_code

log = logging.getLogger(__name__)


# the sign-up code's attempt limit, as the verify page of a decoy sign-up says it
CODE_MAX_ATTEMPTS = codes.CODE_MAX_ATTEMPTS


def _label(actor: Any, fallback: str = "") -> str:
    if not getattr(require_actor(actor), "is_authenticated", False):
        return fallback or _("Applicant (dossier code and ID)")
    return actor.display_name


def _audit(
    action: str, *, actor: Any, dossier: Dossier | None = None, label: str = "", **data: Any
) -> None:
    PortalActivity.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor, label),
        action=action,
        dossier=dossier,
        data=data,
    )


def audit_kiosk(action: str, *, actor: Any, **data: Any) -> None:
    """Registering or removing a counter kiosk, in the portal audit trail."""
    _audit(action, actor=actor, **data)


# -- sign-up with a one-time code --------------------------------------------------------
@transaction.atomic
def start_signup(
    *, full_name: str, email: str = "", phone: str = "", national_id: str, password: str
) -> User | None:
    """Create an inactive citizen account and send a one-time code to its e-mail or phone.

    None when the e-mail, phone or citizen ID already belongs to an account: nothing is
    created, the owner is told by e-mail/SMS, and the caller answers exactly as for a new
    account (no account enumeration through sign-up).

    The account signs in with its e-mail (or phone) once the code is confirmed. A pending,
    never-verified account with the same address is replaced, so a mistyped sign-up can be
    repeated.
    """
    full_name, email, phone, username = _signup_contact(full_name, email, phone)
    number = clean_citizen_id(national_id)
    _check_password(password)
    holder = User.objects.filter(national_id_hash=hash_national_id(number), is_active=True)
    user = User(full_name=full_name)
    user.set_national_id(number)
    return _create_pending(user, username, email, phone, password, holder)


@transaction.atomic
def start_organisation_signup(
    *,
    organisation_name: str,
    tax_code: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    password: str,
) -> User | None:
    """Create an inactive account of an organisation (tổ chức, doanh nghiệp) under its tax
    code, its contact person's name and address, and send the one-time code, as for a citizen
    (`start_signup`): one working account per tax code, and a tax code, e-mail or phone that
    already has an account gets the same answer as a new one (its holder is told)."""
    organisation_name = (organisation_name or "").strip()
    if not organisation_name:
        raise ValidationFailed(
            _("Please enter the name of the organisation or business."), field="organisation_name"
        )
    refusal = dossier_services.too_long(organisation_name, ORGANISATION_NAME_MAX)
    if refusal:
        raise ValidationFailed(refusal, field="organisation_name")
    if not (full_name or "").strip():
        raise ValidationFailed(_("Please enter the contact person's full name."), field="full_name")
    full_name, email, phone, username = _signup_contact(full_name, email, phone)
    code = clean_tax_code(tax_code)
    _check_password(password)
    holder = User.objects.filter(tax_code=code, is_active=True)
    user = User(full_name=full_name, organisation_name=organisation_name, tax_code=code)
    return _create_pending(user, username, email, phone, password, holder)


# the longest organisation name the account and the dossier's applicant name hold
ORGANISATION_NAME_MAX = APPLICANT_NAME_MAX


def _signup_contact(full_name: str, email: str, phone: str) -> tuple[str, str, str, str]:
    """The name, e-mail and phone of a sign-up checked, with the user name they give."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed(_("Please enter your full name."), field="full_name")
    email = clean_email(email)
    phone = (phone or "").strip()
    if not email and not phone:
        raise ValidationFailed(
            _("Please enter an e-mail address or a mobile number."), field="email"
        )
    if phone:
        phone = clean_phone(phone)
    # the user name is derived from a keyed hash of the address, never the address itself
    # (e-mail and phone are encrypted at rest); the citizen signs in with the address
    return full_name, email, phone, contact_username(email, phone)


def _check_password(password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc


def _create_pending(
    user: User, username: str, email: str, phone: str, password: str, holder: Any
) -> User | None:
    """Store `user` (a person's or an organisation's, not yet saved) inactive and send the
    code; or None, and the holder told, when its address or identifier (`holder`: the active
    accounts with the same citizen ID or tax code) already has an account."""
    # An address, citizen ID or tax code that already has an account gets the same answer as
    # a new one ("a code was sent"): the page never tells a stranger who is registered. The
    # owner of the existing account is told by their own channel instead.
    existing = User.objects.select_for_update().filter(username=username).first()
    if existing is not None and not (
        existing.is_active or existing.email_verified or existing.phone_verified
    ):
        existing.delete()
        existing = None
    hashes = {"email_hash": lookup_hash("email", email), "phone_hash": lookup_hash("phone", phone)}
    taken = Q(pk__in=[])
    for column, digest in hashes.items():
        if digest:  # "" would match every account without that address
            taken |= Q(**{column: digest})
    owner = existing or User.objects.filter(is_active=True).filter(taken).first()
    if owner is None:
        owner = holder.first()
    label = user.full_name
    if owner is not None:
        _audit("signup_existing", actor=AnonymousUser(), label=label, user_id=owner.pk)
        _tell_owner_of_signup_attempt(owner)
        return None
    user.username = username
    user.email = email
    user.phone = phone
    user.kind = User.Kind.CITIZEN
    user.is_active = False
    user.province_code = settings.CCHC_PROVINCE_CODE
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # the same address signed up at this very moment (the user name derives from it):
        # answered as an address that has an account
        _audit("signup_existing", actor=AnonymousUser(), label=label, user_id=None)
        return None
    _audit("signup", actor=AnonymousUser(), label=label, user_id=user.pk)  # not signed in yet
    send_code(user=user)
    return user


def _tell_owner_of_signup_attempt(owner: User) -> None:
    """The owner hears of it by its own address, through the job runner (the visitor's answer
    takes no longer than a new sign-up's)."""
    send_signup_attempt_notice.enqueue(owner.pk)


def send_code(*, user: User) -> VerificationCode:
    """Queue a fresh one-time code to the account's e-mail (or, without one, its phone); the
    job runner sends it after the commit (cchc.accounts.codes). Earlier codes stop working."""
    with transaction.atomic():
        events.lock(User(pk=user.pk))  # the hour's count of codes holds against a double click
        codes.throttle(VerificationCode.objects.filter(user=user), field="code")
        VerificationCode.objects.filter(user=user, used_at__isnull=True).update(
            expires_at=timezone.now()
        )
        return codes.issue(
            VerificationCode(
                user=user,
                channel=VerificationCode.Channel.EMAIL
                if user.email
                else VerificationCode.Channel.SMS,
                destination=user.email or user.phone,
            )
        )


def verify_code(*, user: User, code: str) -> User:
    """Confirm the one-time code: the account becomes active and its address verified.

    A wrong attempt is counted (and committed) before the error is raised, so the attempt
    limit holds."""
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(user=user)
            .order_by("-created_at")
            .first()
        )
        error = codes.check(record, code)
        if not error:
            assert record is not None
            record.used_at = timezone.now()
            record.save(update_fields=["attempts", "used_at"])
            user = User.objects.select_for_update().get(pk=user.pk)
            error = _identity_taken(user)
            if not error:
                user.is_active = True
                if record.channel == VerificationCode.Channel.EMAIL:
                    user.email_verified = True
                else:
                    user.phone_verified = True
                try:
                    # the database's guard (accounts.User.Meta): one working account per
                    # address, should another be confirmed at this very moment
                    with transaction.atomic():
                        user.save(update_fields=["is_active", "email_verified", "phone_verified"])
                except IntegrityError:
                    user.is_active = False
                    error = str(ADDRESS_TAKEN)
            if not error:
                _record_signup(user, channel=record.channel)
                _audit("verify", actor=user, channel=record.channel)
    if error:
        raise ValidationFailed(error, field="code")
    return user


def _identity_taken(user: User) -> str:
    """Why a pending account cannot be confirmed: another account with its tax code or
    citizen ID was confirmed after this one signed up (two sign-ups of one organisation or
    person, both waiting for their code). Said only to whoever holds this account's code."""
    others = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if user.tax_code and others.filter(tax_code=user.tax_code).exists():
        return _(
            "An account with this tax code was confirmed meanwhile: sign in with it, or ask "
            "the person who created it. This sign-up was not completed."
        )
    if user.national_id_hash and others.filter(national_id_hash=user.national_id_hash).exists():
        return _(
            "An account with this citizen ID was confirmed meanwhile: sign in with it. This "
            "sign-up was not completed."
        )
    citizens = others.filter(kind=User.Kind.CITIZEN)
    if (user.email_hash and citizens.filter(email_hash=user.email_hash).exists()) or (
        user.phone_hash and citizens.filter(phone_hash=user.phone_hash).exists()
    ):
        return str(ADDRESS_TAKEN)
    return ""


# Which of the two addresses is not said: the code proves only the one it went to.
ADDRESS_TAKEN = gettext_lazy(
    "An account with this e-mail or phone was confirmed meanwhile: sign in with it, or set a "
    "new password if you forgot it. This sign-up was not completed."
)


def _record_signup(user: User, *, channel: str) -> None:
    """The confirmed account's first event: a person's or an organisation's (and its tax
    code), confirmed by which channel. A pending account has none: a repeated sign-up
    replaces it (start_signup), and the log keeps only what was done."""
    events.append_event(
        AccountEvent,
        user,
        action="signup",
        actor=user,
        data={
            "kind": User.Kind.CITIZEN,
            "applicant": "ORGANISATION" if user.is_organisation else "PERSON",
            "channel": channel,
            **({"tax_code": user.tax_code} if user.is_organisation else {}),
        },
    )


# -- drafts and documents -----------------------------------------------------------------
DRAFT_FIELDS = (
    "applicant_name",
    "contact_person",
    "phone",
    "email",
    "address",
    "receiving_agency",
    "request",
)
# The longest text each field of the online form takes: the counter form's limits (one
# definition, cchc.dossiers.models), the phone and e-mail as their columns.
DRAFT_LIMITS = {
    "applicant_name": APPLICANT_NAME_MAX,
    "contact_person": APPLICANT_NAME_MAX,
    "address": APPLICANT_ADDRESS_MAX,
    "request": REQUEST_MAX,
    "phone": 20,
    "email": 254,
}


def draft_length_errors(data: dict[str, Any]) -> dict[str, str]:
    """The fields of a draft that are longer than the form takes, each with its message."""
    errors = {}
    for key, limit in DRAFT_LIMITS.items():
        refusal = dossier_services.too_long(str(data.get(key) or ""), limit)
        if refusal:
            errors[key] = refusal
    return errors


def has_applicant_identity(user: Any) -> bool:
    """Whether the account may submit online (and keep drafts): a person's account with a
    citizen ID, or an organisation's with its tax code. The procedure's page says so before
    the citizen starts a form; the form itself refuses the others (submission.submit)."""
    return bool(getattr(user, "is_authenticated", False) and user.applicant_id_hash)


def draft_for(*, user: User, procedure: Procedure) -> Draft:
    """The citizen's open draft for this procedure or, when there is none, an unsaved one
    prefilled from the account: a draft is stored only when the citizen saves (or uploads)
    something, never by merely opening the page."""
    draft = Draft.objects.open().filter(user=user, procedure=procedure).first()
    if draft is None:
        draft = Draft(
            user=user,
            procedure=procedure,
            data={
                # an organisation applies in its own name, through its contact person
                "applicant_name": user.organisation_name or user.full_name,
                **({"contact_person": user.full_name} if user.is_organisation else {}),
                "phone": user.phone,
                "email": user.email,
            },
        )
    return draft


@transaction.atomic
def save_draft(draft: Draft, *, actor: User, data: dict[str, Any]) -> Draft:
    """Keep what the citizen typed, valid or not: nothing is lost on an error. An unsaved
    draft (from `draft_for`) is stored now, unless one was opened meanwhile (another tab)."""
    if draft.user_id != actor.pk:
        raise NotPermitted(_("This draft belongs to another account."))
    if draft.pk is None:
        stored = (
            Draft.objects.open()
            .select_for_update()
            .filter(user=actor, procedure=draft.procedure)
            .first()
        )
        draft = stored or Draft.objects.create(
            user=actor, procedure=draft.procedure, data=dict(draft.data)
        )
    else:
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.submitted_dossier_id:
        raise TransitionNotAllowed(_("This draft was already submitted."))
    merged = dict(draft.data)
    for key in DRAFT_FIELDS:
        if key in data:
            # kept whole, even over its limit: the limit is reported on the field
            # (draft_length_errors) and refuses submission, it never cuts the text
            merged[key] = str(data[key] or "")
    draft.data = merged
    draft.save(update_fields=["data", "updated_at"])
    return draft


def store_upload(*, upload: Any, owner_id_hash: str, actor: Any) -> DigitizedDocument:
    """Check an uploaded file by its content and keep it as a digitised document (the one
    path every upload takes: cchc.dossiers.services.store_document)."""
    return dossier_services.store_document(upload=upload, owner_id_hash=owner_id_hash, actor=actor)


def _component(draft: Draft, required_document_id: int) -> RequiredDocument:
    component = RequiredDocument.objects.filter(
        pk=required_document_id, procedure_id=draft.procedure_id
    ).first()
    if component is None:
        raise ValidationFailed(
            _("This document is not part of the procedure."), field="required_document"
        )
    return component


def _lock_draft(draft: Draft, actor: User) -> Draft:
    """Lock the citizen's own draft, still unsubmitted (else NotPermitted)."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.user_id != actor.pk or draft.submitted_dossier_id:
        raise NotPermitted(_("This draft cannot be changed."))
    return draft


def _attach(
    draft: Draft, component: RequiredDocument, doc: DigitizedDocument, *, reused: bool
) -> DraftAttachment:
    """The draft's one attachment for `component`, replacing any earlier one."""
    DraftAttachment.objects.filter(draft=draft, required_document=component).delete()
    return DraftAttachment.objects.create(
        draft=draft, required_document=component, document=doc, reused=reused
    )


@transaction.atomic
def add_draft_upload(
    draft: Draft, *, actor: User, required_document_id: int, upload: Any
) -> DraftAttachment:
    draft = _lock_draft(draft, actor)
    component = _component(draft, required_document_id)
    doc = store_upload(upload=upload, owner_id_hash=actor.applicant_id_hash, actor=actor)
    return _attach(draft, component, doc, reused=False)


@transaction.atomic
def adopt_stashed_upload(
    draft: Draft, *, actor: User, required_document_id: int, document_id: int
) -> DraftAttachment | None:
    """A file uploaded while the session had expired (kept unowned in that browser's session)
    joins the citizen's draft once they sign in again."""
    draft = _lock_draft(draft, actor)
    component = _component(draft, required_document_id)
    doc = DigitizedDocument.objects.filter(
        pk=document_id, owner_id_hash="", uses__isnull=True
    ).first()
    if doc is None:
        return None
    doc.owner_id_hash = actor.applicant_id_hash
    doc.created_by = actor
    doc.save(update_fields=["owner_id_hash", "created_by"])
    return _attach(draft, component, doc, reused=False)


def reusable_documents(user: User):  # type: ignore[no-untyped-def]
    """Documents of the same person (matched by the keyed hash of the citizen ID) or the same
    organisation (of its tax code) that were part of an earlier dossier: they can be attached
    again without re-uploading."""
    from cchc.dossiers.queries import reusable_documents as of_person

    return of_person(getattr(user, "applicant_id_hash", ""))


@transaction.atomic
def add_draft_reuse(
    draft: Draft, *, actor: User, required_document_id: int, document_id: int
) -> DraftAttachment:
    draft = _lock_draft(draft, actor)
    component = _component(draft, required_document_id)
    doc = reusable_documents(actor).filter(pk=document_id).first()
    if doc is None:
        raise ValidationFailed(
            _("This document is not one of your earlier documents."), field="document"
        )
    return _attach(draft, component, doc, reused=True)


@transaction.atomic
def remove_draft_attachment(draft: Draft, *, actor: User, required_document_id: int) -> None:
    draft = _lock_draft(draft, actor)
    DraftAttachment.objects.filter(draft=draft, required_document_id=required_document_id).delete()


def _chosen_agency(draft: Draft) -> Agency | None:
    """The receiving agency the draft names, if the procedure is received there today (an
    agency merged or closed since the draft was saved is no longer a choice)."""
    try:
        chosen = int(draft.data.get("receiving_agency") or 0) if draft.data else 0
    except (TypeError, ValueError):
        return None
    return draft.procedure.agencies.current().filter(pk=chosen).first()


# The applicant's fields a submission cannot go without (draft_errors says so for each; the
# contact person only for an organisation). The online form marks them as needed before the
# citizen tries: a draft may still be saved without them.
REQUIRED_ON_SUBMIT = ("applicant_name", "contact_person", "address", "receiving_agency")


def draft_errors(draft: Draft, *, organisation: bool) -> dict[str, str]:
    """Everything that keeps the draft from being submitted, by field (doc_<pk> for a
    missing mandatory document): the form shows them all at once, so a citizen whose upload
    was refused is also told the agency is not chosen, not on the next try."""
    data = draft.data or {}
    errors: dict[str, str] = draft_length_errors(data)
    if not (data.get("applicant_name") or "").strip():
        errors["applicant_name"] = (
            _("Please enter the name of the organisation or business.")
            if organisation
            else _("Please enter the applicant's name.")
        )
    if organisation and not (data.get("contact_person") or "").strip():
        errors["contact_person"] = _("Please enter the contact person's full name.")
    if not (data.get("address") or "").strip():
        errors["address"] = _("Please enter your address.")
    if data.get("phone"):
        try:
            clean_phone(data["phone"])
        except ValidationFailed as exc:
            errors["phone"] = exc.message
    if not draft.procedure.agencies.current().exists():
        errors["receiving_agency"] = _(
            "No agency receives this procedure at the moment, so it cannot be submitted online."
        )
    elif _chosen_agency(draft) is None:
        errors["receiving_agency"] = _("Please choose the agency that will receive the dossier.")
    attached = set(draft.attachments.values_list("required_document_id", flat=True))
    for component in draft.procedure.required_documents.filter(mandatory=True):
        if component.pk not in attached:
            errors[f"doc_{component.pk}"] = _("Please attach: %(name)s") % {"name": component.name}
    return errors


def _validate_draft(draft: Draft, *, organisation: bool) -> tuple[dict[str, str], Agency]:
    errors = draft_errors(draft, organisation=organisation)
    if errors:
        first = next(iter(errors.values()))
        failure = ValidationFailed(
            _("Some information is missing or wrong: %(first)s") % {"first": first}
        )
        failure.errors = errors  # type: ignore[attr-defined]
        raise failure
    return draft.data or {}, _chosen_agency(draft)  # type: ignore[return-value]


@transaction.atomic
def submit_draft(draft: Draft, *, actor: User) -> Dossier:
    """Submit the draft online: a status-1 dossier in the receiving agency's queue, with
    every chosen document attached (reused ones flagged)."""
    draft = Draft.objects.select_for_update().select_related("procedure").get(pk=draft.pk)
    if draft.user_id != actor.pk:
        raise NotPermitted(_("This draft belongs to another account."))
    if draft.submitted_dossier_id:
        raise TransitionNotAllowed(_("This draft was already submitted."))
    if not actor.applicant_id_hash:
        raise ValidationFailed(_("Your account has no citizen ID number."), field="national_id")
    organisation = actor.is_organisation
    data, agency = _validate_draft(draft, organisation=organisation)
    details = {"request": data.get("request", "")}
    if organisation:
        details["contact_person"] = (data.get("contact_person") or "").strip()
    applicant = dossier_services.Applicant(
        name=data["applicant_name"].strip(),
        id_hash=actor.applicant_id_hash,
        id_last4=actor.applicant_id_last4,
        kind=ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON,
        tax_code=actor.tax_code if organisation else "",
        phone=clean_phone(data["phone"]) if data.get("phone") else "",
        email=(data.get("email") or "").strip(),
        address=data["address"].strip(),
        account=actor,
    )
    dossier = dossier_services.submit_online(
        procedure=draft.procedure,
        receiving_agency=agency,
        competent_agency=agency,
        applicant=applicant,
        actor=actor,
        details=details,
    )
    for att in draft.attachments.select_related("required_document", "document"):
        writer = dossier_services.reuse_document if att.reused else dossier_services.attach_document
        writer(dossier, actor=actor, document=att.document, required_document=att.required_document)
    draft.submitted_dossier = dossier
    draft.save(update_fields=["submitted_dossier", "updated_at"])
    return Dossier.objects.get(pk=dossier.pk)


# -- evaluation after service -------------------------------------------------------------
def _clean_scores(scores: dict[str, Any], satisfaction: Any) -> tuple[dict[str, int], int]:
    clean: dict[str, int] = {}
    for key, _label in Evaluation.criteria():
        try:
            value = int(scores.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = -1
        if value not in (0, 1, 2):
            raise ValidationFailed(_("Please give every criterion 0, 1 or 2 points."), field=key)
        clean[key] = value
    try:
        level = int(satisfaction)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        raise ValidationFailed(
            _("Please choose your satisfaction from 1 to 5."), field="satisfaction"
        )
    return clean, level


def evaluate(
    dossier: Dossier,
    *,
    actor: Any,
    scores: dict[str, Any],
    satisfaction: Any,
    comment: str = "",
    channel: str = "PORTAL",
    actor_label: str = "",
) -> Evaluation:
    """The applicant rates the service once the result is returned (status 10): the answers
    checked against the criteria, then recorded by the dossier service (its event, the
    dossier's rating, the index told). The caller (the portal's lookup by code and ID, or a
    registered kiosk) has established that the applicant is the one rating."""
    clean, level = _clean_scores(scores, satisfaction)
    with transaction.atomic():
        evaluation = dossier_services.record_evaluation(
            dossier,
            actor=actor,
            scores=clean,
            satisfaction=level,
            comment=comment,
            channel=channel,
            applicant_proven=True,
            label=actor_label,
        )
        _audit("evaluate", actor=actor, dossier=dossier, label=actor_label, channel=channel)
    return evaluation


# -- a forgotten password (cchc/portal/password.py) ----------------------------------------
PASSWORD_LINK_RESEND_SECONDS = 15 * 60


def request_password_link(contact: str, *, ip: str) -> None:
    """Send a link to set a new password to each active account whose e-mail or phone is
    `contact` (an account whose password was never set, a new staff account, may ask too):
    by the job runner after the commit, at most one per account every 15 minutes (the
    shared cache), and an audit row for each link sent. Says nothing about what matched."""
    contact = contact.strip()
    channel = "email" if "@" in contact else "sms"
    for user in users_by_contact(contact).filter(is_active=True):
        if cache.add(f"portal:password-reset:{user.pk}", 1, PASSWORD_LINK_RESEND_SECONDS):
            with transaction.atomic():
                send_set_password_link.enqueue(user.pk, channel)
                _audit("password_reset_requested", actor=user, channel=channel, ip=ip)


def record_password_reset(user: User, *, ip: str) -> None:
    """The audit row of a password set with a link."""
    _audit("password_reset_done", actor=user, ip=ip)
