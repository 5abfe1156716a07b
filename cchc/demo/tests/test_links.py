"""Every link a user is shown leads somewhere they may go.

The demo is seeded (small), then each demo role walks the pages it can reach from the home
page by following the links and htmx loads it is shown, as a person clicking would. A link
that answers 403, 404 or 500 to the user it was shown to is a dead end in the interface:
the page should not offer it (or the target should let them in). Before this test a clerk
was offered the complaints register, an inspector the survey collection pages, unit staff
the other units' PAR and task pages and the sample's letters, and the receipt of a dossier
not yet received.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from cchc.accounts.models import User
from cchc.demo.management.commands.seed_demo import DEMO_USERS

pytestmark = pytest.mark.django_db(transaction=False)

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
# signing out ends the walk; files and the admin site are not pages of the platform
SKIP = ("/logout", "/accounts/logout", "/static/", "/media/", "/admin/")
PER_SHAPE = 2  # /staff/dossiers/<code>/ once or twice is enough, not every dossier
MOST = 400


def _shape(url: str) -> str:
    path, _, query = url.partition("?")
    shape = re.sub(r"\d+", "N", path)
    return shape + ("?" + re.sub(r"=[^&]*", "=", query) if query else "")


def walk(client: Client) -> tuple[int, list[tuple[str, int, str]]]:
    """Breadth-first from the home page; returns the pages read and the dead links
    (url, status, the page that showed it)."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([("/", "")])
    dead = []
    pages = 0
    while queue and pages < MOST:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        if shapes[_shape(url)] > PER_SHAPE:
            continue
        response = client.get(url)
        pages += 1
        if response.status_code >= 400:
            dead.append((url, response.status_code, shown_on))
            continue
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if not link.startswith(SKIP) and link not in seen:
                    queue.append((link, url))
    return pages, dead


def test_no_role_is_shown_a_link_it_may_not_follow():
    call_command("seed_demo", dossiers=30, petitions=30, stdout=StringIO(), stderr=StringIO())
    usernames = [name for name, *_ in DEMO_USERS if name != "admin"]  # admin: second factor
    dead = {}
    read = {}
    for name in [*usernames, None]:
        client = Client(raise_request_exception=False)
        if name is not None:
            client.force_login(User.objects.get(username=name))
        read[name], dead[name] = walk(client)
    assert {name: rows for name, rows in dead.items() if rows} == {}
    # the walk reached the modules, not just the home page
    assert read["sonoivu"] > 100 and read["motcua.badinh"] > 50 and read[None] > 10
