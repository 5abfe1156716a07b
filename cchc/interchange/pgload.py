"""The PostgreSQL loader of dossiers.jsonl: parse in worker processes, COPY in text format.

Why this shape (measured, see docs/performance.md "Import of an interchange bundle"): on the
2-CPU reference machine the server's insert work (13 indexes on dossiers_dossier, 2 on
dossiers_dossierevent) and our per-line Python (JSON, validation, the status fold) each need
about one core at the target rate, so they must run at the same time on different cores:

- the file is cut into blocks of whole lines (`BLOCK_BYTES`); each block goes to a worker
  process (forked: it inherits the file's `Context` — agencies, procedures, rule versions,
  calendars — and never touches the database), which validates every line with the same
  `Context.parse` as the serial path and formats the COPY text of the dossier and its
  events with ids reserved for it from the dossier sequence;
- the main process keeps the one connection and the file's one transaction (the contract's
  all-or-nothing per file): it checks codes against the database and across blocks, then
  streams the text of each block with COPY while the workers parse the next blocks.

Foreign keys: every id written is taken from tables read in this transaction (agencies,
procedures, rule versions) or reserved here (dossier ids), so the row-by-row RI triggers
(two thirds of the server's work in a trial) are redundant. Where the role may set
`session_replication_role` (superuser, or PostgreSQL 15+ `GRANT SET ON PARAMETER
session_replication_role`), the two tables carry no INSERT trigger of their own and the
caller said the bundle is trusted (`import_bundle --trusted`), the loader turns the
triggers off for the COPY only — as `pg_restore --disable-triggers` does —
and instead locks the referenced agencies, procedures and rule versions `FOR KEY SHARE` and
checks they all still exist, the exact guarantee the RI triggers give. Otherwise (the
default) the triggers run as usual: foreign keys are checked row by row, by any role.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.events import row_hash
from cchc.dossiers import lifecycle
from cchc.dossiers.lifecycle import IMPORTED_ACTION_KEY
from cchc.dossiers.models import DossierEvent, DossierSearch
from cchc.interchange.formats import Reject, RowError

# ~4,000 dossiers of the sync format: large enough that the per-COPY and per-task overheads
# vanish, small enough that the first COPY starts at once and memory stays flat.
BLOCK_BYTES = 4 << 20
# Blocks parsed ahead of the one being written (bounded: the workers must not run away).
AHEAD = 4
# Existing codes are looked up for one line in this many while none has been found (see
# `PgLoader.stored_codes`).
SAMPLE_EVERY = 256
# Files smaller than this are parsed in the main process (forking costs ~50 ms).
PARALLEL_FROM_BYTES = 8 << 20
IMPORT_ACTION = "import"
NULL = "\\N"
# COPY text format: backslash, tab, newline and carriage return are escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# Columns the import sets, in COPY order; the others get the model's defaults (one constant).
IMPORTED = (
    "code",
    "receiving_place_id",
    "procedure_id",
    "rule_version_id",
    "form_set",
    "channel",
    "receiving_agency_id",
    "competent_agency_id",
    "current_agency_id",
    *lifecycle.FIELDS,  # the derived state the history's replay computed
    "fee_amount",
    "paid_online",
    "rating",
    "has_digitized_components",
    "has_electronic_result",
    "reused_digitized_data",
    "synced_to_portal",
)
EVENT_COLUMNS = (
    "dossier_id",
    "seq",
    "at",
    "recorded_at",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_label",
    "agency_id",
    "target_agency_id",
    "note",
    "hash",
    "data",
)


def event_data(new_appointment: dt.datetime | None, action: str) -> dict[str, Any]:
    """The data of an imported event: an apology's new appointment, the action the entry
    named (kept so that an export names it again: assign vs same-unit hand-over)."""
    data: dict[str, Any] = {}
    if new_appointment:
        data["new_appointment_at"] = new_appointment.isoformat()
    if action:
        data[IMPORTED_ACTION_KEY] = action
    return data


def event_hash(
    previous: str,
    dossier_id: int,
    seq: int,
    at: dt.datetime,
    from_status: int | None,
    to_status: int,
    agency_id: int | None,
    note: str,
    data: dict[str, Any],
    label: str,
) -> str:
    """The chain hash of one imported history entry, chained to `previous` (the same on the
    serial path, `cchc.interchange.dossiers`, and in the COPY text written here)."""
    return row_hash(
        DossierEvent,
        previous,
        {
            "dossier_id": dossier_id,
            "seq": seq,
            "at": at,
            "action": IMPORT_ACTION,
            "actor_id": None,
            "actor_label": label,
            "note": note,
            "data": data,
            "from_status": from_status,
            "to_status": to_status,
            "agency_id": agency_id,
            "target_agency_id": None,
        },
    )


def text(value: str) -> str:
    return value.translate(_ESCAPES) if value else value


def copy_value(value: Any) -> str:
    """Any Python value as a COPY text field (used for the constant columns only)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return text(json.dumps(value))
    return text(str(value))


