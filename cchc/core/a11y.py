"""Checks of rendered pages, used by the tests of every app (through `cchc.testing`):

- `assert_aria_references(html)`: every id a page refers to (aria-describedby,
  aria-labelledby, label for, #fragment links) exists, and no id is used twice;
- `assert_accessible(page)`: axe-core (vendored in static/vendor/axe-core) run in a Playwright
  page fails on serious or critical WCAG 2.1 AA violations;
- `sign_in(page, user)`: a Playwright page signed in as a user.

Only the standard library and Django here: core imports no app.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings


class _IdRefs(HTMLParser):
    """Collects the ids of a page and every reference to an id (aria-describedby,
    aria-labelledby, aria-controls, label for, href="#...")."""

    REF_ATTRS = ("aria-describedby", "aria-labelledby", "aria-controls", "for")

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.invalid: list[str] = []  # ids of form controls with aria-invalid="true"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.append(a["id"])
        for name in self.REF_ATTRS:
            if name == "for" and tag != "label":
                continue
            for ref in a.get(name, "").split():
                self.refs.append((tag, name, ref))
        if tag == "a" and a.get("href", "").startswith("#") and len(a["href"]) > 1:
            self.refs.append((tag, "href", a["href"][1:]))
        if a.get("aria-invalid") == "true":
            self.invalid.append(a.get("id", ""))


def aria_references(html: str) -> _IdRefs:
    parser = _IdRefs()
    parser.feed(html)
    return parser


def assert_aria_references(html: str) -> _IdRefs:
    """Every id a page refers to (aria-describedby, aria-labelledby, label for, #fragment
    links) exists, and no id is used twice. Returns the parsed references for more checks."""
    parsed = aria_references(html)
    ids = set(parsed.ids)
    dangling = [f'<{tag} {attr}="{ref}">' for tag, attr, ref in parsed.refs if ref not in ids]
    assert not dangling, f"references to ids that do not exist: {dangling}"
    twice = sorted({i for i in parsed.ids if parsed.ids.count(i) > 1})
    assert not twice, f"ids used more than once: {twice}"
    return parsed


AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
# axe-core's impact levels that fail a test; "moderate" and "minor" are reported, not failed
FAILING_IMPACTS = ("serious", "critical")


def sign_in(page: Any, user: Any) -> None:
    """Sign a Playwright page in as `user` (a session made by Django's test client)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


# a phone's window, as the phone tests open pages (a 390 px wide screen)
PHONE = {"width": 390, "height": 844}


def open_page(page: Any, path: str, user: Any = None, *, size: dict[str, int] = PHONE) -> None:
    """Open `path` in a Playwright page sized `size` (a phone unless told), signed in as
    `user` when one is given."""
    if user is not None:
        sign_in(page, user)
    page.set_viewport_size(size)
    page.goto(f"{page.base_url}{path}")


def assert_accessible(page: Any, *, disable: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core (vendored, static/vendor/axe-core) on the page as it is now and fail on
    serious or critical violations of WCAG 2.1 A/AA and best practices. `disable` turns off
    named rules, each of which needs a reason at the call site. Returns the lesser violations.

    axe is evaluated through the DevTools protocol, so a strict Content-Security-Policy on the
    page does not stop it."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (disable) => {
            const rules = Object.fromEntries(disable.map((id) => [id, {enabled: false}]));
            return await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                rules,
                resultTypes: ["violations"],
            });
        }""",
        list(disable),
    )
    failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        lines = [f"axe-core: {len(failing)} serious/critical violation(s) on {page.url}"]
        for v in failing:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"      {summary[:300]}")
        raise AssertionError("\n".join(lines))
    return [v for v in result["violations"] if v["impact"] not in FAILING_IMPACTS]
