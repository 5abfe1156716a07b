"""Template filters for the links other modules' pages make into plans."""

from __future__ import annotations

from typing import Any

from django import template

from cchc.plans import policies

register = template.Library()


@register.filter
def can_raise_findings(user: Any) -> bool:
    """The user may raise a finding (inspectors and Home Affairs): the link is shown only then."""
    return policies.can_inspect(user)
