"""Permissions matrix: every cast user × every action on a received dossier of agency A
(competent agency B), through the API and the UI. The expected table is written out by
hand from the role rules (policies.ACTION_ROLES), so a change of policy fails here."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cchc.accounts.models import ApiToken
from cchc.dossiers import queries
from cchc.dossiers.models import Dossier, Status
from cchc.dossiers.tests.factories import counter_dossier

# Possible from status 2 (received): the actions below. receive, refuse, receive_supplement,
# confirm_payment (no payment was requested) and return_result are impossible at this stage
# for everyone (409/not offered).
STAGE_ACTIONS = [
    "transfer",
    "assign",
    "request_supplement",
    "request_payment",
    "withdraw",
    "stop",
    "finish",
    "apologize",
]

ALLOWED = {
    "clerk_a": {"transfer", "request_supplement", "withdraw"},
    "specialist_a": {
        "transfer",
        "request_supplement",
        "request_payment",
        "finish",
    },
    "leader_a": {
        "transfer",
        "assign",
        "request_supplement",
        "request_payment",
        "stop",
        "finish",
        "apologize",
    },
    "clerk_b": set(),
    "specialist_b": set(),
    "leader_b": {"stop", "apologize"},  # as leader of the competent agency
    "inspector": set(),
    "province_admin": set(),
}
INVISIBLE = {"outsider", "citizen"}
USERS = [*ALLOWED, *sorted(INVISIBLE)]  # a list, not set order: xdist workers must collect alike


def working_time(moment: dt.datetime) -> dt.datetime:
    """The first working instant from `moment` (an apology's new date must be one)."""
    return queries.calendar().next_working_instant(moment.replace(second=0, microsecond=0))


def payload(action: str) -> dict:
    later = working_time(timezone.now() + dt.timedelta(days=30)).isoformat()
    return {
        "transfer": {"to_agency": "H26.01"},
        "assign": {"assignee": "specialist_a"},
        "request_supplement": {"reason": "Thiếu giấy tờ"},
        "request_payment": {"amount": 10000},
        "confirm_payment": {},
        "withdraw": {"reason": "Xin rút"},
        "stop": {"reason": "Dừng"},
        "finish": {"note": "Đã cấp giấy"},
        "apologize": {"reason": "Chậm", "new_appointment_at": later},
    }[action]


def form_data(action: str, cast) -> dict:
    later = working_time(timezone.now() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "transfer": {"to_agency": cast.agency_b.pk},
        "assign": {"assignee": cast.specialist_a.pk},
        "request_supplement": {"reason": "Thiếu"},
        "request_payment": {"amount": "10000"},
        "confirm_payment": {"online": "0"},
        "withdraw": {"reason": "Rút"},
        "stop": {"reason": "Dừng"},
        "finish": {"note": "Đã cấp giấy"},
        "apologize": {"reason": "Chậm", "new_appointment_at": later},
    }[action]
    return {f"{action}-{k}": v for k, v in data.items()}


def new_dossier(cast) -> Dossier:
    return counter_dossier(cast, "Ma Trận", competent_agency=cast.agency_b)


@pytest.mark.parametrize("username", USERS)
def test_matrix_through_the_api(client, cast, username):
    user = getattr(cast, username)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 't')[1]}"}
    shared = new_dossier(cast)
    if username in INVISIBLE:
        assert client.get(f"/api/v1/dossiers/{shared.code}", **auth).status_code == 404
    else:
        got = client.get(f"/api/v1/dossiers/{shared.code}", **auth).json()["available_actions"]
        assert set(got) == ALLOWED[username]
    for action in STAGE_ACTIONS:
        allowed = action in ALLOWED.get(username, set())
        dossier = new_dossier(cast) if allowed else shared
        resp = client.post(
            f"/api/v1/dossiers/{dossier.code}/actions/{action}",
            json.dumps(payload(action)),
            content_type="application/json",
            **auth,
        )
        expected = 200 if allowed else (404 if username in INVISIBLE else 403)
        assert resp.status_code == expected, (username, action, resp.content)
    shared.refresh_from_db()
    assert shared.status == Status.RECEIVED and shared.events.count() == 1
    # impossible at this stage for everyone who may see it: 409 for those with the role, else 403
    resp = client.post(
        f"/api/v1/dossiers/{shared.code}/actions/return_result",
        "{}",
        content_type="application/json",
        **auth,
    )
    expected = 404 if username in INVISIBLE else (409 if username in ("clerk_a",) else 403)
    assert resp.status_code == expected, (username, resp.content)


@pytest.mark.parametrize("username", USERS)
def test_matrix_through_the_ui(client, cast, username):
    user = getattr(cast, username)
    client.force_login(user)
    shared = new_dossier(cast)
    page = client.get(f"/staff/dossiers/{shared.code}/")
    if username == "citizen":
        assert page.status_code == 403  # staff pages are not for applicants
    elif username in INVISIBLE:
        assert page.status_code == 404
    else:
        html = page.content.decode()
        offered = {
            a
            for a in [
                *STAGE_ACTIONS,
                "receive",
                "refuse",
                "receive_supplement",
                "confirm_payment",
                "return_result",
            ]
            if f'data-action="{a}"' in html
        }
        assert offered == ALLOWED[username]
    for action in STAGE_ACTIONS:
        allowed = action in ALLOWED.get(username, set())
        dossier = new_dossier(cast) if allowed else shared
        resp = client.post(
            f"/staff/dossiers/{dossier.code}/actions/{action}/", form_data(action, cast)
        )
        expected = 302 if allowed else (404 if username in INVISIBLE else 403)
        assert resp.status_code == expected, (username, action, resp.content.decode()[-1500:])
        if allowed:
            after = Dossier.objects.get(pk=dossier.pk)
            # services.assign records no event (reported to the lead); its effect is the assignee
            assert (
                after.events.count() == 2
                if action != "assign"
                else after.assignee == cast.specialist_a
            )
    shared.refresh_from_db()
    assert shared.status == Status.RECEIVED and shared.events.count() == 1