class Formatter:
    """COPY text of one dossier and of its events (pure: runs in the workers)."""

    def __init__(self, defaults: dict[str, Any], now: dt.datetime, label: str) -> None:
        self.default_columns = [k for k in defaults if k not in IMPORTED]
        self.suffix = "".join("\t" + copy_value(defaults[k]) for k in self.default_columns) + "\n"
        self.now = now.isoformat()
        self.label = text(label)
        self.raw_label = label

    def dossier(self, pk: int, p: Any) -> str:
        c, texts = p.cols, p.texts

        def t(value: dt.datetime | None) -> str:
            if value is None:
                return NULL
            return texts.get(id(value)) or value.isoformat()

        rating = c["rating"]
        return (
            f"{pk}\t{text(c['code'])}\t{c['receiving_place_id']}\t{c['procedure_id']}\t{c['rule_version_id']}\t"
            f"{text(c['form_set'])}\t{c['channel']}\t{c['receiving_agency_id']}\t{c['competent_agency_id']}\t"
            f"{c['current_agency_id']}\t{c['status']}\t{t(c['submitted_at'])}\t{t(c['received_at'])}\t"
            f"{t(c['initial_appointment_at'])}\t{t(c['appointment_at'])}\t{t(c['due_at'])}\t"
            f"{t(c['processing_ended_at'])}\t{t(c['finished_at'])}\t{t(c['returned_at'])}\t"
            f"{t(c['closed_at'])}\t{t(c['paused_since'])}\t{c['paused_seconds']}\t{c['supplement_count']}\t"
            f"{c['apology_count']}\t{c['fee_amount']}\t{c['paid_online']}\t{NULL if rating is None else rating}\t"
            f"{'t' if c['has_digitized_components'] else 'f'}\t{'t' if c['has_electronic_result'] else 'f'}\t"
            f"{'t' if c['reused_digitized_data'] else 'f'}\t{'t' if c['synced_to_portal'] else 'f'}"
            f"{self.suffix}"
        )

    def events(self, pk: int, p: Any, start: int = 0, previous: str = "") -> str:
        """The event rows, each with its hash chained to the one before (`previous`: the
        hash of the row before entry `start`, empty for a new dossier)."""
        head = f"\t{self.now}\t{IMPORT_ACTION}\t"
        tail = f"\t{NULL}\t{self.label}\t"
        texts = p.texts
        out = []
        for seq, (at, from_status, to, agency_id, note, new_appointment, action) in enumerate(
            p.events[start:], start + 1
        ):
            data = event_data(new_appointment, action)
            previous = event_hash(
                previous, pk, seq, at, from_status, to, agency_id, note, data, self.raw_label
            )
            out.append(
                f"{pk}\t{seq}\t{texts.get(id(at)) or at.isoformat()}{head}"
                f"{NULL if from_status is None else from_status}\t{to}{tail}"
                f"{NULL if agency_id is None else agency_id}\t{NULL}\t{text(note)}\t{previous}\t"
                f"{json.dumps(data) if data else '{}'}\n"
            )
        return "".join(out)


