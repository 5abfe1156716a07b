"""Live figures of a campaign computed once per change, not once per page view.

The index of a campaign of 100,000 questionnaires takes about a second to compute; the
results, unit and bias pages would each pay it on every view. Instead every write that can
change a campaign's figures (a response recorded, reviewed or corrected) gives the campaign a
new random *version* in the cache (`changed`), and the figures are cached under that version
(`cached`): a page view after the change computes them once, the following views read them.

Why a random version rather than a counter: an evicted version (the database cache culls)
comes back as a new value, so figures cached under an old version are never served again.
Why the version is written both inside the writer's transaction and after its commit: with
the database cache (settings.CACHES) the first write commits or rolls back with the change
itself; with a cache outside the database the write after the commit makes sure a view that
ran between the two cannot leave figures without the change under the last version. The
key also holds the campaign's own event number and status (opening, closing, publication),
and cached figures expire after SURVEY_LIVE_RESULTS_SECONDS (what no write here announces:
a unit renamed or moved to another ranking group, a method version added).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def _version_key(campaign_id: int) -> str:
    return f"surveys:live:{campaign_id}:version"


def _bump(campaign_id: int) -> None:
    cache.set(_version_key(campaign_id), secrets.token_hex(8), None)


def changed(campaign_id: int | None) -> None:
    """The campaign's figures change with the current transaction."""
    if campaign_id is None:
        return
    _bump(campaign_id)
    transaction.on_commit(lambda: _bump(campaign_id))


def version(campaign_id: int) -> str:
    found = cache.get(_version_key(campaign_id))
    if found is None:
        fresh = secrets.token_hex(8)
        found = fresh if cache.add(_version_key(campaign_id), fresh, None) else None
        found = found or cache.get(_version_key(campaign_id)) or fresh
    return str(found)


def cached(campaign: Any, what: str, compute: Callable[[], T]) -> T:
    """`compute()` for the campaign as it is now, from the cache when nothing changed."""
    # the creation time tells apart a campaign that got the number of a deleted one (a
    # database flushed by tests, restored from a backup): the cache may outlive its rows
    created = campaign.created_at.timestamp() if campaign.created_at else ""
    key = (
        f"surveys:live:{campaign.pk}:{created}:{what}:{version(campaign.pk)}:"
        f"{campaign.last_event_seq}:{campaign.status}"
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.SURVEY_LIVE_RESULTS_SECONDS)
    return found  # type: ignore[no-any-return]
