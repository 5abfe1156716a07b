"""Read-side helpers for the staff work queues, the dossier page and the API.

No writes here: every change goes through `cchc.dossiers.services`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.accounts import permissions
from cchc.accounts.models import hash_national_id
from cchc.catalogue.models import Procedure
from cchc.core.calendar import LOCAL_TZ
from cchc.core.personal import lookup_hash
from cchc.core.text import matches_folded
from cchc.dossiers import policies, services
from cchc.dossiers.models import (
    CLOCK_STATUSES,
    Channel,
    Dossier,
    DossierQuerySet,
    DossierSearch,
    DossierStep,
    Status,
    SupplementUpload,
)
from cchc.dossiers.state import ACTION_RULES, PRECONDITIONS, permitted, state_refusal

NATIONAL_ID_RE = re.compile(r"^\d{12}$")
# an organisation's tax code (mã số thuế): 10 digits, or 10-3 for a branch; 10 digits can
# be a phone number too, and both are looked up
TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
# the last four digits of the ID number (or tax code) the applicant reads out at the counter
LAST4_RE = re.compile(r"^\d{4}$")

# Queue key -> label. "Due soon" = due within one working day (8 working hours).
QUEUES: dict[str, Any] = {
    "mine": _("Assigned to me"),
    "agency": _("At my agencies"),
    "due_soon": _("Due within 1 working day"),
    "overdue": _("Overdue"),
    "supplement": _("Waiting for supplement"),
    "online": _("Submitted online, to receive"),
    # status 9 (domain.md §3): processing finished, the result waits at the counter
    "to_return": _("Finished, result to return"),
    "all": _("All I can see"),
}

# Each lifecycle action and the status it leads to (None: status unchanged), its label:
# read from the one declaration (state.ACTION_RULES).
ACTION_TARGETS: dict[str, int | None] = {n: r.target for n, r in ACTION_RULES.items()}
ACTION_LABELS: dict[str, Any] = {n: r.label for n, r in ACTION_RULES.items()}


def calendar() -> Any:
    return services.calendar_for(settings.CCHC_PROVINCE_CODE)


def action_possible(dossier: Dossier, action: str, now: dt.datetime | None = None) -> bool:
    """Does the dossier's state allow this action now (regardless of who asks)?"""
    return state_refusal(dossier, action, now) is None


def available_actions(user: Any, dossier: Dossier, now: dt.datetime | None = None) -> list[str]:
    """The actions `user` may take on the dossier now: the buttons of the staff page and the
    API's `available_actions`, by the same checks as the services (state.permitted, which
    answers as state.refusal does)."""
    now = now or timezone.now()
    return [a for a in ACTION_RULES if permitted(dossier, a, user, now)]


# Why an action the person's role would allow is absent because of a rule of the domain, said
# on the dossier page where the button would be (the button is not offered, never shown dead).
WITHHELD_REASONS: dict[tuple[str, str], Any] = {}


