"""Safe retries of API writes: the `Idempotency-Key` header (issue 12.4).

A client that did not get an answer (a timeout, a dropped connection, a 500 during a
database restart) cannot know whether its write took effect. Sending the write again with
the same `Idempotency-Key` makes the retry safe:

* the first request that *commits* stores its answer (status and body) with the key, the
  caller and a hash of the request (method, path, body), in the same transaction as the
  change itself, so a key exists exactly when the change does;
* a replay by the same caller with the same key and the same request gets that stored answer
  (header `Idempotent-Replayed: true`) and nothing is done again;
* the same key with a different request is refused with 422 (`idempotency_key_reused`);
* two requests with the same key at the same instant: the second one's insert of the key
  waits on the unique index until the first commits, then replays its answer (if the first
  rolled back, the second acts);
* an answer that is not a success (4xx, 5xx) is not stored: the transaction is rolled back,
  nothing changed, and a retry is judged afresh;
* keys expire after `settings.IDEMPOTENCY_KEY_TTL_HOURS` (24 by default); an expired key may
  be used again and is replaced, and `manage.py purge_idempotency_keys` deletes expired rows.

Wired in `config/api.py` by two decorators over every operation: `around_operation` (the
transaction, around authentication, validation, the endpoint and its rendering) and
`claim_key` (inside, once the caller is known: claims the key or raises `Replay`).

Writes outside the ninja API whose caller is not a user account (the Open311 GeoReport POST,
whose caller is an API client) use `once(request, scope=..., act=...)`: the same claim, the
same transaction and the same replay, with the keys held per `scope` instead of per user.

Web forms that create something (a counter intake, a petition, an online submission) use
`once_per_form` and carry their own key in a hidden field (`{% form_key %}`, a fresh one at
each rendering): a person who goes back after sending and sends the same page again, or
reloads and confirms the resend, is taken to what the first sending made, with a word,
instead of creating a second one. Double clicks meet on the key's unique index the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError, ValidationFailed
from cchc.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
_META = "HTTP_IDEMPOTENCY_KEY"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# printable ASCII, as the IETF draft "The Idempotency-Key HTTP Header Field" suggests (UUIDs)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_CLAIM = "_cchc_idempotency"


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class Replay(Exception):
    """Raised inside an operation when the key already has an answer; the API answers it."""

    def __init__(self, record: IdempotencyKey):
        super().__init__(record.key)
        self.record = record


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path):
        digest.update(part.encode() + b"\0")
    try:
        digest.update(request.body)
    except RawPostDataException:
        # a multipart body already parsed (request.POST read first): its fields and files
        # stand for it, in a fixed order
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}".encode() + b"\0")
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}".encode() + b"\0")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _key(request: HttpRequest) -> str | None:
    if request.method not in WRITES:
        return None
    key = request.META.get(_META)
    if key is None:
        return None
    if not _KEY_RE.match(key):
        raise ValidationFailed(
            _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
            field=HEADER,
        )
    return key


def claim(request: HttpRequest, caller: Any, key: str, *, scope: str = "") -> IdempotencyKey:
    """Claim `key` for this request of `caller` (a user) or, with no caller, of `scope`
    inside the current transaction, or raise Replay (the key has an answer for the same
    request) or KeyReused (for another)."""
    if caller is None and not scope:
        raise ValueError("an idempotency key belongs to a caller or a scope")
    digest = request_hash(request)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    caller=caller,
                    scope="" if caller is not None else scope,
                    key=key,
                    request_hash=digest,
                    created_at=now,
                    expires_at=now + ttl(),
                )
        except IntegrityError:
            # the key is taken (and committed: the unique index made us wait for its writer)
            owner = {"caller": caller} if caller is not None else {"caller": None, "scope": scope}
            record = IdempotencyKey.objects.select_for_update().filter(key=key, **owner).first()
            if record is None:  # deleted meanwhile (expired and purged): claim it again
                continue
            if record.expires_at <= now:
                record.delete()
                continue
            if record.request_hash != digest:
                raise KeyReused(
                    _(
                        "This Idempotency-Key was already used for a different request; "
                        "use a new key for a new request."
                    ),
                    field=HEADER,
                ) from None
            raise Replay(record) from None
    raise KeyReused(_("This Idempotency-Key could not be claimed; retry."), field=HEADER)


def replay_response(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    response["Content-Type"] = record.content_type
    response["Idempotent-Replayed"] = "true"
    return response


def _store(record: IdempotencyKey, response: HttpResponse) -> None:
    record.status = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.body = response.content
    record.save(update_fields=["status", "content_type", "body"])


def around_operation(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator over an operation's `run` (ninja mode "view"): a write carrying the header
    runs in one transaction with the claim of its key; a success stores its answer there, any
    other answer rolls the whole request back."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in WRITES or _META not in request.META:
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            record: IdempotencyKey | None = getattr(request, _CLAIM, None)
            if record is not None and 200 <= response.status_code < 300:
                _store(record, response)
            elif not response.has_header("Idempotent-Replayed"):
                transaction.set_rollback(True)
        return response

    return wrapper


def claim_key(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator over an endpoint (ninja mode "operation": the caller is authenticated and
    the input valid): claims the request's key before the endpoint acts."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = _key(request)
        caller = getattr(request, "auth", None)
        if key is not None and caller is not None and getattr(caller, "pk", None):
            setattr(request, _CLAIM, claim(request, caller, key))
        return view_func(request, *args, **kwargs)

    return wrapper


def once(request: HttpRequest, *, scope: str, act: Callable[[], HttpResponse]) -> HttpResponse:
    """Run the write `act` at most once per `Idempotency-Key` of `scope` (a caller that is not
    a user account, e.g. "open311:<client id>"): without the header it simply runs; with it,
    the key is claimed and `act` runs in one transaction, a success stores its answer there,
    a replay of the same request returns that answer (`Idempotent-Replayed: true`), the same
    key with another request raises KeyReused (422), a malformed key ValidationFailed (400).
    An answer that is not a success, or an exception from `act`, rolls everything back."""
    key = _key(request)
    if key is None:
        return act()
    with transaction.atomic():
        try:
            record = claim(request, None, key, scope=scope)
        except Replay as replay:
            return replay_response(replay.record)
        response = act()
        if 200 <= response.status_code < 300:
            _store(record, response)
        else:
            transaction.set_rollback(True)
    return response


FORM_FIELD = "form_key"


def _form_scope(request: HttpRequest) -> str:
    return f"form:{request.path}"[:80]


def once_per_form(
    view: Callable[..., HttpResponse] | None = None,
    *,
    when: Callable[[HttpRequest], bool] | None = None,
) -> Any:
    """Decorator over a view whose form creates something: a POST carrying the form's key
    (`{% form_key %}`; also only `when(request)` holds, e.g. the "submit" button rather than
    "save draft") runs once per key. The first sending that answers with a redirect (the
    post/redirect/get of a success) keeps that redirect with the key, in the same
    transaction as what it made; a form refused (the page again, with its errors) keeps
    nothing, so the corrected form can be sent. Any later sending of the same key, changed
    or not, is taken to the first one's page with a message and makes nothing new."""

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
            if not _KEY_RE.match(key) or (when is not None and not when(request)):
                return func(request, *args, **kwargs)
            scope = _form_scope(request)
            with transaction.atomic():
                now = timezone.now()
                owned = IdempotencyKey.objects.filter(caller=None, scope=scope, key=key)
                owned.filter(expires_at__lte=now).delete()  # a stale page's key is free again
                try:
                    with transaction.atomic():
                        record = IdempotencyKey.objects.create(
                            caller=None,
                            scope=scope,
                            key=key,
                            created_at=now,
                            expires_at=now + ttl(),
                        )
                except IntegrityError:
                    # taken, and committed: the unique index made this insert wait for it
                    earlier = owned.get()
                    messages.info(
                        request,
                        _(
                            "This form had already been sent, so nothing new was created: "
                            "here is what it made. To send a new one, open the form again."
                        ),
                    )
                    return HttpResponseRedirect(bytes(earlier.body).decode())
                response = func(request, *args, **kwargs)
                if 300 <= response.status_code < 400 and response.has_header("Location"):
                    record.status = response.status_code
                    record.body = response["Location"].encode()
                    record.save(update_fields=["status", "body"])
                else:
                    record.delete()
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete expired keys; returns how many."""
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
