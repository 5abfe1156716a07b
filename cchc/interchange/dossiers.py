"""dossiers.jsonl: one dossier per line with its status history (interchange.md §1).

Importing a dossier imports its history (`LichSu`) as events of the control slip and derives
every denormalised field with the step function the services use
(`cchc.dossiers.lifecycle.fold`), so an imported dossier and one handled here are
indistinguishable downstream, and an action refused live is refused in a history too.

Speed (design load: 6 M dossiers a year for one province, domain.md §9): one pass over the
file in chunks; agencies, procedures, rule versions and calendars are looked up in memory;
existing codes are fetched per chunk; new dossiers and their events go in with PostgreSQL
COPY (ids taken from the sequence beforehand), or `bulk_create` on SQLite.

The event log is append-only (database triggers refuse UPDATE/DELETE). A re-imported dossier
whose stored history is a prefix of the bundle's gets only the new tail appended and its
derived state replaced; one whose history differs in the past is refused with the entry
where it diverges.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from orjson import loads  # 3x faster than the standard library on the sync format's lines

from cchc.agencies.models import Agency
from cchc.catalogue.models import Procedure
from cchc.core.actors import IMPORT, actor_label
from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.models import RuleVersion
from cchc.core.rules import ONE_STOP
from cchc.dossiers import services
from cchc.dossiers.lifecycle import IMPORTED_ACTION_KEY, NAMED, Act, Refused, fold
from cchc.dossiers.models import Dossier, DossierEvent, DossierSearch, Evaluation
from cchc.dossiers.state import TRANSITIONS
from cchc.interchange.formats import (
    BOM,
    DOSSIERS,
    FileResult,
    Reject,
    RowError,
    format_datetime,
    json_line,
    json_problem,
    parse_datetime,
)
from cchc.interchange.pgload import EVENT_COLUMNS, IMPORT_ACTION, IMPORTED, event_data, event_hash

CHUNK = 5000
MAX_FEE = 10**15  # đồng: far above any fee, and inside a 64-bit column
# Old systems rarely carry the applicant's name in the sync format.
PLACEHOLDER_NAME = "(nhập từ hệ thống cũ)"
# Open statuses where the dossier sits at the unit of its last history entry; otherwise it is
# (back) at the receiving agency: a finished result waits at the receiving counter.
AT_LAST_UNIT = (4, 5, 6)
# Derived or bundle-given columns a re-import may change: all the import sets but the code
# (the key) and receiving_place (set only when the dossier is created, like the applicant:
# the bundle does not carry them).
COMPARED = tuple(c for c in IMPORTED if c not in ("code", "receiving_place_id"))
EXPORT_KEYS = (
    "MaHoSo",
    "MaTTHC",
    "MaDonViTiepNhan",
    "MaDonViXuLy",
    "KenhThucHien",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTraKetQua",
    "TrangThaiHoSo",
    "DuocThanhToanTrucTuyen",
    "PhiLePhi",
    "HoSoCoThanhPhanSoHoa",
    "CoKetQuaDienTu",
    "TaiSuDungDuLieuSoHoa",
    "DongBoDVCQG",
    "DanhGia",
    "LichSu",
)
FLAGS = (
    ("HoSoCoThanhPhanSoHoa", "has_digitized_components"),
    ("CoKetQuaDienTu", "has_electronic_result"),
    ("TaiSuDungDuLieuSoHoa", "reused_digitized_data"),
    # synchronised to the national portal by the previous system (optional, absent = 0)
    ("DongBoDVCQG", "synced_to_portal"),
)
FLAG_KEYS = tuple(key for key, _attname in FLAGS)
# Statuses after which a result exists (domain.md §3: 9 finished, 10 returned).
RESULT_STATUSES = (9, 10)
# Every allowed (from, to) change of status, for the per-entry fast path.
ALLOWED = frozenset((a, b) for a, targets in TRANSITIONS.items() for b in targets)
NO_DATA: dict[str, Any] = {}  # shared by the actions without data (the step only reads it)
fromisoformat = dt.datetime.fromisoformat


def _moment_kept(value: Any, what: str, texts: dict[int, str]) -> dt.datetime | None:
    """parse_datetime, remembering the text of a canonical value under the result's id()."""
    if value is None:
        return None
    moment = parse_datetime(value, what)
    if moment is not None and len(value) == 25 and value[10] == "T" and value[19] in "+-":
        texts[id(moment)] = value
    return moment


def _is_int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _moment(value: Any) -> dt.datetime | None:
    """Fast path for a well-formed ISO datetime with offset; None sends the value to the
    full check (which explains what is wrong)."""
    if type(value) is str and len(value) >= 19:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is not None:
            return moment
    return None


