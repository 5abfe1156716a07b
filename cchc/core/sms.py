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


# What a log may not keep of a message, and only that (a log that hid every number hid the
# appointment's date and time and the link's port, and could not be read for support):
# - a long run of digits: a phone number or a citizen ID number (9 or 12 digits);
_LONG_NUMBER = re.compile(r"\+?\d{9,}")
# - a group of 4 to 8 digits standing alone: a one-time code, an ID's last 4 digits. A group
#   joined to a date, a time, a port or a dossier code ("07/12/2026", ":8000",
#   "H26-261203-0004") by "/", ":", "-" or "." is part of that and stays;
_SECRET_DIGITS = re.compile(r"(?<![\w/:.\-])\d{4,8}(?![\w/:\-]|\.\d)")
# - the uid and token of a set-password link (cchc.accounts.links): the link is the credential.
_PASSWORD_LINK = re.compile(r"(/password/reset/)\S+")


def redact(phone: str, text: str) -> tuple[str, str]:
    """The phone number to its last 3 digits; in the text, phone and ID numbers, one-time
    codes and ID digits, and set-password links to asterisks (dates, times, ports and
    dossier codes stay readable): what a log may keep of a message."""
    digits = re.sub(r"\D", "", phone or "")
    text = _PASSWORD_LINK.sub(r"\1***", text)
    if digits:
        text = text.replace(phone, "***")
    for pattern in (_LONG_NUMBER, _SECRET_DIGITS):
        text = pattern.sub(lambda m: "*" * len(m[0]), text)
    return f"***{digits[-3:]}" if digits else "***", text


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
