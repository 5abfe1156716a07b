"""The questionnaire page shows the answers it was sent back with: a submission refused (a
required question left blank, a quota filled meanwhile) must not cost the respondent the
thirty answers already given. `posted` is the request's POST (or a correction's answers in
the same shape: forms.answers_as_post)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _values(posted: Any, field: str) -> list[str]:
    if hasattr(posted, "getlist"):
        return [str(v) for v in posted.getlist(field)]
    value = posted.get(field) if isinstance(posted, dict) else None
    return [] if value is None else [str(value)]


@register.simple_tag
def chosen(posted: Any, name: str, value: Any, key: Any = None, word: str = "checked") -> str:
    """`word` ("checked", or "selected" for an option) when `value` was given for the field
    `name` (or `name__key`: a matrix row, a ranking place)."""
    field = f"{name}__{key}" if key not in (None, "") else name
    return word if str(value) in _values(posted, field) else ""


@register.simple_tag
def given(posted: Any, name: str) -> str:
    """The text given for a field, "" when none."""
    values = _values(posted, name)
    return values[0] if values else ""
