"""Every link a user is shown leads somewhere they may go, and every form they are shown
answers them.

The demo is seeded (small), then each demo role walks the pages it can reach from the home
page by following the links and htmx loads it is shown, as a person clicking would. A link
that answers 403, 404 or 500 to the user it was shown to is a dead end in the interface:
the page should not offer it (or the target should let them in). Before this test a clerk
was offered the complaints register, an inspector the survey collection pages, unit staff
the other units' PAR and task pages and the sample's letters, and the receipt of a dossier
not yet received.

Each form posted on a page is sent once per button as the page fills it (no typing), in a
transaction rolled back afterwards: it may succeed or answer with its errors (400), never
refuse the user it was shown to (403) or fail (500).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
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


class PostForms(HTMLParser):
    """The POST forms of a page: action, the values the page fills in, the submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action"), "fields": [], "buttons": []}
            if a.get("method", "").lower() == "post":
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind, name = a.get("type", "text").lower(), a.get("name")
            if kind == "submit":
                self._form["buttons"].append((name, a.get("value", "")))
            elif name and kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value") or "on"))
            elif name and kind != "file":
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form["buttons"].append((a.get("name"), a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "value": None, "chosen": False}
        elif tag == "option" and self._select is not None:
            if self._select["value"] is None or ("selected" in a and not self._select["chosen"]):
                self._select.update(value=a.get("value", ""), chosen="selected" in a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if (
                self._form is not None
                and self._select["name"]
                and self._select["value"] is not None
            ):
                self._form["fields"].append((self._select["name"], self._select["value"]))
            self._select = None


def post_forms(client: Client, page: str, body: str, tried: set) -> list[tuple[str, int, str]]:
    """Send each form of the page once per button (and action shape), rolled back; the
    refusals and failures."""
    parser = PostForms()
    parser.feed(body)
    wrong = []
    for form in parser.forms:
        action = (form["action"] or page.split("?")[0]).replace("&amp;", "&")
        if action.startswith(SKIP):
            continue
        for name, value in form["buttons"] or [(None, "")]:
            if (key := (_shape(action), name, value)) in tried:
                continue
            tried.add(key)
            data: dict[str, list[str]] = {}
            for field, given in form["fields"] + ([(name, value)] if name else []):
                data.setdefault(field, []).append(given)
            with transaction.atomic():
                status = client.post(action, data).status_code
                transaction.set_rollback(True)
            if status in (403, 404) or status >= 500:
                wrong.append((f"POST {action} {name or ''}={value}", status, page))
    return wrong


def walk(client: Client) -> tuple[int, int, list[tuple[str, int, str]]]:
    """Breadth-first from the home page; returns the pages read, the forms sent and the dead
    links and forms (url, status, the page that showed it)."""
    seen: set[str] = set()
    tried: set = set()
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
            body = response.content.decode()
            for link in LINK.findall(body):
                link = link.replace("&amp;", "&")
                if not link.startswith(SKIP) and link not in seen:
                    queue.append((link, url))
            dead += post_forms(client, url, body, tried)
    return pages, len(tried), dead


def test_no_role_is_shown_a_link_or_a_form_it_may_not_use():
    call_command("seed_demo", dossiers=30, petitions=30, stdout=StringIO(), stderr=StringIO())
    usernames = [name for name, *_ in DEMO_USERS if name != "admin"]  # admin: second factor
    dead = {}
    read = {}
    sent = {}
    for name in [*usernames, None]:
        client = Client(raise_request_exception=False)
        if name is not None:
            client.force_login(User.objects.get(username=name))
        read[name], sent[name], dead[name] = walk(client)
    assert {name: rows for name, rows in dead.items() if rows} == {}
    # the walk reached the modules, not just the home page, and sent their forms
    assert read["sonoivu"] > 100 and read["motcua.badinh"] > 50 and read[None] > 10
    assert sent["sonoivu"] > 30 and sent["lanhdao.badinh"] > 10 and sent[None] > 3
