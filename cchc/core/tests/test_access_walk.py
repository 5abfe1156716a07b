"""Issue 12.2: every URL pattern of the root URLconf and every operation of the API's OpenAPI
schema, requested by every role, answers a success only where the permission table below
grants that role access. A new URL pattern or API operation fails this test until it is
given its row in the table.

The walk asks GET for the pages (forms are GET-safe; their POSTs go through the services'
own permission checks, tested per app) and every API operation with its method, a valid
empty body where the schema allows one (`{}`), and path parameters filled from seeded
objects: a dossier received at agency A, its procedure and agency."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.test_api import token_for

API_PAGES = {"api/v1/", "api/v1/openapi.json", "api/v1/docs"}
ROLES = (
    "anonymous",
    "citizen",
    "clerk_a",
    "specialist_a",
    "leader_a",
    "province_admin",
    "inspector",
)


def _patterns(
    resolver: URLResolver | None = None, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str, list[str]]]:
    """(route as written, namespaced name, parameter names) of every named pattern."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _patterns(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), ns + p.name, list(p.pattern.regex.groupindex)


def _value(route: str, param: str, seeds: dict[str, str]) -> str:
    """A path parameter filled from the seeded objects (by the route's section)."""
    if param == "code":
        if route.startswith(("procedures/", "api/v1/procedures")):
            return seeds["procedure"]
        if route.startswith(("agencies/", "indices/co-quan/", "plans/don-vi/")):
            return seeds["agency"]
        if route.startswith(("staff/", "forms/", "lookup/", "kiosk/", "api/v1/dossiers")):
            return seeds["dossier"]
        return "KHONG-CO"  # a code of another kind of object: nothing seeded (answers 404)
    if param == "pk" and route.startswith("catalogue/"):
        return seeds["procedure_pk"]
    return {
        "action": "finish",
        "key": "01",
        "metric": "1",
        "year": "2026",
        "fmt": "json",
        "pk": "999999",
        "ext_id": "999999",
        "request_id": "999999",
        "token": "khong-co",
        "unit": "H26.100",
        "rest": "khong-co",
    }.get(param, "x")


def _client(role: str, cast) -> tuple[Client, dict[str, Any]]:
    client = Client()
    if role == "anonymous":
        return client, {}
    user = getattr(cast, role)
    client.force_login(user)
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


def _seed(cast) -> dict[str, str]:
    dossier = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An", account=cast.citizen),
        actor=cast.clerk_a,
    )
    return {
        "dossier": dossier.code,
        "procedure": cast.procedure.code,
        "procedure_pk": str(cast.procedure.pk),
        "agency": cast.agency_a.code,
    }


def _pages(seeds: dict[str, str]) -> list[tuple[str, str]]:
    """(route, URL) of every page pattern (the API is walked from its schema)."""
    pages = []
    for route, name, params in _patterns():
        if route.startswith("api/v1/") and route not in API_PAGES:
            continue  # the operations, walked from the schema
        if route.startswith("admin/") and params:
            continue  # admin object pages: the admin index and lists below stand for them
        kwargs = {p: _value(route, p, seeds) for p in params}
        pages.append((route, reverse(name, kwargs=kwargs)))
    return pages


def _operations(seeds: dict[str, str]) -> list[tuple[str, str, str]]:
    """(method, schema path, URL) of every operation of the OpenAPI schema."""
    from config.api import api

    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        route = path.removeprefix("/").replace("{", "<")
        url = re.sub(r"\{(\w+)\}", lambda m: _value(route, m[1], seeds), path)  # noqa: B023
        for method in methods:
            ops.append((method.upper(), path, url))
    return ops


def _observe(cast) -> dict[tuple[str, str], set[str]]:
    """{(method, route): roles that got a 2xx}."""
    seeds = _seed(cast)
    seen: dict[tuple[str, str], set[str]] = {}
    pages = _pages(seeds)
    ops = _operations(seeds)
    for role in ROLES:
        client, headers = _client(role, cast)
        for route, url in pages:
            r = client.get(url)
            assert r.status_code < 500, (role, url, r.status_code)
            if 200 <= r.status_code < 300:
                seen.setdefault(("GET", route), set()).add(role)
            else:
                seen.setdefault(("GET", route), set())
        api = Client()  # the API with the role's token, no session
        for method, path, url in ops:
            if method == "GET":
                r = api.get(url, **headers)
            else:
                r = api.generic(method, url, "{}", content_type="application/json", **headers)
            assert r.status_code < 500, (role, method, url, r.status_code, r.content[:300])
            key = (method, path.removeprefix("/"))
            seen.setdefault(key, set())
            if 200 <= r.status_code < 300:
                seen[key].add(role)
    return seen


