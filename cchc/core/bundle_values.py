"""Reading one value of an interchange bundle line in an app's import hook (petitions.jsonl,
tasks.jsonl): absent or empty is None (or an error when the value is required), anything but
text is refused. Each error names the bundle key, as the line's reason and the form field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed


def text_value(row: dict[str, Any], key: str, *, required: bool, expected: str) -> str | None:
    """`row[key]` as text, or None when it is absent or empty and not `required`.
    `expected` says what the text must be (the message when the value is not text)."""
    value = row.get(key)
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s is required.") % {"field": key}, field=key)
        return None
    if not isinstance(value, str):
        raise ValidationFailed(expected % {"field": key}, field=key)
    return value
