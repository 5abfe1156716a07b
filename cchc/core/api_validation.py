"""What the REST API says when its input does not validate (django-ninja + pydantic), in the
page's language: pydantic writes its own reasons in English ("Input should be less than or
equal to 100", "Field required"), so the common error types get a message of ours, translated
through gettext. `config/api.py` wraps it in the documented error envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Messages our own validators raise as ValueError (pydantic reports them as `value_error`):
# English source, looked up in the catalogue when shown. One line per validator.
OWN_MESSAGES = (
    gettext_noop("a date is written YYYY-MM-DD"),  # cchc.core.api.IsoDate
)

# where a parameter came from, not part of its name
_SOURCES = ("body", "query", "path", "payload", "filters")

_DATE = {
    "date_parsing",
    "date_type",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_parsing",
    "datetime_type",
    "datetime_from_date_parsing",
}


def _reasons() -> dict[str, Callable[[Mapping[str, Any]], str]]:
    # built per call: gettext must run in the request's language
    return {
        "missing": lambda ctx: _("this field is required"),
        "less_than_equal": lambda ctx: _("must be at most %(n)s") % {"n": ctx.get("le")},
        "less_than": lambda ctx: _("must be less than %(n)s") % {"n": ctx.get("lt")},
        "greater_than_equal": lambda ctx: _("must be at least %(n)s") % {"n": ctx.get("ge")},
        "greater_than": lambda ctx: _("must be greater than %(n)s") % {"n": ctx.get("gt")},
        "int_parsing": lambda ctx: _("must be a whole number"),
        "int_type": lambda ctx: _("must be a whole number"),
        "int_from_float": lambda ctx: _("must be a whole number"),
        "float_parsing": lambda ctx: _("must be a number"),
        "float_type": lambda ctx: _("must be a number"),
        "bool_parsing": lambda ctx: _("must be true or false"),
        "bool_type": lambda ctx: _("must be true or false"),
        "string_type": lambda ctx: _("must be text"),
        "string_too_long": lambda ctx: (
            _("must be at most %(n)s characters long") % {"n": ctx.get("max_length")}
        ),
        "string_too_short": lambda ctx: (
            _("must be at least %(n)s characters long") % {"n": ctx.get("min_length")}
        ),
        "string_pattern_mismatch": lambda ctx: _("is not written in the expected form"),
        "too_long": lambda ctx: _("must have at most %(n)s items") % {"n": ctx.get("max_length")},
        "list_type": lambda ctx: _("must be a list"),
        "literal_error": lambda ctx: (
            _("must be one of %(values)s") % {"values": ctx.get("expected")}
        ),
        "enum": lambda ctx: _("must be one of %(values)s") % {"values": ctx.get("expected")},
    }


def reason(error: Mapping[str, Any]) -> str:
    """Why one pydantic error refused the value, in the active language; an error type we do
    not know keeps pydantic's own wording rather than hiding it."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _DATE:
        return _("must be a date written YYYY-MM-DD")
    if kind == "value_error" and ctx.get("error") is not None:
        # our own validator's message (OWN_MESSAGES), translated if the catalogue has it
        return _(str(ctx["error"]))
    explain = _reasons().get(kind)
    if explain is not None:
        return explain(ctx)
    return str(error.get("msg", ""))


def field_of(error: Mapping[str, Any]) -> str | None:
    """The dotted name of the refused field (`items.0.code`), without where it came from."""
    parts = [str(p) for p in error.get("loc", ()) if p not in _SOURCES]
    return ".".join(parts) or None


def validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """The message and field of the error envelope for a refused request: its first error."""
    first: Mapping[str, Any] = errors[0] if errors else {}
    field = field_of(first)
    message = _("Invalid value for %(field)s: %(reason)s") % {
        "field": field or _("the request"),
        "reason": reason(first) if first else "",
    }
    return message, field
