"""A petitioner who lost the tracking page finds the petition again by its code and the
phone or e-mail given with it; wrong answers are limited per code and per address, and say
nothing about whether the code exists."""

from __future__ import annotations

import pytest

from cchc.feedback.tests.factories import file

pytestmark = pytest.mark.django_db
URL = "/feedback/lookup/"


def test_the_code_and_the_phone_in_any_spelling_lead_to_the_petition(client, cast):
    p = file(cast.agency_a, phone="0912345678", email="an@example.vn")
    for contact in ("+84 912 345 678", "0912.345.678", "AN@example.vn"):
        found = client.post(URL, {"code": p.code.lower(), "contact": contact})
        assert found.status_code == 302 and found["Location"] == f"/feedback/p/{p.token}/"


def test_a_wrong_contact_and_an_unknown_code_read_alike(client, cast):
    p = file(cast.agency_a, phone="0912345678")
    wrong = client.post(URL, {"code": p.code, "contact": "0987654321"}).content.decode()
    unknown = client.post(URL, {"code": "PA-1999-000001", "contact": "0912345678"})
    assert unknown.status_code == 400 and p.token not in wrong
    message = "Không có phản ánh nào có mã này với số điện thoại hoặc e-mail này."
    assert message in wrong and message in unknown.content.decode()
    # a petition given without an e-mail is not found by an empty or made-up one
    assert client.post(URL, {"code": p.code, "contact": "@"}).status_code == 400


def test_guessing_one_petitions_contact_is_stopped_from_every_address(client, cast):
    p = file(cast.agency_a, phone="0912345678")
    for n in range(5):
        ip = f"10.0.0.{n}"
        guess = {"code": p.code, "contact": f"090000000{n}"}
        assert client.post(URL, guess, REMOTE_ADDR=ip).status_code == 400
    right = {"code": p.code, "contact": "0912345678"}
    assert client.post(URL, right, REMOTE_ADDR="10.0.0.9").status_code == 429
    # another petition, from the same addresses, is still found
    other = file(cast.agency_a, title="Khác", phone="0912000111")
    found = client.post(URL, {"code": other.code, "contact": "0912000111"}, REMOTE_ADDR="10.0.0.1")
    assert found.status_code == 302