def withheld_actions(
    user: Any, dossier: Dossier, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The actions the user's role allows on the dossier in its status that a rule of the
    domain withholds now, each with the rule in words (see WITHHELD_REASONS)."""
    now = now or timezone.now()
    withheld = []
    for (action, precondition), why in WITHHELD_REASONS.items():
        rule = ACTION_RULES[action]
        if (
            dossier.status in rule.from_states
            and not PRECONDITIONS[precondition][0](dossier, now)
            and policies.can(user, action, dossier)
        ):
            due = dossier.due_at.astimezone(LOCAL_TZ) if dossier.due_at else None
            withheld.append(
                {
                    "action": action,
                    "label": rule.label,
                    "why": why % {"due": due.strftime("%H:%M %d/%m/%Y") if due else "—"},
                }
            )
    # an action the person's role takes at the dossier's agencies, no longer theirs once the
    # dossier was handed over to another agency for processing (a supplement request: domain.md
    # §3), with who takes it now
    for action in ACTION_RULES:
        why = policies.denial(user, action, dossier)
        if why:
            withheld.append(
                {
                    "action": action,
                    "label": ACTION_RULES[action].label,
                    "why": why[:1].upper() + why[1:],
                }
            )
    return withheld


def dossier_documents(dossier: Dossier) -> Any:
    """The dossier's documents in the order attached, each knowing whether it came as a paper
    for a supplement (DossierDocument.title names it)."""
    from_supplement = SupplementUpload.objects.filter(
        dossier=OuterRef("dossier_id"), document=OuterRef("document_id")
    )
    return (
        dossier.documents.select_related("document", "required_document")
        .annotate(from_supplement=Exists(from_supplement))
        .order_by("pk")
    )


def my_agency_ids(user: Any) -> set[int]:
    return permissions.agency_ids(user)


CONTACT_FIELDS = ("applicant_phone", "applicant_email", "applicant_address")


def queue(user: Any, key: str, now: dt.datetime | None = None) -> DossierQuerySet:
    """The dossiers of one work queue, among those the user may see."""
    now = now or timezone.now()
    # The queues never show contact details: not loading them saves decrypting three
    # columns per row (cchc/core/personal.py); a page that needs one loads it on access.
    qs: DossierQuerySet = Dossier.objects.visible_to(user).defer(*CONTACT_FIELDS)
    mine = my_agency_ids(user)
    at_mine = Q(current_agency_id__in=mine) if mine else Q()
    if key == "mine":
        return qs.open().filter(assignee=user)
    if key == "agency":
        return qs.open().filter(at_mine)
    if key == "due_soon":
        horizon = calendar().add_working_seconds(now, 8 * 3600)
        return qs.filter(at_mine).due_before(horizon).filter(due_at__gte=now)
    if key == "overdue":
        return qs.filter(at_mine).overdue(now)
    if key == "supplement":
        return qs.waiting_supplement().filter(
            Q(current_agency_id__in=mine) | Q(receiving_agency_id__in=mine) if mine else Q()
        )
    if key == "online":
        return qs.filter(status=Status.SUBMITTED).filter(
            Q(receiving_agency_id__in=mine) | Q(receiving_place_id__in=mine) if mine else Q()
        )
    if key == "to_return":  # handed back where it was received (state: return_result)
        return qs.filter(status=Status.FINISHED).filter(
            Q(receiving_agency_id__in=mine) | Q(receiving_place_id__in=mine) if mine else Q()
        )
    return qs


@dataclass
class DossierFilter:
    q: str = ""
    status: int | None = None
    procedure: str = ""
    agency: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    channel: int | None = None


# what a phone number typed at the counter looks like: digits and separators only (a dossier
# code has letters and dots, and must not be read as a phone number)
PHONE_RE = re.compile(r"^\+?[\d\s.()-]{9,20}$")


def _found(q: str) -> Q:
    """The dossiers whose folded code and name (their own table: DossierSearch) hold every
    word of `q`; or, for an ID number or a tax code, whose applicant has it (its hash); or,
    for four digits, whose applicant's ID number or tax code ends with them (the last four
    digits the citizen reads out at the counter); or, for a phone number, whose applicant's
    phone has that keyed hash (it is encrypted: never a clear copy). One subquery, a UNION of
    index look-ups (trigram, ID hash, last four digits, phone hash), so PostgreSQL finds the
    matching rows before it checks what the user may see."""
    found = DossierSearch.objects.filter(matches_folded("text", q)).values("dossier_id")
    if NATIONAL_ID_RE.match(q) or TAX_CODE_RE.match(q):
        by = Dossier.objects.filter(applicant_id_hash=hash_national_id(q))
        found = found.union(by.values("pk"), all=True)
    if LAST4_RE.match(q):
        by = Dossier.objects.filter(applicant_id_last4=q)
        found = found.union(by.values("pk"), all=True)
    if not NATIONAL_ID_RE.match(q) and PHONE_RE.match(q) and (phone := lookup_hash("phone", q)):
        by = Dossier.objects.filter(applicant_phone_hash=phone)
        found = found.union(by.values("pk"), all=True)
    return Q(pk__in=found)


def procedure_ids(term: str) -> list[int]:
    """The procedures a queue filter names: the one with that national code ("1.001193"),
    or else those whose name (code, field) holds every word, accents or not ("khai sinh"
    finds "Đăng ký khai sinh"); clerks think in names. Looked up first in the catalogue,
    every version (an old dossier keeps the version it was received under), so the queue
    is filtered by an indexed `procedure_id IN (...)`, never a join per dossier row."""
    term = term.strip()
    by_code = list(Procedure.objects.filter(code=term).values_list("pk", flat=True))
    return by_code or list(Procedure.objects.search(term).values_list("pk", flat=True))


def apply_filter(
    qs: DossierQuerySet, f: DossierFilter, now: dt.datetime | None = None
) -> DossierQuerySet:
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(_found(q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.procedure:
        qs = qs.filter(procedure_id__in=procedure_ids(f.procedure))
    if f.agency:
        code = f.agency.strip()
        qs = qs.filter(
            Q(current_agency__code=code)
            | Q(receiving_agency__code=code)
            | Q(competent_agency__code=code)
        )
    if f.received_from:
        qs = qs.filter(
            received_at__gte=dt.datetime.combine(f.received_from, dt.time.min, tzinfo=LOCAL_TZ)
        )
    if f.received_to:
        qs = qs.filter(
            received_at__lt=dt.datetime.combine(
                f.received_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ
            )
        )
    if f.overdue:
        qs = qs.overdue(now)
    return qs


def with_related(qs: DossierQuerySet) -> DossierQuerySet:
    return qs.select_related(
        "procedure", "current_agency", "receiving_agency", "competent_agency", "assignee"
    )


def with_supplement_sent(qs: DossierQuerySet) -> DossierQuerySet:
    """Each dossier knows whether the applicant has sent files for its supplement request
    that nobody has taken in yet (`supplement_sent`): the queue marks them, so the counter
    sees which of the dossiers waiting for papers can go on without opening each one."""
    pending = SupplementUpload.objects.filter(dossier=OuterRef("pk"), received_at__isnull=True)
    return qs.annotate(supplement_sent=Exists(pending))


# The order of each queue: the most pressing first. The dossiers to receive and the results to
# return in the order they came (the oldest has waited longest); those waiting for papers with
# the ones whose papers have come first; the queues of work in progress by due time.
QUEUE_ORDER: dict[str, tuple[str, ...]] = {
    "mine": ("due_at",),
    "agency": ("due_at",),
    "due_soon": ("due_at",),
    "overdue": ("due_at",),
    "supplement": ("-supplement_sent", "paused_since"),
    "online": ("submitted_at",),
    "to_return": ("submitted_at",),
    "all": ("-submitted_at",),
}


def step_clock(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The moment an open step is judged at: now, or the start of the wait for the
    applicant's supplement (the clock stands still meanwhile, domain.md §3)."""
    if dossier.is_paused and dossier.paused_since is not None:
        return min(now, dossier.paused_since)
    return now