class Parsed:
    """A validated dossier line: its columns and its history."""

    __slots__ = ("code", "cols", "events", "texts")

    def __init__(
        self,
        code: str,
        cols: dict[str, Any],
        events: list[tuple[Any, ...]],
        texts: dict[int, str] | None = None,
    ):
        self.code = code
        self.cols = cols
        # (at, from_status, to_status, agency_id, note, new_appointment_at, action named or '')
        self.events = events
        # id() of a datetime above → the canonical text it was given in (see `_moment_kept`)
        self.texts = texts or {}


class Context:
    """Everything a line is checked against, loaded once per file."""

    def __init__(self) -> None:
        self.agencies: dict[str, tuple[int, str]] = {
            code: (pk, province)
            for code, pk, province in Agency.objects.values_list("code", "pk", "province_code")
        }
        self.procedures: dict[str, Procedure] = {
            p.code: p for p in Procedure.objects.only("pk", "code", "time_unit", "processing_time")
        }
        self.rules = list(RuleVersion.objects.filter(key=ONE_STOP).order_by("-effective_from"))
        self._rule_on: dict[dt.date, RuleVersion | None] = {}
        self._calendars: dict[tuple[str, int], WorkingCalendar] = {}
        self.actor_label = actor_label(IMPORT)  # the bulk load names the import actor

    def rule_on(self, day: dt.date) -> RuleVersion | None:
        """The one-stop rule version in force on `day` (same choice as RuleVersion.in_force)."""
        if day not in self._rule_on:
            self._rule_on[day] = next(
                (
                    r
                    for r in self.rules
                    if r.effective_from <= day and (r.effective_to is None or r.effective_to >= day)
                ),
                None,
            )
        return self._rule_on[day]

    def calendar(self, province: str, rule: RuleVersion) -> WorkingCalendar:
        key = (province, rule.pk)
        cal = self._calendars.get(key)
        if cal is None:
            cal = self._calendars[key] = services.calendar_for(province, rule)
        return cal

    def prepare_calendars(self) -> None:
        """Build every (province, rule version) calendar now: worker processes cannot read
        the province's calendar exceptions from the database."""
        for province in {province for _pk, province in self.agencies.values()}:
            for rule in self.rules:
                self.calendar(province, rule)

    def agency(self, code: Any, what: str) -> tuple[int, str]:
        found = self.agencies.get(code) if isinstance(code, str) else None
        if found is None:
            raise RowError(
                _("unknown agency code %(code)r (%(what)s).") % {"code": code, "what": what}
            )
        return found

    def _entry(
        self, item: Any, current: int | None, previous_at: dt.datetime | None
    ) -> tuple[Any, ...]:
        """One history entry: (at, to_status, agency_id, note, new appointment or None,
        action named by the entry or '')."""
        if not isinstance(item, dict):
            raise RowError(_("the entry is not an object."))
        to = item.get("TrangThai")
        if not _is_int(to, 1, 10):
            raise RowError(_("TrangThai must be from 1 to 10, not %(value)r.") % {"value": to})
        at = _moment(item.get("ThoiDiem"))
        if at is None:
            at = parse_datetime(item.get("ThoiDiem"), "ThoiDiem", required=True)
        if previous_at is not None and at < previous_at:  # type: ignore[operator]
            raise RowError(_("it is earlier than the entry before it."))
        unit = item.get("DonVi")
        agency_id = None if unit in (None, "") else self.agency(unit, "DonVi")[0]
        note = item.get("GhiChu") or ""
        if not isinstance(note, str):
            raise RowError(_("GhiChu must be text."))
        if "\x00" in note:  # PostgreSQL text cannot hold it: refuse the line, not the whole COPY
            raise RowError(_("GhiChu contains a NUL character."))
        # Extension: an apology (Circular 03/2025, form 04) keeps the status and carries the
        # new appointment; the fold moves the due date with it.
        new_appointment = (
            parse_datetime(item.get("NgayHenTraMoi"), "NgayHenTraMoi")
            if "NgayHenTraMoi" in item
            else None
        )
        if new_appointment is not None:
            if to != current:
                raise RowError(
                    _("an apology (NgayHenTraMoi) must keep the status %(status)s.")
                    % {"status": current}
                )
        # Extension: the action the entry stands for (HanhDong), as this platform exports it;
        # absent, the step function infers it from the statuses.
        action = item.get("HanhDong") or ""
        if action and (type(action) is not str or action not in NAMED):
            raise RowError(_("HanhDong %(value)r is not a known action.") % {"value": action})
        # Whether the change of status is allowed is the step function's to say (`parse`
        # folds the history through it): the same words as a live refusal.
        return at, to, agency_id, note, new_appointment, action

    # -- one line -------------------------------------------------------------------------
    def parse(self, raw: bytes) -> Parsed:  # noqa: C901, PLR0912, PLR0915 - one flat list of checks reads best
        """Validate one line and derive the dossier's state from its history.

        Hot path of the import (tens of thousands of lines a second): the common well-formed
        entry is checked inline; anything unusual goes through `_entry`, which says what is
        wrong. Both accept and refuse exactly the same input.
        """
        if raw[:3] == BOM:  # Notepad's "UTF-8" starts the file with one
            raw = raw[3:]
        try:
            d = loads(raw)
        except ValueError:
            raise RowError(json_problem(raw)) from None
        if type(d) is not dict:
            raise RowError(_("the line must be a JSON object."))
        get = d.get
        code = get("MaHoSo")
        if not isinstance(code, str) or not code.strip() or len(code) > 60 or "\x00" in code:
            raise RowError(_("MaHoSo (dossier code) is missing or longer than 60 characters."))
        procedure = self.procedures.get(get("MaTTHC"))  # type: ignore[arg-type]
        if procedure is None:
            raise RowError(_("unknown procedure code %(code)r (MaTTHC).") % {"code": get("MaTTHC")})
        receiving_id, province = self.agency(get("MaDonViTiepNhan"), "MaDonViTiepNhan")
        competent = get("MaDonViXuLy")
        competent_id = (
            receiving_id
            if competent is None or competent == ""
            else self.agency(competent, "MaDonViXuLy")[0]
        )
        channel = get("KenhThucHien")
        if not _is_int(channel, 1, 3):
            raise RowError(_("KenhThucHien must be 1, 2 or 3, not %(value)r.") % {"value": channel})
        status = get("TrangThaiHoSo")
        if not _is_int(status, 1, 10):
            raise RowError(
                _("TrangThaiHoSo must be a status code from 1 to 10, not %(value)r.")
                % {"value": status}
            )
        paid = get("DuocThanhToanTrucTuyen") or 0
        if not _is_int(paid, 0, 2):
            raise RowError(
                _("DuocThanhToanTrucTuyen must be 0, 1 or 2, not %(value)r.") % {"value": paid}
            )
        fee = get("PhiLePhi") or 0
        if not _is_int(fee, 0, MAX_FEE):
            if _is_int(fee, -(10**30), -1):
                raise RowError(_("PhiLePhi cannot be negative: %(value)s.") % {"value": fee})
            if type(fee) in (int, float) and fee > MAX_FEE:
                raise RowError(
                    _("PhiLePhi %(value)r is larger than any fee (at most %(max)s đồng).")
                    % {"value": fee, "max": f"{MAX_FEE:,}".replace(",", ".")}
                )
            raise RowError(
                _("PhiLePhi must be a whole number of đồng, not %(value)r.") % {"value": fee}
            )
        rating = get("DanhGia")
        if rating is not None and not _is_int(rating, 1, 5):
            raise RowError(
                _("DanhGia must be from 1 to 5 or null, not %(value)r.") % {"value": rating}
            )
        flags = []
        for key in FLAG_KEYS:
            value = get(key)
            if value not in (0, 1, None, True, False):
                raise RowError(
                    _("%(what)s must be 0 or 1, not %(value)r.") % {"what": key, "value": value}
                )
            flags.append(bool(value))
        # Datetimes keep the text they came in when it is already the canonical
        # `YYYY-MM-DDTHH:MM:SS+HH:MM`: the COPY writer reuses it instead of formatting again.
        texts: dict[int, str] = {}
        # Only values that stay referenced by the result are remembered (ids are reused).
        submitted_at = _moment_kept(get("NgayNopHoSo"), "NgayNopHoSo", texts)
        received_given = parse_datetime(get("NgayTiepNhan"), "NgayTiepNhan")
        appointment_at = _moment_kept(get("NgayHenTra"), "NgayHenTra", texts)
        ended_given = parse_datetime(get("NgayKetThucXuLy"), "NgayKetThucXuLy")
        returned_given = parse_datetime(get("NgayTraKetQua"), "NgayTraKetQua")

        history = get("LichSu")
        if type(history) is not list or not history:
            raise RowError(_("LichSu (the status history) is missing or empty."))
        events: list[tuple[Any, ...]] = []
        acts: list[Act] = []
        current: int | None = None
        previous_at: dt.datetime | None = None
        unit_id = receiving_id
        agencies = self.agencies
        first_receipt = None
        for n, item in enumerate(history, 1):
            # Fast path: a plain entry (no apology) that is well formed in every respect.
            if type(item) is dict and "NgayHenTraMoi" not in item:
                to = item.get("TrangThai")
                text = item.get("ThoiDiem")
                unit = item.get("DonVi")
                note = item.get("GhiChu") or ""
                action = item.get("HanhDong") or ""
                if (
                    type(to) is int
                    and (current, to) in ALLOWED
                    and (not action or (type(action) is str and action in NAMED))
                    and type(text) is str
                    and len(text) == 25
                    and text[10] == "T"
                    and text[19] in "+-"
                    and type(note) is str
                    and "\x00" not in note
                    and (unit is None or unit == "" or (type(unit) is str and unit in agencies))
                ):
                    try:
                        at = fromisoformat(text)
                    except ValueError:
                        at = None
                    if (
                        at is not None
                        and at.tzinfo is not None
                        and (previous_at is None or at >= previous_at)
                    ):
                        texts[id(at)] = text
                        agency_id = None if unit is None or unit == "" else agencies[unit][0]
                        events.append((at, current, to, agency_id, note, None, action))
                        acts.append(Act(action, at, NO_DATA, to))
                        if agency_id is not None:
                            unit_id = agency_id
                        if to == 2 and first_receipt is None:
                            first_receipt = at
                        current, previous_at = to, at
                        continue
            try:
                event = self._entry(item, current, previous_at)
            except RowError as exc:
                raise RowError(
                    _("LichSu entry %(n)s: %(reason)s") % {"n": n, "reason": exc}
                ) from None
            at, to, agency_id, note, new_appointment, action = event
            events.append((at, current, to, agency_id, note, new_appointment, action))
            acts.append(
                Act(
                    action,
                    at,
                    {"new_appointment_at": new_appointment} if new_appointment else NO_DATA,
                    to,
                )
            )
            if agency_id is not None:
                unit_id = agency_id
            if to == 2 and first_receipt is None:
                first_receipt = at
            current, previous_at = to, at
        if current != status:
            raise RowError(
                _("TrangThaiHoSo is %(given)s but the history ends with status %(last)s.")
                % {"given": status, "last": current}
            )

        if first_receipt is None:
            first_receipt = events[0][0]
        rule = self.rule_on(first_receipt.astimezone(LOCAL_TZ).date())
        if rule is None:
            raise RowError(
                _("no one-stop rule version is in force on %(day)s.")
                % {"day": first_receipt.date()}
            )
        cal = self.calendar(province, rule)
        due = (
            None
            if appointment_at is not None
            else (lambda at: services.legal_due(procedure, at, cal).due_at)
        )
        try:
            st = fold(acts, calendar=cal, code=code, appointment_at=appointment_at, legal_due=due)
        except Refused as exc:
            _at, frm, to = events[exc.entry - 1][:3]
            raise RowError(
                _("LichSu entry %(n)s (status %(a)s → %(b)s): %(reason)s")
                % {
                    "n": exc.entry,
                    "a": frm if frm is not None else "-",
                    "b": to,
                    "reason": exc.message,
                }
            ) from None
        for given, derived, key in (
            (received_given, st.received_at, "NgayTiepNhan"),
            (ended_given, st.processing_ended_at, "NgayKetThucXuLy"),
            (returned_given, st.returned_at, "NgayTraKetQua"),
        ):
            # The history is the truth; a summary date that contradicts it is an error in
            # the old system's data (a date the history does not reach is left to it).
            if given is not None and derived is not None and given != derived:
                raise RowError(
                    _("%(key)s %(given)s contradicts the history (%(derived)s).")
                    % {
                        "key": key,
                        "given": format_datetime(given),
                        "derived": format_datetime(derived),
                    }
                )
        if (
            submitted_at is not None
            and st.received_at is not None
            and submitted_at > st.received_at
        ):
            raise RowError(_("NgayNopHoSo is later than the reception in the history."))
        if flags[1] and not any(e[2] in RESULT_STATUSES for e in events):
            # The bundle carries no files: the flag is the previous system's record of a
            # result it issued electronically (kept as given, under the import actor), which
            # can only exist once processing finished (Decision 766, "electronic result").
            raise RowError(
                _(
                    "CoKetQuaDienTu is 1 but the history never reaches status 9 (finished) or "
                    "10 (returned): a dossier without a result cannot have an electronic result."
                )
            )
        cols = {
            "code": code,
            "receiving_place_id": receiving_id,
            "procedure_id": procedure.pk,
            "rule_version_id": rule.pk,
            "form_set": rule.params.get("form_set", ""),
            "channel": channel,
            "receiving_agency_id": receiving_id,
            "competent_agency_id": competent_id,
            "current_agency_id": unit_id if status in AT_LAST_UNIT else receiving_id,
            "status": status,
            "submitted_at": submitted_at or st.submitted_at,
            "received_at": st.received_at,
            "initial_appointment_at": st.initial_appointment_at,
            "appointment_at": st.appointment_at,
            "due_at": st.due_at,
            "processing_ended_at": st.processing_ended_at,
            "finished_at": st.finished_at,
            "returned_at": st.returned_at,
            "closed_at": st.closed_at,
            "paused_since": st.paused_since,
            "paused_seconds": st.paused_seconds,
            "supplement_count": st.supplement_count,
            "apology_count": st.apology_count,
            "fee_amount": fee,
            "paid_online": paid,
            "rating": rating,
            "has_digitized_components": flags[0],
            "has_electronic_result": flags[1],
            "reused_digitized_data": flags[2],
            "synced_to_portal": flags[3],
        }
        return Parsed(code, cols, events, texts)


