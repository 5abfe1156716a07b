"""Template helpers shared by every app's templates (the pagination partial's links)."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.utils.html import format_html

from cchc.core.text import thousands

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int, anchor: str = "") -> str:
    """`?<the current query without page>&page=<number>`: filters survive paging. With an
    `anchor` (the pagination partial's `page_anchor=`), `#anchor` follows, so the next page of a
    list low on a long page opens at the list, not at the top of the page."""
    fragment = f"#{anchor}" if anchor else ""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}{fragment}"
    query.pop("page", None)
    query["page"] = str(number)
    return "?" + query.urlencode() + fragment


@register.simple_tag
def form_key() -> str:
    """The key of a form that creates something, a fresh one at each rendering: its view
    (`idempotency.once_per_form`) acts once per key, so going back and sending the same page
    again does not create a second one.

    A text box kept out of sight (`hidden`), not an `<input type="hidden">`: when a person
    presses Back, the browser loads the page again (a new key) and puts back what was typed
    in text boxes, never a hidden input's value, and only where the value differs from the
    page's HTML; `static/cchc/ui.js` therefore empties the box's default and keeps its value,
    so Back brings the first key back with the form (Chromium made a second petition
    without this, in `feedback/tests/test_browser.py`). No `autocomplete="off"`: that would
    stop the browser putting the key back. Without script the key still covers a reload's
    resend and a double click."""
    return format_html(
        '<input type="text" name="form_key" value="{}" hidden tabindex="-1">', uuid.uuid4().hex
    )


@register.filter
def dong(amount: Any) -> str:
    """Whole đồng with the dots Vietnamese writes between thousands (1500000 -> "1.500.000"):
    Django's Vietnamese number format groups no digits, so `intcomma` printed "1500000"."""
    try:
        return thousands(int(amount))
    except (TypeError, ValueError):
        return ""