def step_flags(dossier: Dossier, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The control slip (form 06): each hand-over with its early/on-time/late flag.

    A step still open past its due time is flagged late already; while the dossier waits for
    the applicant's supplement its clock stands still, so the step is judged at the pause.
    """
    now = step_clock(dossier, now or timezone.now())
    return [
        {
            "step": step,
            "outcome": step_outcome(step.outcome, step.due_at, step.completed_at, now),
            "open": step.completed_at is None,
        }
        for step in dossier.steps.select_related("agency", "handed_by", "assignee").order_by("seq")
    ]


def open_step_past_due(dossier: Dossier) -> DossierStep | None:
    """The dossier's open step when its deadline runs past the dossier's own due time (the
    appointment, moved by any supplement pause): the hand-over leaves the unit no time to
    return the result on the appointed date, which staff must be told at once."""
    step = dossier.steps.filter(completed_at__isnull=True).order_by("-seq").first()
    if step is None or step.due_at is None or dossier.due_at is None:
        return None
    return step if step.due_at > dossier.due_at else None


def step_outcome(
    outcome: str, due_at: dt.datetime | None, completed_at: dt.datetime | None, now: dt.datetime
) -> str:
    """The flag shown for a step: its recorded outcome, or LATE for an open step past due."""
    if not outcome and completed_at is None and due_at is not None and now > due_at:
        return "LATE"
    return outcome


def is_clock_running(dossier: Dossier) -> bool:
    return dossier.status in CLOCK_STATUSES


ONLINE_CHANNELS = (Channel.ONLINE,)


def reusable_documents(owner_id_hash: str) -> Any:
    """Digitised documents of one person (by the keyed hash of the citizen ID) that were part
    of an earlier dossier: they can be attached again without a new scan."""
    from django.db.models import OuterRef, Subquery

    from cchc.dossiers.models import DigitizedDocument, DossierDocument

    if not owner_id_hash:
        return DigitizedDocument.objects.none()
    # the dossier each came with first: two papers of one name (two ID card scans, a birth
    # certificate scanned twice) are told apart by it (DigitizedDocument.described)
    first_dossier = DossierDocument.objects.filter(document=OuterRef("pk")).order_by("pk")
    return (
        DigitizedDocument.objects.filter(owner_id_hash=owner_id_hash, uses__isnull=False)
        .distinct()
        .annotate(first_dossier_code=Subquery(first_dossier.values("dossier__code")[:1]))
        .order_by("-created_at")
    )
