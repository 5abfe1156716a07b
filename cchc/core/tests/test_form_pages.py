"""Every form page, sent back with errors, refers only to ids that exist (aria-describedby,
label for, aria-labelledby) and marks its invalid fields: the renderer is used everywhere."""

from __future__ import annotations

import re

import pytest

from cchc.core.a11y import assert_aria_references
from cchc.dossiers.tests.test_views import intake_data

pytestmark = pytest.mark.django_db


def checked(response, *, invalid: frozenset[str] | set[str] = frozenset()):
    html = response.content.decode()
    parsed = assert_aria_references(html)
    assert invalid <= set(parsed.invalid), f"not marked invalid: {invalid - set(parsed.invalid)}"
    for control in invalid:  # each invalid field names its error, and the error is there
        assert re.search(rf'id="{control}"[^>]*aria-describedby="[^"]*{control}_error', html) or (
            re.search(rf'aria-describedby="[^"]*{control}_error[^"]*"[^>]*id="{control}"', html)
        ), control
    return html


def test_public_forms_with_errors(client, cast):
    checked(client.get("/signup/"))
    checked(client.post("/signup/", {"email": "an@example.vn"}), invalid={"id_full_name"})
    checked(client.post("/lookup/", {"code": "", "id_last4": "12"}), invalid={"id_code"})
    checked(client.get("/feedback/new/"))
    checked(client.post("/feedback/new/", {"title": ""}), invalid={"id_title"})
    checked(client.get("/accounts/login/"))
    html = checked(client.post("/accounts/login/", {"username": "x", "password": "y"}))
    assert 'role="alert"' in html


def test_counter_intake_and_dossier_actions_with_errors(client, cast):
    client.force_login(cast.clerk_a)
    checked(client.get("/staff/intake/"))
    checked(
        client.post("/staff/intake/", intake_data(cast, applicant_id="12", applicant_name="")),
        invalid={"id_applicant_id", "id_applicant_name"},
    )
    response = client.post("/staff/intake/", intake_data(cast), follow=True)
    found = re.search(r"/staff/dossiers/([^/]+)/", response.redirect_chain[-1][0])
    assert found, response.redirect_chain
    code = found.group(1)
    checked(client.get(f"/staff/dossiers/{code}/"))
    # an action sent without its reason comes back with the error next to the field
    html = checked(
        client.post(f"/staff/dossiers/{code}/actions/request_supplement/", {}),
        invalid={"id_request_supplement-reason"},
    )
    assert 'id="id_request_supplement-reason_error"' in html
    # the same through htmx: the fragment alone, still consistent
    fragment = client.post(
        f"/staff/dossiers/{code}/actions/request_supplement/", {}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in fragment.content
    checked(fragment, invalid={"id_request_supplement-reason"})


def test_staff_forms_with_errors(client, cast):
    client.force_login(cast.province_admin)
    checked(client.get("/catalogue/new/"))
    checked(client.post("/catalogue/new/", {}), invalid={"id_code"})
    client.force_login(cast.clerk_a)
    checked(client.get("/feedback/staff/new/"))
    checked(client.get("/staff/"))
    html = checked(client.get("/forms/logbook/"))
    assert 'for="id_agency"' in html and 'type="date"' in html
    checked(client.get("/staff/", {"received_from": "not a date"}), invalid={"id_received_from"})


def test_online_submission_with_errors(client, cast):
    citizen = cast.citizen
    citizen.set_national_id("001090012345")
    citizen.save()
    client.force_login(citizen)
    url = f"/procedures/{cast.procedure.code}/submit/"
    checked(client.get(url))
    html = checked(
        client.post(url, {"action": "submit", "applicant_name": "", "address": ""}),
        invalid={"id_applicant_name", "id_address"},
    )
    assert 'id="id_address_error"' in html


def test_every_page_has_a_skip_link_announced_messages_and_no_submit_on_change(client, cast):
    html = checked(client.get("/procedures/"))  # the checker also proves #main exists
    assert re.search(r'<a class="skip-link" href="#main">', html)
    assert re.search(r'<main id="main" tabindex="-1"', html)
    assert re.search(r'<div id="messages" role="status" aria-live="polite">', html)
    language = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S)
    assert language and 'type="submit"' in language.group(0)
    assert "onchange" not in html
