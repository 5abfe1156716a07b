"""`score2`: a score with two decimals in the active language's notation (8,89 and 1.259,03
in Vietnamese; 1,259.03 in English).

Like `floatformat:2` for the platform's scores (already rounded to 2 decimals by the engine),
at a fraction of its cost (a ranking page prints a thousand of them), and with the thousands
grouped as the exports and PDFs group them (`indices.export.vi_number`): the losses page
wrote 1259,03 where its PDF wrote 1.259,03.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def score2(value: Any, separator: str | None = None, grouping: str | None = None) -> str:
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    decimal = separator or get_format("DECIMAL_SEPARATOR")
    group = grouping if grouping is not None else get_format("THOUSAND_SEPARATOR")
    text = f"{number:,.2f}"
    if abs(number) < 1000:
        return text.replace(".", decimal)
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def score_formatter() -> Any:
    """`score2` with the active language's separator looked up once (for a view that formats
    a thousand numbers)."""
    separator, grouping = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    return lambda value: score2(value, separator, grouping)
