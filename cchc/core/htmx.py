"""One way for a view to answer a full page or an htmx fragment.

htmx sends `HX-Request: true` (and `HX-Target: <id>` when it swaps into an element); one URL
serves both, so a link, the back button and a page reload all work without JavaScript. Plain
headers are read here, so no middleware is needed (django-htmx was dropped for this).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str | None = None,
    target: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """`template` for a normal request; `fragment` for an htmx one (when `target` is given,
    only for an htmx request swapping into the element with that id)."""
    chosen = template
    if fragment is not None and is_htmx(request):
        if target is None or request.headers.get("HX-Target") == target:
            chosen = fragment
    response = render(request, chosen, context, status=status)
    if fragment is not None:
        # the same URL answers two bodies: caches (and the browser's history) must tell them apart
        patch_vary_headers(response, ("HX-Request", "HX-Target") if target else ("HX-Request",))
    return response


def redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: a plain redirect, or for htmx a full-page navigation
    (`HX-Redirect`), since the fragment that posted is no longer the right thing to show."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def work_card(
    request: HttpRequest,
    *,
    title: Any,
    list_url: str,
    param: str,
    tabs: Mapping[str, Any],
    counts: Mapping[str, tuple[int, bool]],
    more_label: Any,
    page: str = "includes/work_card_page.html",
) -> HttpResponse:
    """A module's "to do" card on the staff home page (templates/includes/work_card.html),
    loaded by htmx: one line per tab of the module's list (`counts`: tab -> (how many, late
    work?)), each linking to `list_url?param=tab`. Opened directly (a bookmark, a new tab) the
    card stands in a full page (`page`, which includes it), not as an unstyled fragment."""
    lines = [
        (tabs[tab], count, f"{list_url}?{param}={tab}", alarm)
        for tab, (count, alarm) in counts.items()
    ]
    return render_page(
        request,
        page,
        {"title": title, "lines": lines, "more_url": list_url, "more_label": more_label},
        fragment="includes/work_card.html",
    )