def _same_history(stored: list[tuple[Any, ...]], bundle: list[tuple[Any, ...]]) -> int | None:
    """None if the stored history is a prefix of the bundle's, else the first differing entry."""
    if len(stored) > len(bundle):
        return len(bundle) + 1
    for n, (old, new) in enumerate(zip(stored, bundle, strict=False), 1):
        if old != (new[0], new[2], new[3], new[4], new[5]):
            return n
    return None


# -- writers ------------------------------------------------------------------------------
def _event_rows(
    dossier_id: int, p: Parsed, start: int, now: dt.datetime, label: str, previous: str = ""
) -> Iterator[tuple[Any, ...]]:
    """The event rows of the history from entry `start` on, each chained to the one before
    (`previous`: the hash of the last stored row when a tail is appended)."""
    for seq, (at, from_status, to, agency_id, note, new_appointment, action) in enumerate(
        p.events[start:], start + 1
    ):
        data = event_data(new_appointment, action)
        previous = event_hash(
            previous, dossier_id, seq, at, from_status, to, agency_id, note, data, label
        )
        yield (
            dossier_id,
            seq,
            at,
            now,
            IMPORT_ACTION,
            from_status,
            to,
            None,
            label,
            agency_id,
            None,
            note,
            previous,
            json.dumps(data) if data else "{}",
        )


