"""The counter kiosk shows a dossier only after the proof the public look-up asks for (the
ID's last 4 digits or the phone number, the same throttles), only for a dossier of the
kiosk's agency, and never the applicant's name (Decree 13/2023: anyone at the counter can
type a code, and codes are sequential)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers.models import Dossier, Evaluation
from cchc.portal import throttle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

NAME = "Nguyễn Văn Dân"  # the applicant of the `returned` fixture


@pytest.fixture
def kiosk(client, cast):
    """A browser registered as agency A's kiosk by its clerk, who then signed out."""
    client.force_login(cast.clerk_a)
    registered = client.post(reverse("portal:kiosk_register"), {"agency": cast.agency_a.code})
    client.logout()
    client.cookies["cchc_kiosk"] = registered.cookies["cchc_kiosk"].value
    return client


def _unknown(code: str) -> str:
    head, seq = code.rsplit("-", 1)
    candidate = f"{head}-{int(seq) + 7:0{len(seq)}d}"
    assert not Dossier.objects.filter(code=candidate).exists()
    return candidate


def _start(kiosk, **data):
    return kiosk.post(reverse("portal:kiosk_start"), data)


def test_a_typed_code_alone_opens_nothing(kiosk, returned):
    """The QA walk: ?code=… led straight to the rating page with the citizen's name."""
    typed = kiosk.get(reverse("portal:kiosk_start"), {"code": returned.code})
    assert typed.status_code == 200
    assert NAME not in typed.content.decode()
    assert 'name="id_last4"' in typed.content.decode()
    url = reverse("portal:kiosk_evaluate", args=[returned.code])
    direct = kiosk.get(url, follow=True)
    assert NAME not in direct.content.decode()
    assert "form" in direct.context and "dossier" not in direct.context
    assert kiosk.post(url, {"satisfaction": 5}).status_code == 302
    assert not Evaluation.objects.filter(dossier=returned).exists()


def test_unknown_and_wrong_digits_get_the_same_answer(kiosk, returned):
    unknown = _start(kiosk, code=_unknown(returned.code), id_last4="2345")
    wrong = _start(kiosk, code=returned.code, id_last4="9999")
    assert unknown.status_code == wrong.status_code == 400
    assert "dossier" not in unknown.context and "dossier" not in wrong.context
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    for response in (unknown, wrong):
        assert NAME not in response.content.decode()
    # a failed proof opened nothing
    page = kiosk.get(reverse("portal:kiosk_evaluate", args=[returned.code]))
    assert page.status_code == 302


def test_wrong_digits_count_against_the_code_as_on_the_lookup(kiosk, returned):
    for digits in ("0000", "0001", "0002", "0003", "0004"):
        assert _start(kiosk, code=returned.code, id_last4=digits).status_code == 400
    assert throttle.lookup_code_blocked(returned.code)
    # then even the right digits are refused for the rest of the window, at the kiosk and
    # on the public look-up alike
    assert _start(kiosk, code=returned.code, id_last4="2345").status_code == 429
    lookup = kiosk.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    assert lookup.status_code == 429


def test_the_proof_opens_the_rating_form_without_the_name(kiosk, returned):
    url = reverse("portal:kiosk_evaluate", args=[returned.code])
    proven = _start(kiosk, code=returned.code.lower(), id_last4="2345")
    assert proven.status_code == 302 and proven["Location"] == url
    page = kiosk.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert returned.code in body and returned.procedure.name in body
    assert NAME not in body
    # the proof is the kiosk's, not a look-up of the session: the next citizen at the
    # device does not find the dossier's status page open
    status = kiosk.get(reverse("portal:dossier", args=[returned.code]))
    assert status.status_code == 302
    # and it is forgotten when the kiosk's home page is shown again
    kiosk.get(reverse("portal:kiosk_start"))
    assert kiosk.get(url).status_code == 302


def test_only_dossiers_of_the_kiosks_agency(client, cast, returned):
    client.force_login(cast.clerk_b)
    other = client.post(reverse("portal:kiosk_register"), {"agency": cast.agency_b.code})
    client.logout()
    client.cookies["cchc_kiosk"] = other.cookies["cchc_kiosk"].value
    right_digits = _start(client, code=returned.code, id_last4="2345")
    unknown = _start(client, code=_unknown(returned.code), id_last4="2345")
    assert right_digits.status_code == unknown.status_code == 400
    assert NAME not in right_digits.content.decode()
    assert client.get(reverse("portal:kiosk_evaluate", args=[returned.code])).status_code == 302