# -- the permission table: who may get a success on each pattern (GET) or operation -----------
ANY = frozenset(ROLES)
SIGNED_IN = ANY - {"anonymous"}
STAFF = frozenset({"clerk_a", "specialist_a", "leader_a", "province_admin", "inspector"})
PROVINCE = frozenset({"province_admin"})
PROVINCE_AND_INSPECTION = frozenset({"province_admin", "inspector"})
NOBODY: frozenset[str] = frozenset()
# the membership role each agency-A user of the cast holds (cchc.testing.make_cast)
_MEMBER_ROLE = {"clerk_a": "CLERK", "specialist_a": "SPECIALIST", "leader_a": "LEADER"}


def _action_roles(action: str) -> frozenset[str]:
    """The project's own table for lifecycle actions (cchc.dossiers.policies.ACTION_ROLES);
    the applicant (the citizen of the seeded dossier) may also withdraw."""
    from cchc.dossiers.policies import ACTION_ROLES

    roles = {u for u, r in _MEMBER_ROLE.items() if r in ACTION_ROLES[action][0]}
    return frozenset(roles | ({"citizen"} if action == "withdraw" else set()))


# Pages: exact route -> roles; anything else by its first matching prefix below.
PAGES: dict[str, frozenset[str]] = {
    "": ANY,
    "i18n/setlang/": NOBODY,  # POST only (GET redirects)
    "jsi18n/": ANY,
    "accounts/": SIGNED_IN,  # one's own account page
    "accounts/password/": SIGNED_IN,
    "accounts/contacts/": frozenset({"citizen"}),  # one's own contacts; staff's by their admins
    "accounts/staff/": PROVINCE,  # Home Affairs and agency administrators (none in the cast)
    "accounts/staff/new/": PROVINCE,
    "accounts/staff/import/": PROVINCE,
    "accounts/staff/import/staff.csv": PROVINCE,
    "accounts/staff/<int:pk>/": NOBODY,  # an account of theirs: none seeded under that id
    "accounts/staff/<int:pk>/<str:action>/": NOBODY,  # POST only
    "accounts/login/": ANY,
    "password/reset/": ANY,  # a forgotten password (the same answer for every address)
    "password/reset/sent/": ANY,
    "password/reset/<uidb64>/<token>/": ANY,  # a made-up link: the "does not work" page
    "accounts/login/code/": NOBODY,  # only with a pending password step
    "accounts/logout/": NOBODY,  # POST only
    "accounts/two-step/": STAFF,  # TOTP enrolment: not offered to citizens
    "accounts/two-step-off/": NOBODY,  # POST only
    "accounts/confirm/": SIGNED_IN,  # "confirm it is you" before a change guarding the account
    "api/v1/": NOBODY,
    "api/v1/openapi.json": ANY,
    "api/v1/docs": ANY,
    # the public portal
    "procedures/": ANY,
    "procedures/<str:code>/": ANY,
    "procedures/<str:code>/submit/": NOBODY,  # the seeded procedure is not offered online
    "procedures/<str:code>/templates/<int:pk>/": NOBODY,  # no form template seeded: 404 to all
    "agencies/": ANY,
    "agencies/<str:code>/": ANY,
    "signup/": ANY,
    "signup/verify/": NOBODY,  # only after the sign-up step
    "my/": SIGNED_IN,
    "lookup/": ANY,
    "lookup/<str:code>/": frozenset({"citizen"}),  # the applicant; others prove code + ID
    "lookup/<str:code>/qr.svg": ANY,  # drawn for any well-formed code (confirms nothing)
    "lookup/<str:code>/receipt.pdf": SIGNED_IN,  # owner and staff; masked
    "lookup/<str:code>/result.pdf": NOBODY,  # the applicant's, once returned (not seeded)
    "lookup/<str:code>/notice-<str:key>.pdf": NOBODY,  # the applicant's, one per event (?event=)
    "lookup/<str:code>/evaluate/": frozenset({"citizen"}),  # the applicant's own link
    "kiosk/": NOBODY,  # only on a registered kiosk browser
    "kiosk/register/": frozenset({"clerk_a"}),  # counter clerks register their kiosks
    "kiosk/<str:code>/evaluate/": NOBODY,  # only on a registered kiosk browser
    # one-stop counter and back office
    "staff/": STAFF,
    "staff/intake/": frozenset({"clerk_a"}),
    "staff/my-work/": STAFF,  # the home page's card, for staff, Home Affairs and inspectors
    "staff/dossiers/<str:code>/": STAFF,
    "staff/dossiers/<str:code>/receipt/": STAFF,
    "staff/dossiers/<str:code>/documents/<int:pk>/": NOBODY,  # no document seeded: 404 to all
    "staff/dossiers/<str:code>/actions/<str:action>/": NOBODY,  # POST only
    "forms/logbook/": STAFF,
    "forms/register/": STAFF,  # the reception register of the user's agencies
    "forms/register.xlsx": STAFF,
    "forms/register.pdf": STAFF,
    "forms/<str:code>/": STAFF,
    "forms/<str:code>/<str:key>.pdf": SIGNED_IN,  # the applicant's own forms, and staff
    "catalogue/": STAFF,
    "catalogue/export.xlsx": STAFF,  # the list as a workbook: who reads the list
    "catalogue/<int:pk>/": STAFF,
    "catalogue/new/": PROVINCE,
    "catalogue/<int:pk>/edit/": PROVINCE,
    "catalogue/<int:pk>/publish/": NOBODY,  # POST only
    "catalogue/<int:pk>/withdraw/": PROVINCE,  # the confirmation page, with the open dossiers
    # feedback
    "feedback/new/": ANY,
    "feedback/lookup/": ANY,
    "feedback/mine/": SIGNED_IN,  # one's own petitions
    "feedback/answers/": ANY,
    "feedback/reception/": ANY,
    "feedback/reception/new/": SIGNED_IN,
    "feedback/complaints/": frozenset({"leader_a", "province_admin", "inspector"}),
    "feedback/complaints/new/": SIGNED_IN,
    "feedback/staff/": STAFF,
    # on behalf of an agency of theirs: Home Affairs and inspectors have none to log for
    "feedback/staff/new/": frozenset(_MEMBER_ROLE),
    "feedback/staff/dashboard/": STAFF,
    "feedback/staff/my-work/": STAFF,
    # indices
    "indices/cong-khai/": ANY,
    "indices/doi-soat/": PROVINCE,
    "indices/doi-soat/cong/": PROVINCE,
    "indices/co-quan/<str:code>/chi-so/<str:metric>/": NOBODY,  # no such metric seeded
    # PAR index
    "par/public/": ANY,
    "par/public/<int:year>/": ANY,
    "par/": SIGNED_IN,
    "par/external/": STAFF,
    "par/results/<int:year>/": STAFF,
    "par/templates/new/": NOBODY,  # province PAR officers (a membership the cast lacks)
    # plans and inspections
    "plans/ke-hoach/moi/": PROVINCE,
    "plans/nhiem-vu/moi/": PROVINCE,
    "plans/kiem-tra/ke-hoach/moi/": PROVINCE_AND_INSPECTION,
    "plans/kiem-tra/moi/": PROVINCE_AND_INSPECTION,
    "plans/kiem-tra/phat-hien/moi/": PROVINCE_AND_INSPECTION,
    # the province's rules: read by its staff and inspectors (a clerk tells a citizen which
    # days are off), changed by Home Affairs; the change log for Home Affairs and inspectors
    "rules/": STAFF,
    "rules/versions/": STAFF,
    "rules/audit/": PROVINCE_AND_INSPECTION,
    "rules/agencies/": PROVINCE,  # Home Affairs merge, rename and regroup agencies
    # an agency's reception hours: Home Affairs, and the agency's own administrator (no role
    # of the walk is one; cchc/agencies/tests/test_hours.py walks that)
    "rules/agencies/<str:code>/hours/": PROVINCE,
    # surveys
    "surveys/": SIGNED_IN,
    "surveys/public/": ANY,
    "surveys/new/": PROVINCE,  # Home Affairs start a campaign
    "surveys/q/new/": PROVINCE,  # ...or a questionnaire
    # the per-dossier evaluation results: the staff who collect survey answers, and the
    # inspector, who reads every record of the province (read-only, this sitting)
    "surveys/evaluations/": STAFF,
}
PAGE_PREFIXES: tuple[tuple[str, frozenset[str]], ...] = (
    ("admin/", NOBODY),  # administrators only (is_staff + second factor): none in the cast
    ("open311/v2/^discovery", ANY),
    ("open311/v2/^services(", ANY),
    ("open311/v2/^requests(", ANY),
    ("open311/v2/", NOBODY),  # single objects: nothing of that id seeded
    ("indices/", STAFF),
    ("plans/", STAFF),  # parameterised pages of objects not seeded answer 404 to all
    ("par/", NOBODY),  # objects not seeded
    ("surveys/", NOBODY),  # campaigns, tokens, questionnaires not seeded
    ("feedback/", NOBODY),  # petitions and complaints not seeded
    ("documents/", NOBODY),
    ("rules/", NOBODY),  # a rule key or a day that does not exist: 404 to all
)

