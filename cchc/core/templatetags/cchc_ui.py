"""Template helpers shared by every app's templates (the pagination partial's links)."""

from __future__ import annotations

from typing import Any

from django import template

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
