"""Cleaning what the public types, and removing personal data from what the public reads."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Vietnamese phone numbers (0xxxxxxxxx or +84xxxxxxxxx, with optional separators) and
# 9/12-digit identity numbers (CMND / CCCD).
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{9}(?:\d{3})?(?!\d)")


def clean_text(value: str | None, *, multiline: bool = True) -> str:
    """Strip HTML tags (so nothing typed can run as markup) and tidy whitespace."""
    if not value:
        return ""
    text = html.unescape(strip_tags(str(value)))
    text = text.replace("\x00", "")
    if not multiline:
        return " ".join(text.split())
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def redact(text: str | None) -> str:
    """Hide e-mail addresses, phone and identity numbers before a text is published."""
    if not text:
        return ""
    text = _EMAIL.sub("[…]", text)
    text = _PHONE.sub("[…]", text)
    return _ID_NUMBER.sub("[…]", text)