# API operations: (method, path) -> roles
OPERATIONS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "api/v1/procedures"): SIGNED_IN,
    ("GET", "api/v1/procedures/{code}"): SIGNED_IN,
    ("GET", "api/v1/dossiers"): SIGNED_IN,  # each sees what `visible_to` allows
    ("GET", "api/v1/dossiers/{code}"): SIGNED_IN,  # the applicant and A's staff
    ("POST", "api/v1/dossiers"): frozenset({"clerk_a", "citizen"}),
    **{
        ("POST", f"api/v1/dossiers/{{code}}/actions/{action}"): _action_roles(action)
        for action in (
            "receive",
            "refuse",
            "transfer",
            "assign",
            "request_supplement",
            "receive_supplement",
            "request_payment",
            "confirm_payment",
            "withdraw",
            "stop",
            "finish",
            "return_result",
            "apologize",
        )
    },
    ("GET", "api/v1/plans/tasks"): SIGNED_IN,  # each sees the tasks of their agencies
    ("GET", "api/v1/plans/report"): PROVINCE_AND_INSPECTION,
}
OPERATION_PREFIXES: tuple[tuple[str, frozenset[str]], ...] = (
    ("api/v1/plans/", PROVINCE),  # tasks, inspections, findings: not seeded (404 or 400)
)


