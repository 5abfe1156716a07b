"""An account without a citizen ID (or tax code) learns on the procedure's page, before any
form, that it cannot submit online and what to do: no "Submit online" button that ends in a
refusal. An account with one still gets the button and can keep a draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.portal.models import Draft

from .conftest import CITIZEN_ID

pytestmark = pytest.mark.django_db


def test_an_account_without_a_citizen_id_is_told_before_the_form(client, cast):
    client.force_login(cast.citizen)  # the cast's citizen has no citizen ID recorded
    page = client.get(reverse("portal:procedure", args=[cast.procedure.code])).content.decode()
    submit_url = reverse("portal:submit", args=[cast.procedure.code])
    assert f'href="{submit_url}"' not in page
    assert 'id="needs-identity"' in page
    assert "cần tài khoản có số định danh cá nhân đã xác thực" in page
    assert f'href="{reverse("portal:signup")}"' in page
    assert f'href="{reverse("portal:signup")}?as=organisation"' in page


def test_a_staff_account_is_told_too(client, cast):
    client.force_login(cast.clerk_a)
    page = client.get(reverse("portal:procedure", args=[cast.procedure.code])).content.decode()
    assert 'id="needs-identity"' in page


def test_an_account_with_a_citizen_id_gets_the_button_and_keeps_a_draft(client, cast):
    cast.citizen.set_national_id(CITIZEN_ID)
    cast.citizen.save()
    client.force_login(cast.citizen)
    page = client.get(reverse("portal:procedure", args=[cast.procedure.code])).content.decode()
    submit_url = reverse("portal:submit", args=[cast.procedure.code])
    assert f'href="{submit_url}"' in page and 'id="needs-identity"' not in page
    response = client.post(submit_url, {"applicant_name": "Nguyễn Văn Dân", "action": "save"})
    assert response.status_code == 302
    assert Draft.objects.get(user=cast.citizen).data["applicant_name"] == "Nguyễn Văn Dân"


def test_a_visitor_is_asked_to_sign_in(client, cast):
    page = client.get(reverse("portal:procedure", args=[cast.procedure.code])).content.decode()
    assert 'id="needs-identity"' not in page
    assert reverse("accounts:login") in page
