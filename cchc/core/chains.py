"""Verification of the event logs' hash chains (issue 12 point 7, docs/security.md §7).

Every concrete event model (a subclass of `cchc.core.events.EventLog`) is walked in
(subject, sequence) order. Each row's hash is recomputed from the stored hash of the row
before it and compared with the stored one, so a changed row is reported on its own and the
rows after it still verify against what is stored; a deleted row shows as a gap in the
sequence and as a break of the row that followed it (its stored hash was chained to the
deleted one). A chain that ends before the head recorded by the latest anchor of its log, whose
row at the anchored sequence has another hash, or that is missing altogether, is reported too
(`cchc.core.anchors`): deleting a log's last rows or a whole log leaves no break otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from cchc.core.events import CHAINED, EventLog, row_hash
from cchc.core.models import ChainAnchorHead

BATCH = 5000


@dataclass(frozen=True)
class Break:
    model: str  # app_label.ModelName
    subject: Any
    seq: int
    problem: str
    expected: str
    stored: str

    def __str__(self) -> str:
        return (
            f"{self.model} subject {self.subject} seq {self.seq}: {self.problem} "
            f"(expected {self.expected or '-'}, stored {self.stored or '-'})"
        )


def event_models() -> list[type[EventLog]]:
    """Every concrete event model of the installed apps."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, EventLog) and not m._meta.abstract and not m._meta.proxy
    ]


def _rows(model: type[EventLog], names: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The rows in (subject, seq) order, read in batches by keyset (memory stays flat)."""
    key = names[0]
    base = model._default_manager.order_by(key, "seq").values_list(*names)
    after: tuple[Any, int] | None = None
    while True:
        page = (
            base
            if after is None
            else base.filter(
                models.Q(**{f"{key}__gt": after[0]})
                | models.Q(**{key: after[0], "seq__gt": after[1]})
            )
        )
        chunk = list(page[:BATCH])
        if not chunk:
            return
        for values in chunk:
            yield dict(zip(names, values, strict=True))
        after = (chunk[-1][0], chunk[-1][1])


def anchored_heads(label: str) -> dict[str, tuple[int, str]]:
    """The head of every chain of the model as its anchors recorded it (the latest recorded
    for each subject): subject id (as text) -> (sequence, hash)."""
    heads: dict[str, tuple[int, str]] = {}
    rows = (
        ChainAnchorHead.objects.filter(anchor__model=label)
        .order_by("anchor_id", "id")
        .values_list("subject", "seq", "hash")
    )
    for subject, seq, head_hash in rows.iterator(chunk_size=BATCH):
        heads[subject] = (seq, head_hash)
    return heads


def _short_of_anchor(
    label: str, subject: Any, last_seq: int, anchored: dict[str, tuple[int, str]]
) -> Break | None:
    head = anchored.pop(str(subject), None)
    if head is not None and last_seq < head[0]:
        return Break(
            label, subject, head[0], "head behind its anchor", f"seq {head[0]}", f"seq {last_seq}"
        )
    return None


def verify(model: type[EventLog]) -> Iterator[Break | int]:
    """The breaks of every chain of the model, then the number of rows checked."""
    label = model._meta.label
    key = model.subject_field + "_id"
    names = (key, *CHAINED, *model.chained_fields, "hash")
    anchored = anchored_heads(label)
    subject, previous, expected_seq, count = object(), "", 1, 0
    for row in _rows(model, names):
        count += 1
        if row[key] != subject:
            if count > 1 and (
                short := _short_of_anchor(label, subject, expected_seq - 1, anchored)
            ):
                yield short
            subject, previous, expected_seq = row[key], "", 1
        head = anchored.get(str(row[key]))
        if head is not None and row["seq"] == head[0] and row["hash"] != head[1]:
            yield Break(
                label, row[key], row["seq"], "differs from its anchor", head[1], row["hash"]
            )
        if row["seq"] != expected_seq:
            yield Break(
                label,
                row[key],
                row["seq"],
                "rows missing before it",
                f"seq {expected_seq}",
                f"seq {row['seq']}",
            )
        expected = row_hash(model, previous, row)
        if expected != row["hash"]:
            yield Break(label, row[key], row["seq"], "hash mismatch", expected, row["hash"])
        previous, expected_seq = row["hash"], row["seq"] + 1
    if count and (short := _short_of_anchor(label, subject, expected_seq - 1, anchored)):
        yield short
    for missing, (seq, head_hash) in sorted(anchored.items()):
        yield Break(label, missing, seq, "chain missing since its anchor", head_hash, "-")
    yield count
