"""The generated matrix of issue 16, point 1: every action from every state of a dossier.

An action is possible exactly when its declaration (state.ACTION_RULES: from-states and
preconditions) says so, and then the staff page offers it, the API lists and accepts it and
the service performs it; otherwise none of them does, and the refusal says why in Vietnamese.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import translation

from cchc.accounts.models import ApiToken
from cchc.core.errors import TransitionNotAllowed
from cchc.dossiers import policies, queries, services
from cchc.dossiers.models import Dossier, Status
from cchc.dossiers.services import Applicant
from cchc.dossiers.state import ACTION_RULES, PRECONDITIONS, refusal, state_refusal
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.dossiers.tests.test_permissions import payload

pytestmark = pytest.mark.django_db
S = Status
APPLICANT = Applicant(name="Ma Trận")
STAFF = ("clerk_a", "specialist_a", "leader_a")


def _online(cast) -> Dossier:
    return online_dossier(cast, APPLICANT)


def _counter(cast) -> Dossier:
    return counter_dossier(cast, APPLICANT)


def _then(first: Callable, *steps: tuple[str, str, dict]) -> Callable:
    def build(cast) -> Dossier:
        d = first(cast)
        for action, who, kwargs in steps:
            d = services.ACTIONS[action](d, actor=getattr(cast, who), **kwargs)
        return d

    return build


WHY = {"reason": "Lý do"}
RESULT = {"note": "Đã cấp giấy phép số 7"}  # finishing gives its result
# Every state a dossier can be in, reached through the services (a name -> how to build it).
STATES: dict[str, Callable] = {
    "submitted": _online,
    "supplement_before_reception": _then(_online, ("request_supplement", "clerk_a", WHY)),
    "received": _counter,
    "processing": _counter,  # then transferred, to an agency of the cast (_build)
    "supplement": _then(_counter, ("request_supplement", "clerk_a", WHY)),
    "supplement_received": _then(
        _counter, ("request_supplement", "clerk_a", WHY), ("receive_supplement", "clerk_a", {})
    ),
    "financial": _then(_counter, ("request_payment", "specialist_a", {"amount": 5000})),
    "paid": _then(
        _counter,
        ("request_payment", "specialist_a", {"amount": 5000}),
        ("confirm_payment", "clerk_a", {}),
    ),
    "finished": _then(_counter, ("finish", "specialist_a", RESULT)),
    "returned": _then(
        _counter, ("finish", "specialist_a", RESULT), ("return_result", "clerk_a", {})
    ),
    "refused": _then(_online, ("refuse", "clerk_a", WHY)),
    "withdrawn": _then(_counter, ("withdraw", "clerk_a", WHY)),
    "stopped": _then(_counter, ("stop", "leader_a", WHY)),
}


def _build(cast, name: str) -> Dossier:
    d = STATES[name](cast)
    if name == "processing":
        d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a)
    return d


def declared(d: Dossier, action: str) -> bool:
    """What the declaration says, read independently of `refusal`."""
    rule = ACTION_RULES[action]
    now = d.updated_at  # any moment before the due time (the dossier was just written)
    return d.status in rule.from_states and all(PRECONDITIONS[p][0](d, now) for p in rule.requires)


def test_every_state_of_the_matrix_is_reached(cast):
    reached = {_build(cast, name).status for name in STATES}
    assert reached == set(Status.values)


def test_the_declaration_never_contradicts_the_status_graph():
    from cchc.dossiers.state import allowed

    for rule in ACTION_RULES.values():
        assert rule.roles and rule.where and rule.label
        assert services.ACTIONS[rule.name].__name__ == rule.service_name
        for status in rule.from_states:
            for target in {rule.target, rule.target_before_reception} - {None}:
                assert allowed(status, target), (rule.name, status, target)


def test_the_issue_s_bugs_are_refused():
    """The three cases issue 16 lists, on the declaration alone."""

    class D:
        code = "X"
        due_at = None

    received_waiting = D()
    received_waiting.status, received_waiting.received_at, received_waiting.paused_since = (
        S.SUPPLEMENT,
        "2026-03-02",
        "2026-03-03",
    )
    assert state_refusal(received_waiting, "receive") is not None
    assert state_refusal(received_waiting, "confirm_payment") is not None
    processing = D()
    processing.status, processing.received_at, processing.paused_since = (S.PROCESSING, "x", None)
    assert state_refusal(processing, "confirm_payment") is not None
    assert state_refusal(processing, "receive_supplement") is not None


@pytest.mark.parametrize("name", list(STATES))
def test_every_action_from_every_state(client, cast, name):
    d = _build(cast, name)
    d = queries.with_related(Dossier.objects.filter(pk=d.pk)).get()
    tokens = {
        who: {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(getattr(cast, who), 't')[1]}"}
        for who in STAFF
    }
    offered_ui = {}
    for who in STAFF:
        client.force_login(getattr(cast, who))
        html = client.get(f"/staff/dossiers/{d.code}/").content.decode()
        offered_ui[who] = {a for a in ACTION_RULES if f'data-action="{a}"' in html}
    listed_api = {
        who: set(
            client.get(f"/api/v1/dossiers/{d.code}", **tokens[who]).json()["available_actions"]
        )
        for who in STAFF
    }
    for action in ACTION_RULES:
        expected = declared(d, action)
        # someone of the cast holds the action's role on this dossier (agency A everywhere)
        who = next(w for w in STAFF if policies.can(getattr(cast, w), action, d))
        user = getattr(cast, who)
        assert (state_refusal(d, action) is None) is expected, (name, action)
        assert (refusal(d, action, user) is None) is expected, (name, action)
        assert (action in offered_ui[who]) is expected, (name, action, "ui")
        assert (action in listed_api[who]) is expected, (name, action, "api list")
        body = _body(action, cast)
        before = Dossier.objects.get(pk=d.pk)
        with translation.override("vi"):
            # the API, rolled back so that every action starts from the same state
            try:
                with transaction.atomic():
                    resp = client.post(
                        f"/api/v1/dossiers/{d.code}/actions/{action}",
                        json.dumps(body),
                        content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="vi",
                        **tokens[who],
                    )
                    raise _Rollback(resp)
            except _Rollback as rb:
                resp = rb.resp
            assert resp.status_code == (200 if expected else 409), (name, action, resp.content)
            # the service itself
            kwargs = _service_kwargs(action, body, cast)
            try:
                with transaction.atomic():
                    services.ACTIONS[action](d.code, actor=user, **kwargs)
                    raise _Rollback(None)
            except _Rollback:
                performed = True
            except TransitionNotAllowed as exc:
                performed = False
                message = str(exc.message)
                assert message.startswith("Không thể"), message  # Vietnamese, says why
                assert d.code in message
            assert performed is expected, (name, action, "service")
        after = Dossier.objects.get(pk=d.pk)
        assert (after.status, after.version, after.last_event_seq) == (
            before.status,
            before.version,
            before.last_event_seq,
        )


def _body(action: str, cast) -> dict:
    if action == "transfer":
        return {"to_agency": cast.agency_a.code}
    if action == "refuse":
        return {"reason": "Lý do"}
    if action in ("receive", "receive_supplement", "return_result"):
        return {}
    return payload(action)


class _Rollback(Exception):
    def __init__(self, resp) -> None:
        self.resp = resp


def _service_kwargs(action: str, body: dict, cast) -> dict:
    kwargs = dict(body)
    if action == "transfer":
        kwargs["to_agency"] = cast.agency_a
    if action == "assign":
        kwargs["assignee"] = cast.specialist_a
    if action == "apologize":
        from django.utils.dateparse import parse_datetime

        kwargs["new_appointment_at"] = parse_datetime(body["new_appointment_at"])
    return kwargs
