"""Pluggable SMS channel. `settings.SMS_BACKEND` names a class with `send(phone, text)`.

The default only logs the message (no gateway in the demo). `HttpSmsBackend` talks to an
HTTP SMS gateway (the usual shape of a Vietnamese telecom's brand-name SMS API): the URL,
credentials and the request body template come from settings, so a province configures its
gateway without code. A gateway of another shape: a class with the same method.
"""

from __future__ import annotations

import json
import logging
import re
from string import Template
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from cchc.core import http

log = logging.getLogger("cchc.sms")


class SmsError(Exception):
    """The gateway refused or failed to take the message."""


_CODE = re.compile(r"\d{4,}")


def redact(phone: str, text: str) -> tuple[str, str]:
    """The phone number to its last 3 digits, every run of 4+ digits in the text (one-time
    codes, dossier numbers, ID digits) to asterisks: what a log may keep of a message."""
    digits = re.sub(r"\D", "", phone or "")
    return f"***{digits[-3:]}" if digits else "***", _CODE.sub(lambda m: "*" * len(m[0]), text)


class LogSmsBackend:
    """Writes that a message was "sent" to the log, masked (no gateway: the demo). Phone
    numbers and one-time codes are personal data and credentials: never logged in clear."""

    def send(self, phone: str, text: str) -> None:
        masked_phone, masked_text = redact(phone, text)
        log.info("SMS to %s: %s", masked_phone, masked_text)


def _fill(template: Any, values: dict[str, str]) -> Any:
    """The JSON body template with `$phone` and `$text` replaced inside its strings (after
    parsing, so a quote or newline in the text can never break the JSON)."""
    if isinstance(template, str):
        return Template(template).safe_substitute(values)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template


class HttpSmsBackend:
    """POSTs each message as JSON to `SMS_GATEWAY_URL`.

    Settings: `SMS_GATEWAY_URL`; `SMS_GATEWAY_USER` and `SMS_GATEWAY_PASSWORD` (HTTP Basic)
    or `SMS_GATEWAY_TOKEN` (Bearer); `SMS_GATEWAY_TEMPLATE`, the JSON body with `$phone`,
    `$text` and `$sender` placeholders (e.g. `{"to": "$phone", "brandname": "$sender",
    "message": "$text"}`); `SMS_GATEWAY_SENDER`; `SMS_GATEWAY_TIMEOUT` (seconds). Any answer
    other than 2xx raises `SmsError`, so the outbox retries with backoff; the error never
    repeats the phone number or the text (it is stored in the outbox's `last_error`)."""

    def __init__(self) -> None:
        self.url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set")
        self.template = json.loads(
            getattr(settings, "SMS_GATEWAY_TEMPLATE", "") or '{"to": "$phone", "text": "$text"}'
        )
        self.sender = getattr(settings, "SMS_GATEWAY_SENDER", "")
        self.timeout = float(getattr(settings, "SMS_GATEWAY_TIMEOUT", 10))
        self.authorization = http.authorization(
            getattr(settings, "SMS_GATEWAY_USER", ""),
            getattr(settings, "SMS_GATEWAY_PASSWORD", ""),
            getattr(settings, "SMS_GATEWAY_TOKEN", ""),
        )

    def send(self, phone: str, text: str) -> None:
        body = _fill(self.template, {"phone": phone, "text": text, "sender": self.sender})
        try:
            http.post_json(
                self.url, body, what="SMS gateway", auth=self.authorization, timeout=self.timeout
            )
        except http.HttpError as exc:
            raise SmsError(str(exc)) from None


class MemorySmsBackend:
    """Keeps messages in memory (tests and the demo inspect `outbox`)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend():  # type: ignore[no-untyped-def]
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