class Writer:
    """Inserts new dossiers with their events, updates changed ones, appends history tails."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.now = timezone.now()
        self.fields = [f for f in Dossier._meta.concrete_fields if f.attname != "id"]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.defaults.update(
            created_at=self.now,
            updated_at=self.now,
            details="{}",
            applicant_name=PLACEHOLDER_NAME,
            version=0,
        )

    def create(self, items: list[Parsed]) -> list[int]:
        """Insert the dossiers and their events (SQLite and other non-PostgreSQL databases;
        PostgreSQL takes `pgload`)."""
        return self._orm(items)

    def _orm(self, items: list[Parsed]) -> list[int]:
        base = {k: v for k, v in self.defaults.items() if k not in ("details",)}
        objs = [Dossier(**{**base, **p.cols}) for p in items]
        Dossier.objects.bulk_create(objs, batch_size=500)
        DossierSearch.objects.bulk_create([DossierSearch.for_dossier(o) for o in objs], 500)
        events = [
            DossierEvent(
                **dict(zip(EVENT_COLUMNS, row[:-1], strict=False)), data=json.loads(row[-1])
            )
            for obj, p in zip(objs, items, strict=True)
            for row in _event_rows(obj.pk, p, 0, self.now, self.ctx.actor_label)
        ]
        DossierEvent.objects.bulk_create(events, batch_size=500)
        return [o.pk for o in objs]

    def update(self, changes: list[tuple[int, Parsed, int]]) -> None:
        """(dossier id, parsed, number of stored events): replace state, append the tail."""
        objs = []
        for pk, p, _stored in changes:
            obj = Dossier(pk=pk, **p.cols)
            obj.updated_at = self.now
            objs.append(obj)
        Dossier.objects.bulk_update(objs, [*COMPARED, "updated_at"], batch_size=500)
        ids = [pk for pk, _p, _s in changes]
        for i in range(0, len(ids), 1000):
            # the appended tail moves the log's end: "unknown" makes the next service action
            # read it (cchc.core.events.next_seq / previous_hash)
            Dossier.objects.filter(pk__in=ids[i : i + 1000]).update(
                version=F("version") + 1, last_event_seq=0, last_event_head=""
            )
        last = _last_hashes([pk for pk, _p, stored in changes if stored])
        rows = [
            DossierEvent(
                **dict(zip(EVENT_COLUMNS, row[:-1], strict=False)), data=json.loads(row[-1])
            )
            for pk, p, stored in changes
            for row in _event_rows(pk, p, stored, self.now, self.ctx.actor_label, last.get(pk, ""))
        ]
        DossierEvent.objects.bulk_create(rows, batch_size=500)


def _last_hashes(ids: list[int]) -> dict[int, str]:
    """The hash of the last stored event of each of these dossiers (the chain a history tail
    continues); read in the import's transaction."""
    last: dict[int, str] = {}
    for i in range(0, len(ids), 1000):
        for pk, hash_ in (
            DossierEvent.objects.filter(dossier_id__in=ids[i : i + 1000])
            .order_by("dossier_id", "seq")
            .values_list("dossier_id", "hash")
        ):
            last[pk] = hash_
    return last


