"""Issue 12.6 (part): endpoints that could confirm a dossier code are throttled per address
and per code, answer the same for unknown codes, and a receipt shows the applicant's
contact details only to the applicant's account and staff."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from cchc.dossiers.models import Dossier
from cchc.portal import throttle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def _unknown(code: str) -> str:
    """A well-formed code that does not exist (the next sequence number)."""
    head, seq = code.rsplit("-", 1)
    candidate = f"{head}-{int(seq) + 7:0{len(seq)}d}"
    assert not Dossier.objects.filter(code=candidate).exists()
    return candidate


def test_qr_and_evaluate_do_not_tell_whether_a_code_exists(client, returned):
    unknown = _unknown(returned.code)
    real = client.get(reverse("portal:qr", args=[returned.code]))
    fake = client.get(reverse("portal:qr", args=[unknown]))
    assert real.status_code == fake.status_code == 200
    assert real["Content-Type"] == fake["Content-Type"] == "image/svg+xml"
    real = client.get(reverse("portal:evaluate", args=[returned.code]))
    fake = client.get(reverse("portal:evaluate", args=[unknown]))
    assert real.status_code == fake.status_code == 302
    assert real["Location"].split("code=")[0] == fake["Location"].split("code=")[0]


def test_walking_through_codes_from_one_address_is_throttled(client, settings, returned):
    settings.CODES_PER_ADDRESS = 30
    head, seq = returned.code.rsplit("-", 1)
    statuses = []
    for i in range(40):
        code = f"{head}-{i:0{len(seq)}d}"
        statuses.append(client.get(reverse("portal:qr", args=[code])).status_code)
    assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}
    # the same address is throttled on every code endpoint, another address is not
    assert client.get(reverse("portal:evaluate", args=[returned.code])).status_code == 429
    assert client.get(reverse("portal:dossier", args=[returned.code])).status_code == 429
    other = client.get(reverse("portal:qr", args=[returned.code]), REMOTE_ADDR="10.20.30.40")
    assert other.status_code == 200


def test_one_address_following_its_own_dossiers_is_not_throttled(client, settings, returned):
    """A one-stop centre's Wi-Fi: many requests from one address about a few codes (each
    citizen reloading their status page) stay under the address limit, which counts codes."""
    settings.CODES_PER_ADDRESS = 3
    settings.CODE_REQUESTS_PER_CODE = 1000
    head, seq = returned.code.rsplit("-", 1)
    codes = [returned.code, *(f"{head}-{int(seq) + i:0{len(seq)}d}" for i in (1, 2))]
    statuses = {
        client.get(reverse("portal:qr", args=[code])).status_code
        for _ in range(20)
        for code in codes
    }
    assert statuses == {200}
    # a fourth code from the same address is one too many
    fourth = client.get(reverse("portal:qr", args=[f"{head}-{int(seq) + 3:0{len(seq)}d}"]))
    assert fourth.status_code == 429


def test_one_code_guessed_from_many_addresses_is_throttled(client, returned):
    url = reverse("portal:lookup")
    # one wrong guess from each of many addresses: no per-address limit reached
    for i in range(throttle.LOOKUP_FAILURES_PER_CODE):
        r = client.post(
            url, {"code": returned.code, "id_last4": f"{i:04d}"}, REMOTE_ADDR=f"10.0.1.{i}"
        )
        assert r.status_code == 400
    # the right digits from a fresh address no longer open this code for now
    r = client.post(url, {"code": returned.code, "id_last4": "2345"}, REMOTE_ADDR="10.0.2.1")
    assert r.status_code == 429


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_receipt_masks_contact_details_unless_owner_or_staff(client, cast, returned):
    Dossier.objects.filter(pk=returned.pk).update(
        applicant_address="Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội"
    )
    receipt = reverse("portal:receipt", args=[returned.code])
    # someone with the code and the four ID digits
    client.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    text = _pdf_text(client.get(receipt).content)
    assert "0912345678" not in text and "citizen@example.vn" not in text
    assert "ngõ 34" not in text and "09******78" in text and "Hà Nội" in text
    assert "ci***@example.vn" in text
    # the applicant's own account and the staff who handle it see them
    for user in (returned.applicant, cast.clerk_a):
        viewer = client.__class__()
        viewer.force_login(user)
        text = _pdf_text(viewer.get(receipt).content)
        assert "0912345678" in text and "ngõ 34" in text
