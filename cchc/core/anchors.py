"""Anchoring the heads of the event logs' hash chains (issue 12 point 7, docs/security.md §7).

The chains (`cchc.core.events`) show a row changed or deleted in the middle of a log, but a
log whose last rows were deleted, or a whole deleted log, still verifies. An anchor records,
per event model, the head of every chain (subject, last sequence, that row's hash) in the
append-only tables `core.ChainAnchor` / `core.ChainAnchorHead`; `verify_event_chains` then
reports every chain whose stored rows no longer reach their anchored head, whose row at the
anchored sequence has another hash, or that is gone (`cchc.core.chains.verify`).

* **Compact.** An anchor stores only the heads that moved since the model's previous anchor;
  the heads known at an anchor are the latest stored for each subject up to it.
* **A deletion is never accepted.** A chain found behind or missing when an anchor is taken is
  reported and its anchored head is kept, so the report repeats until someone looks.
* **Anchors prove themselves.** `digest` is the sha256 of every head known at the anchor
  (sorted lines "subject seq hash"), `hash` chains the model's anchors (sha256 of the previous
  anchor's hash and this anchor's canonical JSON). Each anchor is also written as one JSON line
  to a file and to the `cchc.anchors` log (`--output`) for keeping off-site: an owner who
  rewrites chains *and* anchors consistently is caught by comparing with that copy
  (`verify_event_chains --anchors-file`).
* **Who may write.** The application role may insert anchors but not update or delete them
  (`grant_app_role`, and the append-only triggers of core migration 0008).

Run it from cron (`manage.py anchor_event_chains`) or as a job that schedules its next run
itself (`manage.py anchor_event_chains --every MINUTES`, run by `manage.py db_worker`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cchc.core.chains import Break, anchored_heads, event_models
from cchc.core.events import EventLog, link
from cchc.core.jobs import job
from cchc.core.models import ChainAnchor, ChainAnchorHead

log = logging.getLogger("cchc.anchors")

Heads = dict[str, tuple[int, str]]


def current_heads(model: type[EventLog]) -> tuple[Heads, int]:
    """Every chain's head now (one statement: each subject's highest sequence and its row's
    hash) and the number of rows of the log."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    subject = qn(str(getattr(model._meta.get_field(model.subject_field), "column", "")))
    heads: Heads = {}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT e.{subject}, e.seq, e.hash FROM {table} e JOIN "  # noqa: S608 (names from the model)
            f"(SELECT {subject} AS s, MAX(seq) AS m FROM {table} GROUP BY {subject}) h "
            f"ON h.s = e.{subject} AND h.m = e.seq"
        )
        for subject_id, seq, row_hash in cur.fetchall():
            heads[str(subject_id)] = (int(seq), str(row_hash))
        cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        rows = int(cur.fetchone()[0])
    return heads, rows


def state_digest(heads: Mapping[str, tuple[int, str]]) -> str:
    """sha256 hex of every head, one sorted line "subject seq hash" each."""
    digest = hashlib.sha256()
    for subject in sorted(heads):
        seq, row_hash = heads[subject]
        digest.update(f"{subject} {seq} {row_hash}\n".encode())
    return digest.hexdigest()


def anchor_document(anchor: ChainAnchor) -> dict[str, Any]:
    """The anchor as the JSON object its hash covers (and the off-site line carries)."""
    return {
        "model": anchor.model,
        "taken_at": anchor.taken_at.astimezone(dt.UTC).isoformat(),
        "chains": anchor.chains,
        "rows": anchor.rows,
        "digest": anchor.digest,
    }


def anchor_hash(previous: str, anchor: ChainAnchor) -> str:
    return link(
        previous, json.dumps(anchor_document(anchor), sort_keys=True, separators=(",", ":"))
    )


def compare(label: str, anchored: Mapping[str, tuple[int, str]], current: Heads) -> list[Break]:
    """What an anchor taken now finds wrong: chains behind, rewritten at, or missing since
    their anchored head (cheap: heads only; `chains.verify` also walks the rows)."""
    found = []
    for subject, (seq, row_hash) in anchored.items():
        now = current.get(subject)
        if now is None:
            found.append(Break(label, subject, seq, "chain missing since its anchor", "", ""))
        elif now[0] < seq:
            found.append(
                Break(label, subject, seq, "head behind its anchor", f"seq {seq}", f"seq {now[0]}")
            )
        elif now[0] == seq and now[1] != row_hash:
            found.append(
                Break(label, subject, seq, "head differs from its anchor", row_hash, now[1])
            )
    return found