# -- the file -----------------------------------------------------------------------------
def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, 1):
            raw = raw.rstrip(b"\r\n")
            if raw.strip():
                yield n, raw


def import_dossiers(path: Path, *, skip_invalid: bool, trusted: bool = False) -> FileResult:
    """Validate and load dossiers.jsonl inside the caller's transaction.

    `trusted` (PostgreSQL, and only where the role may) lets the loader turn the row-by-row
    foreign-key triggers off for its COPY and check the references set-based instead
    (cchc.interchange.pgload); without it PostgreSQL checks every foreign key as usual.

    Without `skip_invalid`, writing stops at the first bad row (every line is still checked so
    all bad rows are reported) and the caller rolls the file back.
    """
    ctx = Context()
    result = FileResult(name=DOSSIERS)
    if connection.vendor == "postgresql":
        return _import_postgresql(path, ctx, result, skip_invalid, trusted)
    writer = Writer(ctx)
    seen: dict[str, int] = {}
    chunk: list[tuple[int, bytes]] = []
    for item in _lines(path):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            _process(chunk, ctx, writer, result, seen, skip_invalid)
            chunk = []
    if chunk:
        _process(chunk, ctx, writer, result, seen, skip_invalid)
    return result


def _import_postgresql(
    path: Path, ctx: Context, result: FileResult, skip_invalid: bool, trusted: bool
) -> FileResult:
    """New dossiers stream through `pgload.PgLoader` (workers + COPY); lines whose code is
    already stored take the re-import path below (update, append the tail, or unchanged)."""
    from cchc.interchange.pgload import PgLoader

    ctx.prepare_calendars()
    writer = Writer(ctx)
    loader = PgLoader(
        ctx,
        result,
        skip_invalid=skip_invalid,
        defaults=writer.defaults,
        label=ctx.actor_label,
        trusted=trusted,
    )

    def existing(lines: list[tuple[int, bytes]]) -> None:
        prepared = []
        for line, raw in lines:
            try:
                prepared.append((line, raw, ctx.parse(raw)))
            except RowError as exc:  # parsed once already: cannot differ, but never lose a line
                result.rejects.append(Reject(line, str(exc), raw))
        _reimport(prepared, writer, result, skip_invalid=skip_invalid)

    start = time.monotonic()
    loader.run(path, existing)
    result.stats = {
        "loader": "postgresql-copy",
        "workers": loader.workers,
        "ri_triggers": not loader.trusted,
        "seconds": round(time.monotonic() - start, 2),
        **{k: round(v, 2) for k, v in loader.timings.items()},
    }
    return result


