"""Live figures of a campaign: computed by a job, never in the page view that finds them stale.

Computing the index and the bias check's desk/independent split of a campaign of 100,000
questionnaires takes 1-1.6 s; during fieldwork a response arrives every few seconds, so a
results page that computed them after each change was slow for whoever looked. Instead
(stale-while-revalidate):

- every write that changes a campaign's figures (a response recorded, reviewed or corrected)
  adds one to `Campaign.figures_changes` in its own transaction (`changed`);
- the last computed figures are kept in `LiveResults` with the campaign state they reflect
  (`state_of`: that counter, the campaign's event number and status) and their time;
- a page (`snapshot`) serves them as they are; when the campaign has moved on since, or they
  are older than SURVEY_LIVE_RESULTS_SECONDS (what no write here announces: a unit renamed
  or moved to another ranking group, a method version added), it stamps them "as of HH:MM,
  being updated" and asks for ONE recomputation (`request_refresh`): the job runner's job
  `jobs.refresh_live_results`, enqueued in the same transaction that marks the row, and not
  again while that one waits (a mark older than SURVEY_LIVE_RESULTS_SECONDS counts as lost,
  e.g. a job that failed all its attempts, and is replaced);
- only when nothing was ever computed for the campaign does the page compute in the request:
  it has no figures to show otherwise, it happens once per campaign (usually when it opens,
  with few responses), and it works where no worker runs yet.

Published campaigns are not served from here: their frozen `published_results` are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.errors import NotPermitted
from cchc.surveys.models import Campaign, LiveResults
from cchc.surveys.policies import can_follow

T = TypeVar("T")

# what the ranking shows of a unit's figures (no item counts): a few kilobytes instead of
# the whole document (about 1 MB for 180 units) on every view
SUMMARY_KEYS = ("code", "name", "group", "rank", "total", "interval", "n_valid", "note")


def changed(campaign_id: int | None) -> None:
    """The campaign's figures change with the current transaction (the caller's write)."""
    if campaign_id is None:
        return
    Campaign.objects.filter(pk=campaign_id).update(figures_changes=F("figures_changes") + 1)


def state_of(campaign: Campaign) -> str:
    """What the figures depend on that the campaign row tells: its responses (the counter),
    its own events (opening, closing, publication) and status."""
    return f"{campaign.figures_changes}:{campaign.last_event_seq}:{campaign.status}"


def summarise(document: dict[str, Any]) -> dict[str, Any]:
    province = document["province"]
    return {
        "version": document.get("version", ""),
        "province": {
            **{k: province.get(k) for k in ("total", "n_valid", "n_invalid", "interval")},
            # each component's index over every unit's questionnaires (the page's criteria)
            "components": {
                c: comp["score"]
                for f in (province.get("groups") or {}).values()
                for c, comp in f["components"].items()
            },
        },
        "agencies": [{k: a.get(k) for k in SUMMARY_KEYS} for a in document["agencies"]],
    }


@dataclass(frozen=True)
class Snapshot:
    """The live figures a page shows, and whether they are the campaign's current ones."""

    campaign_id: int
    computed_at: dt.datetime
    current: bool
    summary: dict[str, Any] | None = None
    bias_split: dict[int, dict[str, Any]] | None = None

    @property
    def stamp(self) -> str:
        """ "Số liệu tính lúc 14:05 03/12/2026; đang cập nhật…" on stale figures, else ""."""
        if self.current:
            return ""
        when = timezone.localtime(self.computed_at).strftime("%H:%M %d/%m/%Y")
        return _("Figures as of %(time)s; being updated…") % {"time": when}

    def document(self) -> dict[str, Any]:
        """The whole figures document (about 1 MB at 180 units): exports and the unit page."""
        found = (
            LiveResults.objects.filter(pk=self.campaign_id, computed_at=self.computed_at)
            .values_list("document", flat=True)
            .first()
        )
        if found is None:  # replaced by a newer computation since the snapshot was read
            found = (
                LiveResults.objects.filter(pk=self.campaign_id)
                .values_list("document", flat=True)
                .first()
            )
        return dict(found or {})

    def cached(self, campaign: Campaign, what: str, compute: Callable[[], T]) -> T:
        """`compute()` from these figures, read from the cache after the first time."""
        return _remembered("snapshot", campaign, f"{self.computed_at.timestamp()}:{what}", compute)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SURVEY_LIVE_RESULTS_SECONDS)


