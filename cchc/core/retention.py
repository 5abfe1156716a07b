"""How long personal data of closed records is kept, and the command that applies it
(issue 12 point 6; Nghị định 13/2023/NĐ-CP art. 3 khoản 6 — data kept only as long as its
purpose needs — and art. 16 on deletion).

The periods are rule data: the `personal_data_retention` rule version in force (core
migration 0006) says, per kind of record, how many months after it was closed its contact
details (phone, e-mail, address) are kept. Each module registers the service that erases
them from one record (`register`, from its AppConfig.ready), so core names no app;
`manage.py apply_retention` runs them all (the notification outbox registers a bulk purge:
its sent and failed messages are deleted once older than the rule's `notification_months`). Names, the citizen ID's keyed hash and the event
history stay: they are the administrative record (archived under the archive rules), not
contact data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cchc.core.models import RuleVersion
from cchc.core.rules import rule_in_force

RULE_KEY = "personal_data_retention"


@dataclass(frozen=True)
class Purge:
    """One kind of record: `param` names its months in the rule; `due(cutoff)` the records
    closed before the cutoff that still hold contact details; `erase(record, actor=, rule=)`
    the service that blanks one of them and appends its event."""

    label: str
    param: str
    due: Callable[[dt.datetime], Any]
    erase: Callable[..., Any]
    # A kind whose rows carry no history of their own (the notification outbox): `erase` gets
    # the whole `due(cutoff)` queryset, deletes it in batches and returns how many it deleted.
    bulk: bool = False


_REGISTRY: dict[str, Purge] = {}


def register(purge: Purge) -> None:
    _REGISTRY[purge.label] = purge


def registered() -> list[Purge]:
    return sorted(_REGISTRY.values(), key=lambda p: p.label)


def cutoff(rule: RuleVersion, param: str, now: dt.datetime) -> dt.datetime | None:
    """Records closed before this moment lose their contact details; None when the rule
    gives no period for this kind (kept)."""
    months = rule.param(param)
    if months is None:
        return None
    return now - relativedelta(months=int(months))


@dataclass
class Outcome:
    label: str
    months: int | None
    erased: int


def apply(*, actor: Any, now: dt.datetime | None = None, dry_run: bool = False) -> list[Outcome]:
    """Erase the contact details of every record the rule in force says are kept too long.
    Each record is erased in its own transaction (by its module's service), so a run that is
    stopped can simply be started again."""
    now = now or timezone.now()
    rule = rule_in_force(RULE_KEY, timezone.localdate(now))
    outcomes = []
    for purge in registered():
        limit = cutoff(rule, purge.param, now)
        erased = 0
        if limit is not None and purge.bulk:
            due = purge.due(limit)
            erased = due.count() if dry_run else purge.erase(due, actor=actor, rule=rule)
        elif limit is not None:
            for record in purge.due(limit).iterator(chunk_size=500):
                if not dry_run:
                    purge.erase(record, actor=actor, rule=rule)
                erased += 1
        outcomes.append(Outcome(purge.label, rule.param(purge.param), erased))
    return outcomes