class Block:
    """What parsing one block of lines gives back to the main process.

    The COPY text travels as two UTF-8 byte strings (one per table) with the end offset of
    each dossier's part: pickling two large bytes objects costs a copy, thousands of small
    strings cost far more, in the worker and again in the main process."""

    __slots__ = (
        "codes",
        "dossier_ends",
        "dossier_rows",
        "event_ends",
        "event_rows",
        "first_line",
        "lines",
        "pks",
        "rejects",
    )

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.rejects: list[tuple[int, str, bytes]] = []
        self.codes: list[str] = []  # valid lines, in file order
        self.lines: list[int] = []
        self.pks: list[int] = []
        self.dossier_rows = b""
        self.event_rows = b""
        self.dossier_ends: list[int] = []
        self.event_ends: list[int] = []

    def rows(self, keep: list[int]) -> tuple[bytes, bytes]:
        """The COPY text of the dossiers at these positions only."""
        d, e = self.dossier_ends, self.event_ends
        return (
            b"".join(self.dossier_rows[d[i - 1] if i else 0 : d[i]] for i in keep),
            b"".join(self.event_rows[e[i - 1] if i else 0 : e[i]] for i in keep),
        )


def parse_block(
    ctx: Any, fmt: Formatter, data: bytes, first_line: int, ids: Sequence[int]
) -> Block:
    """Validate every line of `data` (whole lines; line `first_line` first) and format the
    valid ones with the ids reserved for this block (one per line, gaps are harmless)."""
    out = Block(first_line)
    parse = ctx.parse
    dossier_rows: list[bytes] = []
    event_rows: list[bytes] = []
    dossier_end = event_end = 0
    n = first_line - 1
    for i, raw in enumerate(data.split(b"\n")):
        n += 1
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            p = parse(raw)
        except RowError as exc:
            out.rejects.append((n, str(exc), raw))
            continue
        pk = ids[i]
        out.codes.append(p.code)
        out.lines.append(n)
        out.pks.append(pk)
        row = fmt.dossier(pk, p).encode()
        dossier_end += len(row)
        dossier_rows.append(row)
        out.dossier_ends.append(dossier_end)
        row = fmt.events(pk, p).encode()
        event_end += len(row)
        event_rows.append(row)
        out.event_ends.append(event_end)
    out.dossier_rows = b"".join(dossier_rows)
    out.event_rows = b"".join(event_rows)
    return out


# The workers' state: set in the main process just before the fork, inherited by the children.
_worker: tuple[Any, Formatter] | None = None


def _work(task: tuple[bytes, int, Sequence[int]]) -> Block:
    ctx, fmt = _worker  # type: ignore[misc]
    return parse_block(ctx, fmt, *task)


def blocks(path: Path, size: int = BLOCK_BYTES) -> Iterator[tuple[bytes, int, int]]:
    """(whole lines, number of the first line, number of lines) of the file, block by block."""
    line = 1
    with path.open("rb") as handle:
        while True:
            data = handle.read(size)
            if not data:
                return
            if not data.endswith(b"\n"):
                data += handle.readline()
            data = data.removesuffix(b"\n")
            count = data.count(b"\n") + 1
            yield data, line, count
            line += count


def workers_wanted(path: Path) -> int:
    """Worker processes for this file: none for small files or without fork()."""
    env = os.environ.get("CCHC_IMPORT_WORKERS")
    if env is not None:
        return int(env)
    if sys.platform == "win32" or path.stat().st_size < PARALLEL_FROM_BYTES:
        return 0
    return max(1, min(4, os.cpu_count() or 1))


