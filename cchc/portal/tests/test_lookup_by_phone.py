"""A dossier taken at the counter without an ID number is looked up by code + the phone
number given at the counter, compared in normalised form, under the same throttles."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier
from cchc.portal import throttle
from cchc.portal.validators import normalise_phone
from cchc.testing import counter_checklist

from .conftest import at

pytestmark = pytest.mark.django_db

URL = "/lookup/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_id_dossier(cast):
    """Taken at the counter from someone who gave a phone number but no ID number."""
    return dossier_services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=dossier_services.Applicant(name="Bà Lò Thị Mai", phone="+84912345678"),
        actor=cast.clerk_a,
        at=at(2026, 3, 2, 9),
    )


def test_normalise_phone_equates_the_usual_spellings():
    assert (
        normalise_phone("+84 912.345.678")
        == normalise_phone("84912345678")
        == normalise_phone("0912-345-678")
        == "0912345678"
    )
    assert normalise_phone("12345") == "" and normalise_phone("") == ""


def test_found_by_code_and_phone_typed_differently(client, no_id_dossier):
    assert no_id_dossier.applicant_id_last4 == ""
    response = client.post(URL, {"code": no_id_dossier.code, "phone": "0912 345 678"})
    assert response.status_code == 302
    assert response.url == reverse("portal:dossier", args=[no_id_dossier.code])
    assert client.get(response.url).status_code == 200


def test_counter_intake_without_id_then_citizen_looks_up_by_phone(client, cast):
    client.force_login(cast.clerk_a)
    response = client.post(
        "/staff/intake/",
        {
            "procedure": cast.procedure.pk,
            "receiving_place": cast.agency_a.pk,
            "receiving_agency": cast.agency_a.pk,
            "competent_agency": cast.agency_b.pk,
            "applicant_name": "Ông Giàng A Páo",
            "applicant_id": "",
            "applicant_phone": "0987.654.321",
            "fee_amount": "",
            **counter_checklist(cast.procedure),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_name="Ông Giàng A Páo")
    client.logout()
    found = client.post(URL, {"code": dossier.code.lower(), "phone": "+84 987 654 321"})
    assert found.status_code == 302 and found.url.endswith(f"/lookup/{dossier.code}/")


def test_wrong_phone_is_refused_in_vietnamese_like_an_unknown_code(client, no_id_dossier):
    with translation.override("vi"):
        wrong = client.post(URL, {"code": no_id_dossier.code, "phone": "0912345679"})
        unknown = client.post(URL, {"code": "000.01.01.H26-260302-9999", "phone": "0912345678"})
    assert wrong.status_code == unknown.status_code == 400
    html = wrong.content.decode()
    assert "Không tìm thấy hồ sơ" in html and "số điện thoại" in html
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert client.get(reverse("portal:dossier", args=[no_id_dossier.code])).status_code == 302


def test_a_dossier_without_id_cannot_be_opened_with_any_last4(client, no_id_dossier):
    for guess in ("0000", "\x00\x00\x00\x00"):
        assert client.post(URL, {"code": no_id_dossier.code, "id_last4": guess}).status_code == 400


def test_every_proof_given_must_match(client, cast, returned):
    # the right ID digits do not let a wrong phone through, nor the reverse
    both_wrong_phone = {"code": returned.code, "id_last4": "2345", "phone": "0900000000"}
    assert client.post(URL, both_wrong_phone).status_code == 400
    both_wrong_id = {"code": returned.code, "id_last4": "9999", "phone": "0912345678"}
    assert client.post(URL, both_wrong_id).status_code == 400
    right = {"code": returned.code, "id_last4": "2345", "phone": "+84912345678"}
    assert client.post(URL, right).status_code == 302
    # a dossier with an ID can also be opened by its phone alone
    client.session.flush()
    assert client.post(URL, {"code": returned.code, "phone": "0912345678"}).status_code == 302


def test_neither_proof_is_a_form_error_not_a_counted_failure(client, no_id_dossier):
    with translation.override("vi"):
        response = client.post(URL, {"code": no_id_dossier.code, "id_last4": "", "phone": ""})
    assert response.status_code == 400
    assert "số điện thoại" in " ".join(response.context["form"].errors["id_last4"])
    assert not throttle.lookup_blocked("127.0.0.1")
    assert cache.get("portal:lookup-fail:127.0.0.1") is None


def test_phone_guessing_is_throttled_per_code_from_every_address(client, no_id_dossier):
    right = {"code": no_id_dossier.code, "phone": "0912345678"}
    for i in range(throttle.LOOKUP_FAILURES_PER_CODE):
        wrong = {"code": no_id_dossier.code, "phone": f"09000000{i:02d}"}
        assert client.post(URL, wrong, REMOTE_ADDR=f"10.0.1.{i}").status_code == 400
    with translation.override("vi"):
        blocked = client.post(URL, right, REMOTE_ADDR="10.0.2.1")  # even the right phone
    assert blocked.status_code == 429 and "15 phút" in blocked.content.decode()
    assert "Ông/Bà" in blocked.content.decode()
    assert client.post(URL, right).status_code == 429
    assert re.search(r"<form", client.get(URL).content.decode())