def _process(
    chunk: list[tuple[int, bytes]],
    ctx: Context,
    writer: Writer,
    result: FileResult,
    seen: dict[str, int],
    skip_invalid: bool,
) -> None:
    prepared: list[tuple[int, bytes, Parsed]] = []
    for line, raw in chunk:
        try:
            p = ctx.parse(raw)
        except RowError as exc:
            result.rejects.append(Reject(line, str(exc), raw))
            continue
        first = seen.get(p.code)
        if first is not None:
            result.rejects.append(
                Reject(
                    line,
                    _("dossier %(code)s already appears on line %(line)s.")
                    % {"code": p.code, "line": first},
                    raw,
                )
            )
            continue
        seen[p.code] = line
        prepared.append((line, raw, p))
    existing = dict(
        Dossier.objects.filter(code__in=[p.code for _l, _r, p in prepared]).values_list(
            "code", "pk"
        )
    )
    new = [p for _l, _r, p in prepared if p.code not in existing]
    _reimport(
        [item for item in prepared if item[2].code in existing],
        writer,
        result,
        skip_invalid=skip_invalid,
        existing=existing,
    )
    result.created += len(new)
    if result.rejects and not skip_invalid:
        return  # the file will be refused: keep checking lines, stop writing
    if new:
        result.changed_ids.extend(writer.create(new))


