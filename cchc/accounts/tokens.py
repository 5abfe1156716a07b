"""API tokens checked once per process instead of once per request, revocation still immediate.

Every API request used to read its token, the token's user and the user's roles: one
statement, ~7 % of the web server's CPU and one database round trip per request
(docs/performance.md). A process now keeps what it read, and PostgreSQL tells it when to
forget: triggers on the tokens, users and memberships tables (migration accounts 0002) send
a notification on channel `cchc_auth` when one of them changes, and each process listens on
a connection of its own, in a daemon thread, and drops every kept token on each
notification. A revocation, a deactivated user or a changed role is therefore refused from
the moment it commits (plus the notification's delivery, milliseconds), not after a TTL.

Safety rules:
- Nothing is kept unless the listener is connected and listening. When its connection
  breaks, the kept tokens are dropped and every request reads the database again until
  the listener is back (it retries with a growing pause, up to 30 s).
- A token read from the database is kept only if no notification arrived since the read
  began (a generation counter), so a revocation that commits during the read is not lost.
- Each request gets its own copies of the token and the user: requests never share
  instances, and the kept ones stay as they were read.
- Entries also expire after API_TOKEN_CACHE_SECONDS (default 60; 0 turns the cache off).
- Only on PostgreSQL (SQLite has no notifications): elsewhere every request reads the token.
- A forked process (the web server's workers, the index rebuild's workers) starts with an
  empty cache and its own listener.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState

log = logging.getLogger("cchc.accounts")
M = TypeVar("M", bound=Model)

CHANNEL = "cchc_auth"
MAX_RETRY_PAUSE = 30.0
APPLICATION_NAME = "cchc-auth-listener"  # how the listener's connection shows in pg_stat_activity
PING_SECONDS = 10.0  # how often the listener checks that its connection still works


class _State:
    """One process's kept tokens and its listener."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[float, Model, list[tuple[Any, ...]]]] = {}
        self.generation = 0
        self.listening = False
        self.started = False
        self.stopped = False
        self.lock = threading.Lock()

    def forget_all(self, *, listening: bool | None = None) -> None:
        with self.lock:
            self.generation += 1
            self.entries.clear()
            if listening is not None:
                self.listening = listening


_state = _State()


def _after_fork() -> None:
    global _state
    _state = _State()  # the parent's listener thread does not exist here


os.register_at_fork(after_in_child=_after_fork)


def _ttl() -> float:
    from django.conf import settings

    return float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 60))


def enabled(using: str = "default") -> bool:
    return _ttl() > 0 and connections[using].vendor == "postgresql"


def _listen(state: _State, params: dict[str, Any]) -> None:
    import psycopg

    pause = 1.0
    while True:
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                state.forget_all(listening=True)  # anything changed while nobody listened
                pause = 1.0
                while True:
                    for _notice in conn.notifies(timeout=PING_SECONDS):
                        state.forget_all()
                    conn.execute("SELECT 1")  # raises when the connection is gone
        except Exception as exc:  # noqa: BLE001 - logged; the cache is off until the listener is back
            if not state.stopped:
                log.warning(
                    "API token cache off: the listener lost its connection (%s); retrying in %.0f s",
                    str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__,
                    pause,
                )
        state.forget_all(listening=False)
        if state.stopped:
            return
        time.sleep(pause)
        pause = min(pause * 2, MAX_RETRY_PAUSE)


def _start_listener(state: _State, using: str) -> None:
    with state.lock:
        if state.started:
            return
        state.started = True
    params = connections[using].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.setdefault("connect_timeout", 10)
    params["application_name"] = APPLICATION_NAME
    threading.Thread(
        target=_listen, args=(state, params), name="cchc-auth-listener", daemon=True
    ).start()


def _copy(obj: M) -> M:
    """A new instance with the same column values and no cached related objects."""
    new = obj.__class__.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    state = ModelState()
    state.adding, state.db = False, obj._state.db
    new.__dict__["_state"] = state
    return new


def _copy_token(token: M) -> M:
    user = token.user  # type: ignore[attr-defined]
    copy = _copy(token)
    type(token).user.field.set_cached_value(copy, _copy(user))  # type: ignore[attr-defined]
    return copy


def _generation(using: str) -> int | None:
    """The current generation when something read now may be kept; None when nothing may
    (cache off, or the listener is not listening yet)."""
    if not enabled(using):
        return None
    state = _state
    if not state.started:
        _start_listener(state, using)
    return state.generation if state.listening else None


def get(
    key_hash: str,
    read: Callable[[], tuple[M, list[tuple[Any, ...]]] | None],
    using: str = "default",
) -> tuple[M, list[tuple[Any, ...]]] | None:
    """(token with its user, the user's roles): a copy of the kept ones, or what `read()`
    returns (None for a token that may not be used, which is never kept). What was read is
    kept unless a notification arrived while it was being read."""
    state = _state
    if state.listening:
        hit = state.entries.get(key_hash)
        if hit is not None and time.monotonic() - hit[0] <= _ttl():
            return _copy_token(cast(M, hit[1])), hit[2]  # kept by this function for this key
    generation = _generation(using)
    found = read()
    if found is not None and generation is not None:
        token, roles = found
        with state.lock:
            if state.listening and state.generation == generation:
                state.entries[key_hash] = (time.monotonic(), _copy_token(token), list(roles))
    return found


def touched(key_hash: str, last_used_at: Any) -> None:
    """The token's last use was just written: the kept copy says so too."""
    hit = _state.entries.get(key_hash)
    if hit is not None:
        hit[1].last_used_at = last_used_at  # type: ignore[attr-defined]


def wait_until_listening(seconds: float = 10.0, using: str = "default") -> bool:
    """For tests and the bench: start the listener and wait until it listens."""
    _generation(using)
    deadline = time.monotonic() + seconds
    while not _state.listening and time.monotonic() < deadline:
        time.sleep(0.01)
    return _state.listening


def stop() -> None:
    """Forget everything and let the listener end when its connection does (the test
    database is about to be dropped)."""
    _state.stopped = True
    _state.forget_all(listening=False)


def size() -> int:
    return len(_state.entries)