def granted(method: str, route: str) -> frozenset[str]:
    table, prefixes = (
        (OPERATIONS, OPERATION_PREFIXES)
        if (method, route) in OPERATIONS or (route.startswith("api/v1/") and route not in API_PAGES)
        else ({("GET", k): v for k, v in PAGES.items()}, PAGE_PREFIXES)
    )
    if (method, route) in table:
        return table[(method, route)]
    for prefix, roles in prefixes:
        if route.startswith(prefix):
            return roles
    raise AssertionError(f"{method} {route} has no row in the permission table")


@pytest.mark.django_db
def test_every_url_and_api_operation_grants_only_what_the_table_says(cast):
    seen = _observe(cast)
    unlisted, excess = [], []
    for (method, route), roles in sorted(seen.items()):
        try:
            allowed = granted(method, route)
        except AssertionError as exc:
            unlisted.append(str(exc))
            continue
        if roles - allowed:
            excess.append(f"{method} /{route}: {sorted(roles - allowed)} not granted")
    assert not unlisted, unlisted
    assert not excess, excess
    # the walk really reached the pages: roles were told apart, and protected ones refused
    assert seen[("GET", "staff/")] == STAFF
    assert seen[("GET", "indices/doi-soat/")] == PROVINCE
    assert "anonymous" not in seen[("GET", "api/v1/dossiers")]
    assert len(seen) > 200  # every page pattern and operation (230 when written)


def test_the_table_refuses_what_it_does_not_list():
    assert granted("GET", "admin/") == NOBODY
    assert granted("POST", "api/v1/dossiers/{code}/actions/assign") == {"leader_a"}
    with pytest.raises(AssertionError, match="no row"):
        granted("GET", "nowhere/new/")