def _stored(ids: list[int]) -> tuple[dict[int, list[tuple[Any, ...]]], dict[int, dict[str, Any]]]:
    """The stored histories (as `_same_history` compares them) and COMPARED columns of these
    dossiers. On PostgreSQL a binary cursor: its C loaders read the ~5 timestamps a dossier
    carries many times faster than the ORM's text loader (a re-import reads them all)."""
    stored: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in ids}
    current: dict[int, dict[str, Any]] = {}
    step = 10000
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        # Django's cursors bind parameters client-side, which allows no binary results.
        with psycopg.Cursor(connection.connection) as cur:
            for i in range(0, len(ids), step):
                cur.execute(
                    "SELECT dossier_id, at, to_status, COALESCE(target_agency_id, agency_id), note, "
                    "data->>'new_appointment_at' FROM dossiers_dossierevent WHERE dossier_id = ANY(%s) "
                    "ORDER BY dossier_id, seq",
                    [ids[i : i + step]],
                    binary=True,
                )
                for pk, at, to, unit, note, new_appointment in cur:
                    stored[pk].append(
                        (
                            at,
                            to,
                            unit,
                            note,
                            dt.datetime.fromisoformat(new_appointment) if new_appointment else None,
                        )
                    )
                cur.execute(
                    f"SELECT id, {', '.join(COMPARED)} FROM dossiers_dossier WHERE id = ANY(%s)",  # noqa: S608 - fixed names
                    [ids[i : i + step]],
                    binary=True,
                )
                current.update((row[0], dict(zip(COMPARED, row[1:], strict=True))) for row in cur)
        return stored, current
    for i in range(0, len(ids), step):
        for pk, at, to, agency_id, target_id, note, data in (
            DossierEvent.objects.filter(dossier_id__in=ids[i : i + step])
            .order_by("dossier_id", "seq")
            .values_list(
                "dossier_id", "at", "to_status", "agency_id", "target_agency_id", "note", "data"
            )
        ):
            new_appointment = (data or {}).get("new_appointment_at")
            stored[pk].append(
                (
                    at,
                    to,
                    target_id or agency_id,
                    note,
                    dt.datetime.fromisoformat(new_appointment) if new_appointment else None,
                )
            )
        current.update(
            (row["id"], row)
            for row in Dossier.objects.filter(pk__in=ids[i : i + step]).values("id", *COMPARED)
        )
    return stored, current


def _reimport(
    prepared: list[tuple[int, bytes, Parsed]],
    writer: Writer,
    result: FileResult,
    *,
    skip_invalid: bool,
    existing: dict[str, int] | None = None,
) -> None:
    """Lines whose dossier is already stored: unchanged, updated (derived state replaced and
    the new tail of the history appended), or refused when the stored history diverges."""
    if not prepared:
        return
    if existing is None:
        existing = dict(
            Dossier.objects.filter(code__in=[p.code for _l, _r, p in prepared]).values_list(
                "code", "pk"
            )
        )
    ids = list(existing.values())
    stored, current = _stored(ids)
    changes: list[tuple[int, Parsed, int]] = []
    for line, raw, p in prepared:
        pk = existing[p.code]
        diverges = _same_history(stored[pk], p.events)
        if diverges is not None:
            result.rejects.append(
                Reject(
                    line,
                    _(
                        "dossier %(code)s: its history differs from the one already imported at entry %(n)s; "
                        "the control slip is append-only, so only new entries at the end can be added."
                    )
                    % {"code": p.code, "n": diverges},
                    raw,
                )
            )
            continue
        row = current[pk]
        if len(stored[pk]) == len(p.events) and all(row[k] == p.cols[k] for k in COMPARED):
            result.unchanged += 1
        else:
            changes.append((pk, p, len(stored[pk])))
    result.updated += len(changes)
    if changes and (skip_invalid or not result.rejects):
        writer.update(changes)
        result.changed_ids.extend(pk for pk, _p, _s in changes)


