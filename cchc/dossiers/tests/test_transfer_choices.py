"""The transfer form offers as assignee only the staff of the agency chosen (never a
superuser), fetches another agency's staff when the agency changes, and lists agencies by
name (codes sort as text: H26.10, H26.100, H26.11)."""

from __future__ import annotations

import re

import pytest

from cchc.accounts.models import Membership
from cchc.dossiers.tests.factories import counter_dossier
from cchc.testing import UserFactory

pytestmark = pytest.mark.django_db


def select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_assignee_list_holds_only_the_chosen_agencys_staff(client, cast):
    root = UserFactory(username="root", full_name="Quản trị hệ thống", is_superuser=True)
    Membership.objects.create(user=root, agency=cast.agency_a, role=Membership.Role.LEADER)
    d = counter_dossier(cast, competent_agency=cast.agency_a)
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assignees = select(page, "transfer-assignee")
    assert "Specialist A" in assignees and "Leader A" in assignees
    assert "Specialist B" not in assignees and "Clerk B" not in assignees
    assert "Quản trị hệ thống" not in assignees
    # choosing Sở Tư pháp fetches its staff into the list
    to_agency = select(page, "transfer-to_agency")
    assert 'hx-target="#id_transfer-assignee"' in to_agency and 'hx-swap="innerHTML"' in to_agency
    part = client.get(
        f"/staff/dossiers/{d.code}/",
        {"part": "assignees", "transfer-to_agency": cast.agency_b.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Specialist B" in part and "Specialist A" not in part and "<html" not in part
    # agencies by name: Sở Tư pháp, Sở Xây dựng, UBND phường Hoàn Kiếm (not by code)
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+) \(H26", to_agency)
    assert names == sorted(names) and names[0] == "Sở Tư pháp"


def test_intake_lists_the_procedures_agencies_by_name(client, cast):
    from cchc.testing import AgencyFactory

    cast.procedure.agencies.add(AgencyFactory(code="H26.11", name="Ban Quản lý dự án"))
    client.force_login(cast.clerk_a)
    part = client.get(
        "/staff/intake/",
        {"part": "competent", "procedure": cast.procedure.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    names = re.findall(r">([^<>]+) \(H26", part)
    # by code, as text: H26.01, H26.100, H26.11
    assert names == ["Ban Quản lý dự án", "Sở Tư pháp", "UBND phường Hoàn Kiếm"]


def competent_part(client, cast, **params):
    return client.get(
        "/staff/intake/",
        {"part": "competent", "procedure": cast.procedure.pk, **params},
        headers={"HX-Request": "true"},
    ).content.decode()


def selected_option(html):
    chosen = re.findall(r'<option value="(\d*)"[^>]*\bselected\b', html)
    assert len(chosen) <= 1, chosen
    return chosen[0] if chosen else None


def test_intake_never_preselects_another_agency_as_competent(client, cast):
    """One-stop day walk: choosing a procedure handled by several agencies (every commune
    registers births) put the list's first by name, another commune, in the competent-agency
    field, and the dossier went there unless the clerk noticed. The receiving agency is
    offered when it handles the procedure; otherwise the clerk chooses."""
    client.force_login(cast.clerk_a)
    # agency A (the clerk's) handles the procedure, but agency B comes first by name
    part = competent_part(client, cast, receiving_agency=cast.agency_a.pk)
    assert selected_option(part) == str(cast.agency_a.pk)
    part = competent_part(client, cast, receiving_agency=cast.agency_c.pk)
    assert selected_option(part) == ""  # "choose the competent agency", not agency B
    assert "chọn cơ quan có thẩm quyền" in part
    # a form sent back without a competent agency still asks for one
    page = client.post("/staff/intake/", {"procedure": cast.procedure.pk}).content.decode()
    field = re.search(r'<select name="competent_agency".*?</select>', page, re.S)
    assert field is not None and selected_option(field.group(0)) == ""


def offered_value(html):
    found = re.search(r'id="id_competent_offered"[^>]*value="(\d*)"', html)
    assert found is not None, html
    return found.group(1)


def test_intake_refreshes_the_competent_agency_when_the_receiving_agency_changes(client, cast):
    """Counter walk: the clerk picked the procedure (agency A, the receiving agency, was
    preselected as competent), then corrected the receiving agency to B; the competent agency
    stayed A and the clerk had to fix it by hand. The receiving agency's list now refetches
    the options; an agency the clerk chose (not the one offered) stays while it is valid."""
    client.force_login(cast.clerk_a)
    page = client.get("/staff/intake/").content.decode()
    receiving = page[page.index('name="receiving_agency"') :]
    receiving = receiving[: receiving.index(">")]
    assert 'hx-target="#id_competent_agency"' in receiving and "part" in receiving
    assert "#id_procedure" in receiving and "#id_competent_offered" in receiving
    a, b, c = (str(x.pk) for x in (cast.agency_a, cast.agency_b, cast.agency_c))
    # A was offered and left as is: the new receiving agency B is offered instead
    part = competent_part(client, cast, receiving_agency=b, competent_agency=a, competent_offered=a)
    assert selected_option(part) == b and offered_value(part) == b
    assert 'hx-swap-oob="true"' in part
    # the clerk chose B over the offered A: B stays when the receiving agency changes
    part = competent_part(client, cast, receiving_agency=c, competent_agency=b, competent_offered=a)
    assert selected_option(part) == b and offered_value(part) == ""
    # a choice the procedure's agencies do not include gives way to the default
    part = competent_part(
        client, cast, receiving_agency=a, competent_agency=c, competent_offered=""
    )
    assert selected_option(part) == a and offered_value(part) == a