def snapshot(
    campaign: Campaign, *, actor: Any, load: tuple[str, ...] = ("summary", "bias_split")
) -> Snapshot:
    """The campaign's last computed live figures (with the fields of `load`); asks for a
    recomputation when they are stale, computes them here only when there are none."""
    if not can_follow(actor, campaign.province_code):
        raise NotPermitted(
            _("Only survey staff and inspectors of the province may see live results.")
        )
    fields = ("state", "computed_at", "refresh_requested_at", *load)
    row = LiveResults.objects.filter(campaign=campaign).only(*fields).first()
    if row is None:
        row = refresh(campaign)  # the very first view: nothing to show otherwise
    lost = timezone.now() - _stale_after()
    current = row.state == state_of(campaign) and row.computed_at > lost
    waiting = row.refresh_requested_at is not None and row.refresh_requested_at >= lost
    if not current and not waiting:  # (request_refresh decides again, under the row lock)
        request_refresh(campaign, actor=actor)
    split = None
    if "bias_split" in load:
        split = {int(k): v for k, v in row.bias_split.items()}  # JSON keys are text
    return Snapshot(
        campaign_id=campaign.pk,
        computed_at=row.computed_at,
        current=current,
        summary=row.summary if "summary" in load else None,
        bias_split=split,
    )


def request_refresh(campaign: Campaign, *, actor: Any) -> bool:
    """Enqueue one recomputation of the campaign's live figures unless one already waits;
    True when this call enqueued it. No event is appended: the figures are derived data,
    and a campaign event would itself change the state they are compared with."""
    from cchc.surveys.jobs import refresh_live_results

    if not can_follow(actor, campaign.province_code):
        raise NotPermitted(
            _("Only survey staff and inspectors of the province may see live results.")
        )
    now = timezone.now()
    with transaction.atomic():
        # one UPDATE decides under the row lock: of two views at once, one enqueues
        claimed = (
            LiveResults.objects.filter(pk=campaign.pk)
            .filter(
                Q(refresh_requested_at__isnull=True)
                | Q(refresh_requested_at__lt=now - _stale_after())
            )
            .update(refresh_requested_at=now)
        )
        if claimed:
            refresh_live_results.enqueue(campaign.pk)
    return bool(claimed)


def refresh(campaign: Campaign) -> LiveResults:
    """Compute the campaign's live figures and keep them (the job, and a campaign's first
    view). The state is read before the figures are computed, so they are at least as new
    as the state they are stored with (a response recorded meanwhile makes them stale)."""
    from cchc.surveys.bias import survey_split
    from cchc.surveys.results import campaign_results

    state = state_of(campaign)
    started = timezone.now()
    document = campaign_results(campaign)
    split = survey_split(campaign)
    with transaction.atomic():
        row = _locked_row(campaign)
        # a slower computation that started earlier never replaces a newer one
        if row.computed_at <= started:
            row.state, row.computed_at = state, started
            row.document, row.summary = document, summarise(document)
            row.bias_split = {str(k): v for k, v in split.items()}
        # the request this computation answers is done; a later one (a lost job replaced)
        # stays for the job it enqueued
        if row.refresh_requested_at is not None and row.refresh_requested_at <= started:
            row.refresh_requested_at = None
        row.save()
    return row


def _locked_row(campaign: Campaign) -> LiveResults:
    """The campaign's row, locked; a new (unsaved) one when there is none yet. Two first
    views at once: the second one's insert fails, so it locks the row the first one wrote."""
    row = LiveResults.objects.select_for_update().filter(pk=campaign.pk).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            LiveResults.objects.create(
                campaign=campaign,
                computed_at=dt.datetime.min.replace(tzinfo=dt.UTC),
                document={},
                summary={},
                bias_split={},
            )
    except IntegrityError:
        pass
    return LiveResults.objects.select_for_update().get(pk=campaign.pk)


def cached(campaign: Any, what: str, compute: Callable[[], T]) -> T:
    """`compute()` for the campaign as it is now, from the cache when nothing changed: the
    progress page's returns, and the figures of a published campaign read from its frozen
    document. The key holds the campaign's state (`state_of`); the creation time tells apart
    a campaign that got the number of a deleted one (a database flushed by tests, restored
    from a backup): the cache may outlive its rows."""
    return _remembered("live", campaign, f"{what}:{state_of(campaign)}", compute)


def _remembered(kind: str, campaign: Any, version: str, compute: Callable[[], T]) -> T:
    """`compute()` kept in the cache for SURVEY_LIVE_RESULTS_SECONDS under the campaign (its
    number and creation time) and `version`: what changes when the answer would."""
    created = campaign.created_at.timestamp() if campaign.created_at else ""
    key = f"surveys:{kind}:{campaign.pk}:{created}:{version}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.SURVEY_LIVE_RESULTS_SECONDS)
    return found  # type: ignore[no-any-return]
