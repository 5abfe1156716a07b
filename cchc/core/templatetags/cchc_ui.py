"""Template helpers shared by every app's templates (the pagination partial's links)."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """`?<the current query without page>&page=<number>`: filters survive paging."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}"
    query.pop("page", None)
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def form_key() -> str:
    """The hidden key of a form that creates something, a fresh one at each rendering: its
    view (`idempotency.once_per_form`) acts once per key, so going back and sending the same
    page again does not create a second one."""
    return format_html('<input type="hidden" name="form_key" value="{}">', uuid.uuid4().hex)