def take_anchor(
    model: type[EventLog], *, now: dt.datetime | None = None
) -> tuple[ChainAnchor, list[Break]]:
    """Anchor one event model's chains; returns the anchor and what it found wrong."""
    label = model._meta.label
    with transaction.atomic():
        last = ChainAnchor.objects.filter(model=label).order_by("-id").first()
        anchored = anchored_heads(label)
        current, rows = current_heads(model)
        problems = compare(label, anchored, current)
        moved = {
            subject: head
            for subject, head in current.items()
            if subject not in anchored or head[0] > anchored[subject][0]
        }
        state = {**anchored, **moved}
        anchor = ChainAnchor(
            model=label,
            taken_at=now or timezone.now(),
            chains=len(state),
            rows=rows,
            digest=state_digest(state),
            previous=last.hash if last else "",
        )
        anchor.hash = anchor_hash(anchor.previous, anchor)
        anchor.save()
        ChainAnchorHead.objects.bulk_create(
            (
                ChainAnchorHead(anchor=anchor, subject=subject, seq=seq, hash=row_hash)
                for subject, (seq, row_hash) in sorted(moved.items())
            ),
            batch_size=5000,
        )
    return anchor, problems


def take_anchors(
    models: Iterable[type[EventLog]] | None = None, *, output: str = ""
) -> list[tuple[ChainAnchor, list[Break]]]:
    """Anchor every event model (or those given); each anchor goes to the `cchc.anchors` log
    and, with `output`, as one JSON line appended to that file."""
    taken = []
    now = timezone.now()
    for model in models or event_models():
        anchor, problems = take_anchor(model, now=now)
        line = json.dumps({"id": anchor.pk, **anchor_document(anchor), "hash": anchor.hash})
        log.info("chain anchor %s", line)
        if output:
            with Path(output).open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        for problem in problems:
            log.error("chain anchor found: %s", problem)
        taken.append((anchor, problems))
    return taken


def verify_anchors() -> Iterator[Break]:
    """Recompute every anchor's digest and hash from the stored heads: an anchor or head row
    changed or deleted (by the owner role) is named."""
    label_of = "core.ChainAnchor"
    for model in sorted(set(ChainAnchor.objects.values_list("model", flat=True))):
        state: Heads = {}
        previous = ""
        heads = ChainAnchorHead.objects.filter(anchor__model=model).order_by("anchor_id", "id")
        pending = iter(heads.values_list("anchor_id", "subject", "seq", "hash").iterator(5000))
        ahead = next(pending, None)
        for anchor in ChainAnchor.objects.filter(model=model).order_by("id").iterator():
            while ahead is not None and ahead[0] <= anchor.pk:
                state[ahead[1]] = (ahead[2], ahead[3])
                ahead = next(pending, None)
            if anchor.previous != previous:
                yield Break(
                    label_of,
                    model,
                    anchor.pk,
                    "anchors missing before it",
                    previous,
                    anchor.previous,
                )
            if state_digest(state) != anchor.digest:
                yield Break(
                    label_of,
                    model,
                    anchor.pk,
                    "heads differ from its digest",
                    state_digest(state),
                    anchor.digest,
                )
            expected = anchor_hash(anchor.previous, anchor)
            if expected != anchor.hash:
                yield Break(
                    label_of, model, anchor.pk, "anchor hash mismatch", expected, anchor.hash
                )
            previous = anchor.hash


def check_offsite(path: str) -> Iterator[Break]:
    """Compare the anchors kept off-site (the JSON lines of `take_anchors(output=...)`) with
    the table: an anchor missing or different in the database is named."""
    stored = {
        pk: (model, h) for pk, model, h in ChainAnchor.objects.values_list("pk", "model", "hash")
    }
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        kept = json.loads(line)
        found = stored.get(kept["id"])
        if found is None:
            yield Break(
                "core.ChainAnchor",
                kept["model"],
                kept["id"],
                f"anchor of line {number} missing",
                kept["hash"],
                "",
            )
        elif found[1] != kept["hash"]:
            yield Break(
                "core.ChainAnchor",
                kept["model"],
                kept["id"],
                f"anchor differs from line {number}",
                kept["hash"],
                found[1],
            )


@job(max_attempts=6)
def anchor_event_chains_job(every_minutes: int = 0, output: str = "") -> int:
    """The periodic job: anchor every event log, then enqueue the next run `every_minutes`
    later (0: once). Returns the number of problems found."""
    problems = sum(len(found) for _anchor, found in take_anchors(output=output))
    if every_minutes > 0:
        anchor_event_chains_job.using(
            run_after=timezone.now() + dt.timedelta(minutes=every_minutes)
        ).enqueue(every_minutes, output)
    return problems


def schedule(every_minutes: int, output: str = "") -> bool:
    """Start the periodic job unless a run of it is already waiting; True when started."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=anchor_event_chains_job.module_path, status="READY"
    ).exists()
    if waiting:
        return False
    anchor_event_chains_job.enqueue(every_minutes, output)
    return True