class PgLoader:
    """Streams new dossiers and their events into PostgreSQL inside the caller's transaction."""

    def __init__(
        self,
        ctx: Any,
        result: Any,
        *,
        skip_invalid: bool,
        defaults: dict[str, Any],
        label: str,
        trusted: bool = False,
    ) -> None:
        self.ctx = ctx
        self.result = result
        self.skip_invalid = skip_invalid
        self.fmt = Formatter(defaults, timezone.now(), label)
        self.raw: Any = None
        self.workers = 0
        self.may_skip_ri = trusted  # the caller vouches for the bundle (--trusted)
        self.trusted = False  # RI triggers off for our COPY (references checked set-based)
        self.used: dict[str, set[int]] = {
            "agencies_agency": set(),
            "catalogue_procedure": set(),
            "core_ruleversion": set(),
        }
        self.seen: dict[str, int] = {}
        self.writing = True
        self.optimistic = os.environ.get("CCHC_IMPORT_CHECK_ALL_CODES") != "1"
        self.sampled = False
        # Where the main process spends its time (seconds), for the benchmark's report.
        self.timings = {
            "reserve": 0.0,
            "wait_for_workers": 0.0,
            "existing_check": 0.0,
            "copy_dossiers": 0.0,
            "copy_events": 0.0,
            "search_text": 0.0,
            "end": 0.0,
        }
        name = DossierSearch.text_of("", str(defaults.get("applicant_name") or ""))
        self.search_suffix = f" {name}" if name else ""
        columns = ", ".join(["id", *IMPORTED, *self.fmt.default_columns])
        self.dossier_copy = f"COPY dossiers_dossier ({columns}) FROM STDIN"
        self.event_copy = f"COPY dossiers_dossierevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN"

    # -- session --------------------------------------------------------------------------
    def begin(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        with connection.cursor() as cur:
            # The file is one transaction; losing the last commit on a crash only means
            # running the import again (it is idempotent), so do not wait for the WAL flush.
            cur.execute("SET LOCAL synchronous_commit = off")
            self.trusted = self._may_skip_ri(cur)
            if not self.trusted:
                # Foreign keys are checked as each COPY ends (overlapped with the workers)
                # instead of all at commit.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def _may_skip_ri(self, cur: Any) -> bool:
        if not self.may_skip_ri:
            return False  # the default: PostgreSQL checks every foreign key
        # tgtype bits: 4 INSERT, 16 UPDATE. We insert events, insert and update dossiers.
        cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND ("
            "(tgrelid = 'dossiers_dossier'::regclass AND tgtype & 20 <> 0) OR "
            "(tgrelid = 'dossiers_dossierevent'::regclass AND tgtype & 4 <> 0))"
        )
        if cur.fetchone()[0]:
            return False  # someone's own trigger must keep running
        cur.execute("SAVEPOINT cchc_import_role")
        try:
            cur.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # noqa: BLE001 - insufficient privilege: keep the triggers
            cur.execute("ROLLBACK TO SAVEPOINT cchc_import_role")
            return False
        cur.execute("RELEASE SAVEPOINT cchc_import_role")
        return True

    def end(self) -> None:
        """Lock and check what the skipped RI triggers would have (before the commit), and
        put the triggers back for the rest of the transaction."""
        if not self.trusted:
            return
        start = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = origin")
            for table, ids in self.used.items():
                if not ids:
                    continue
                cur.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE id = ANY(%s) FOR KEY SHARE) AS t",  # noqa: S608 - fixed names
                    [sorted(ids)],
                )
                if cur.fetchone()[0] != len(ids):
                    raise RuntimeError(
                        _(
                            "A referenced agency, procedure or rule version was deleted during the import."
                        )
                    )
        self.timings["end"] += time.monotonic() - start

    # -- the file -------------------------------------------------------------------------
    def reserve(self, count: int, conn: Any = None) -> Sequence[int]:
        """`count` new dossier ids (sequences are outside transactions: any connection will do).

        Usually one contiguous run (a range travels to the worker as three numbers); with
        other sessions taking ids at the same moment, the list itself."""
        start = time.monotonic()
        with (conn or self.raw).cursor() as cur:
            cur.execute(
                "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 <> count(*) THEN string_agg(v::text, ',') END "
                "FROM (SELECT nextval(pg_get_serial_sequence('dossiers_dossier', 'id')) AS v "
                "FROM generate_series(1, %s)) AS reserved",
                [count],
            )
            low, high, listed = cur.fetchone()
        ids: Sequence[int] = (
            range(low, high + 1) if listed is None else list(map(int, listed.split(",")))
        )
        self.timings["reserve"] += time.monotonic() - start
        return ids

    def stored_codes(self, codes: list[str], conn: Any = None) -> tuple[set[str], bool]:
        """Which of `codes` are already in the database (committed by others: the file's own
        earlier lines are caught by `seen`), and whether every code was looked up.

        Optimistic while no code of the file has been found stored: only a sample of each
        block is looked up (each lookup is an index probe: 14 s of lookups when a 1 M file
        went into a 1 M table). A stored code the sample misses makes that block's COPY fail
        on the unique index; `run` then rolls the file back and loads it again checking
        every code. The first sampled hit (a re-import) switches to checking every code."""
        start = time.monotonic()
        full = not self.optimistic
        probe = codes if full else codes[::SAMPLE_EVERY] + codes[-1:]
        with (conn or self.raw).cursor() as cur:
            cur.execute("SELECT code FROM dossiers_dossier WHERE code = ANY(%s)", [probe])
            existing = {row[0] for row in cur.fetchall()}
            if existing and not full:
                self.optimistic, full = False, True
                cur.execute("SELECT code FROM dossiers_dossier WHERE code = ANY(%s)", [codes])
                existing = {row[0] for row in cur.fetchall()}
        self.timings["existing_check"] += time.monotonic() - start
        return existing, full

    def run(self, path: Path, existing_handler: Any) -> None:
        """Parse and load the file; `existing_handler(list of (line, raw))` deals with lines
        whose code is already in the database (re-import: update or unchanged)."""
        import psycopg

        self.begin()
        self.workers = workers_wanted(path)
        self._note_references()
        with self.raw.cursor() as cur:
            cur.execute("SAVEPOINT cchc_import_file")
        try:
            self._load(path, existing_handler)
        except psycopg.errors.UniqueViolation:
            if not self.sampled:
                raise
            # A stored code slipped past the sampled lookups: start again, checking all.
            with self.raw.cursor() as cur:
                cur.execute("ROLLBACK TO SAVEPOINT cchc_import_file")
            self.timings["restarts"] = self.timings.get("restarts", 0) + 1
            result = self.result
            result.created = result.updated = result.unchanged = 0
            result.rejects, result.changed_ids = [], []
            self.seen, self.writing, self.optimistic, self.sampled = {}, True, False, False
            self._load(path, existing_handler)
        with self.raw.cursor() as cur:
            cur.execute("RELEASE SAVEPOINT cchc_import_file")
        self.end()

    def _load(self, path: Path, existing_handler: Any) -> None:
        if self.workers <= 0:
            for data, first, count in blocks(path):
                block = parse_block(self.ctx, self.fmt, data, first, self.reserve(count))
                self._write(data, block, self.stored_codes(block.codes), existing_handler)
        else:
            self._run_parallel(path, existing_handler)

    def _run_parallel(self, path: Path, existing_handler: Any) -> None:
        """Three stages overlap: workers parse blocks ahead; a second connection (autocommit,
        so it sees what others committed, as the file's transaction does) reserves ids and
        looks up stored codes; this connection only COPYs."""
        global _worker
        import multiprocessing
        from concurrent.futures import Future, ThreadPoolExecutor

        _worker = (self.ctx, self.fmt)
        pool = multiprocessing.get_context("fork").Pool(self.workers)
        lookup = connection.get_new_connection(connection.get_connection_params())
        lookup.autocommit = True
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-lookup")

        # The side connection sees what other sessions committed, as this READ COMMITTED
        # transaction does, but not what this transaction wrote before the file (a caller's
        # outer transaction might have): only while this one has written nothing yet (no
        # transaction id assigned) are the two views the same.
        side_lookup = False
        if connection.pg_version >= 130000:  # type: ignore[attr-defined]  # the function below is PostgreSQL 13+
            with self.raw.cursor() as cur:
                cur.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
                side_lookup = cur.fetchone()[0]

        def dispatch(data: bytes, first: int, count: int) -> Any:
            return pool.apply_async(_work, ((data, first, self.reserve(count, lookup)),))

        def stored(codes: list[str]) -> Any:
            if side_lookup:
                return helper.submit(self.stored_codes, codes, lookup)
            done: Any = Future()
            done.set_result(self.stored_codes(codes))
            return done

        parsing: deque[tuple[bytes, Any]] = deque()
        checking: deque[tuple[bytes, Block, Any]] = deque()

        def advance(parse_ahead: int, check_ahead: int) -> None:
            while len(parsing) > parse_ahead:
                start = time.monotonic()
                data, future = parsing.popleft()
                block = future.result().get()
                self.timings["wait_for_workers"] += time.monotonic() - start
                checking.append((data, block, stored(block.codes)))
            while len(checking) > check_ahead:
                data, block, existing = checking.popleft()
                self._write(data, block, existing.result(), existing_handler)

        try:
            for data, first, count in blocks(path):
                parsing.append((data, helper.submit(dispatch, data, first, count)))
                advance(AHEAD, 1)
            advance(0, 0)
        finally:
            helper.shutdown(wait=True)
            lookup.close()
            pool.terminate()
            pool.join()
            _worker = None

    def _note_references(self) -> None:
        # The references a dossier may carry all come from these in-memory tables; lock them
        # all (few thousand rows) rather than collect ids line by line in the workers.
        self.used["agencies_agency"] = {pk for pk, _province in self.ctx.agencies.values()}
        self.used["catalogue_procedure"] = {p.pk for p in self.ctx.procedures.values()}
        self.used["core_ruleversion"] = {r.pk for r in self.ctx.rules}

    def _write(
        self, data: bytes, block: Block, checked: tuple[set[str], bool], existing_handler: Any
    ) -> None:
        result = self.result
        existing, full = checked
        if not full:
            if self.optimistic:
                self.sampled = True  # this block's COPY relies on the unique index
            else:  # a later block found stored codes after this one was sampled: check all now
                existing, full = self.stored_codes(block.codes)
        for line, reason, raw in block.rejects:
            result.rejects.append(Reject(line, reason, raw))
        skip: set[int] = set()
        seen = self.seen
        lines_of: list[bytes] | None = None

        def raw_of(line: int) -> bytes:
            nonlocal lines_of
            if lines_of is None:
                lines_of = data.split(b"\n")
            return lines_of[line - block.first_line].rstrip(b"\r")

        for i, (code, line) in enumerate(zip(block.codes, block.lines, strict=True)):
            first = seen.get(code)
            if first is not None:
                skip.add(i)
                result.rejects.append(
                    Reject(
                        line,
                        _("dossier %(code)s already appears on line %(line)s.")
                        % {"code": code, "line": first},
                        raw_of(line),
                    )
                )
            else:
                seen[code] = line
        if existing:
            again = []
            for i, code in enumerate(block.codes):
                if code in existing and i not in skip:
                    skip.add(i)
                    again.append((block.lines[i], raw_of(block.lines[i])))
            existing_handler(again)
        if result.rejects and not self.skip_invalid:
            self.writing = False  # the file will be refused: keep checking, stop writing
        keep = [i for i in range(len(block.codes)) if i not in skip] if skip else None
        count = len(block.codes) if keep is None else len(keep)
        result.created += count
        if not self.writing or not count:
            return
        if keep is None:
            dossier_rows, event_rows, pks = block.dossier_rows, block.event_rows, block.pks
        else:
            dossier_rows, event_rows = block.rows(keep)
            pks = [block.pks[i] for i in keep]
        start = time.monotonic()
        with self.raw.cursor() as cur:
            with cur.copy(self.dossier_copy) as copy:
                copy.write(dossier_rows)
            middle = time.monotonic()
            with cur.copy(self.event_copy) as copy:
                copy.write(event_rows)
            after_events = time.monotonic()
            # the work-queue search text (DossierSearch.text_of): the bundle has no names, so
            # every imported dossier folds its code (ASCII: lower() is the fold) and the
            # placeholder name
            cur.execute(
                "INSERT INTO dossiers_dossiersearch (dossier_id, text) "
                "SELECT id, lower(code) || %s FROM dossiers_dossier WHERE id = ANY(%s)",
                [self.search_suffix, list(pks)],
            )
        end = time.monotonic()
        self.timings["copy_dossiers"] += middle - start
        self.timings["copy_events"] += after_events - middle
        self.timings["search_text"] += end - after_events
        result.changed_ids.extend(pks)
