"""Filters of the catalogue's staff pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def dots(amount: int) -> str:
    """Whole đồng grouped the Vietnamese way: 1500000 -> "1.500.000" (Django's Vietnamese
    number format does not group digits, so `intcomma` printed "1500000")."""
    return f"{int(amount):,}".replace(",", ".")


@register.filter
def dong(amount: Any) -> str:
    try:
        return dots(int(amount))
    except (TypeError, ValueError):
        return ""