# -- export ---------------------------------------------------------------------------------
RECORD_FIELDS = (
    "pk",
    "code",
    "procedure_id",
    "receiving_agency_id",
    "competent_agency_id",
    "channel",
    "submitted_at",
    "received_at",
    "initial_appointment_at",
    "processing_ended_at",
    "returned_at",
    "status",
    "paid_online",
    "fee_amount",
    "has_digitized_components",
    "has_electronic_result",
    "reused_digitized_data",
    "synced_to_portal",
    "rating",
)


def national_records(
    rows: list[dict[str, Any]],
    agencies: dict[int, str] | None = None,
    procedures: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The dossiers (rows of `Dossier.values(*RECORD_FIELDS)`) in the national dossier-sync
    field names (interchange.md §1), each with its full history: what the bundle export
    writes and what the synchronisation to the national portal sends."""
    if agencies is None:
        agencies = dict(Agency.objects.values_list("pk", "code"))
    if procedures is None:
        procedures = dict(
            Procedure.objects.filter(pk__in={r["procedure_id"] for r in rows}).values_list(
                "pk", "code"
            )
        )
    ids = [r["pk"] for r in rows]
    history: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for pk, action, at, to, agency_id, target_id, note, data in (
        DossierEvent.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "seq")
        .values_list(
            "dossier_id",
            "action",
            "at",
            "to_status",
            "agency_id",
            "target_agency_id",
            "note",
            "data",
        )
    ):
        # DonVi: the unit holding the dossier after this entry (the receiver of a hand-over).
        unit = target_id or agency_id
        item: dict[str, Any] = {
            "TrangThai": to,
            "ThoiDiem": format_datetime(at),
            "DonVi": agencies.get(unit) if unit else None,
            "GhiChu": note or "",
        }
        new_appointment = (data or {}).get("new_appointment_at")
        if new_appointment:
            item["NgayHenTraMoi"] = format_datetime(dt.datetime.fromisoformat(new_appointment))
        # HanhDong: the action, so a replay tells an assignment from a same-unit hand-over
        # (an imported entry names what its own history named, if anything)
        named = (data or {}).get(IMPORTED_ACTION_KEY, "") if action == IMPORT_ACTION else action
        if named:
            item["HanhDong"] = named
        history[pk].append(item)
    ratings = dict(
        Evaluation.objects.filter(dossier_id__in=ids).values_list("dossier_id", "satisfaction")
    )
    out = []
    for r in rows:
        rating = r["rating"] if r["rating"] is not None else ratings.get(r["pk"])
        out.append(
            {
                "MaHoSo": r["code"],
                "MaTTHC": procedures[r["procedure_id"]],
                "MaDonViTiepNhan": agencies[r["receiving_agency_id"]],
                "MaDonViXuLy": agencies[r["competent_agency_id"]],
                "KenhThucHien": r["channel"],
                "NgayNopHoSo": format_datetime(r["submitted_at"]),
                "NgayTiepNhan": format_datetime(r["received_at"]),
                "NgayHenTra": format_datetime(r["initial_appointment_at"]),
                "NgayKetThucXuLy": format_datetime(r["processing_ended_at"]),
                "NgayTraKetQua": format_datetime(r["returned_at"]),
                "TrangThaiHoSo": r["status"],
                "DuocThanhToanTrucTuyen": r["paid_online"],
                "PhiLePhi": r["fee_amount"],
                "HoSoCoThanhPhanSoHoa": int(r["has_digitized_components"]),
                "CoKetQuaDienTu": int(r["has_electronic_result"]),
                "TaiSuDungDuLieuSoHoa": int(r["reused_digitized_data"]),
                "DongBoDVCQG": int(r["synced_to_portal"]),
                "DanhGia": rating,
                "LichSu": history[r["pk"]],
            }
        )
    return out


def export_dossiers(handle: Any, date_from: dt.date, date_to: dt.date, batch: int = 2000) -> int:
    """Write the dossiers received (or, never received, submitted) between the two local
    dates, inclusive, ordered by code, each with its full history."""
    from django.db.models import Q

    start = dt.datetime.combine(date_from, dt.time(), LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
    in_range = Q(received_at__gte=start, received_at__lt=end) | Q(
        received_at__isnull=True, submitted_at__gte=start, submitted_at__lt=end
    )
    agencies = dict(Agency.objects.values_list("pk", "code"))
    procedures = dict(Procedure.objects.values_list("pk", "code"))
    count, last_code = 0, ""
    while True:
        rows = list(
            Dossier.objects.filter(in_range, code__gt=last_code)
            .order_by("code")
            .values(*RECORD_FIELDS)[:batch]
        )
        if not rows:
            return count
        for record in national_records(rows, agencies, procedures):
            handle.write(json_line(record))
            count += 1
        last_code = rows[-1]["code"]
