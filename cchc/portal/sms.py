"""Pluggable SMS channel. `settings.SMS_BACKEND` names a class with `send(phone, text)`.

The default only logs the message (no gateway in the demo); a province plugs in its
telecom's gateway by writing a class with the same method and pointing the setting at it.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.utils.module_loading import import_string

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


class MemorySmsBackend:
    """Keeps messages in memory (tests and the demo inspect `outbox`)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend():  # type: ignore[no-untyped-def]
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
