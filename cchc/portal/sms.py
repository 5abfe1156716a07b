"""Pluggable SMS channel. `settings.SMS_BACKEND` names a class with `send(phone, text)`.

The default only logs the message (no gateway in the demo); a province plugs in its
telecom's gateway by writing a class with the same method and pointing the setting at it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("cchc.sms")


class SmsError(Exception):
    """The gateway refused or failed to take the message."""


class LogSmsBackend:
    """Writes the message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class MemorySmsBackend:
    """Keeps messages in memory (tests and the demo inspect `outbox`)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def get_backend():  # type: ignore[no-untyped-def]
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
