"""Issue 12.6 for online drafts: what a citizen types into a draft (phone, e-mail, address,
the request) is one encrypted token in the database, read by the portal as before; drafts
stored in clear are encrypted by `portal.0003` and re-keyed by `rotate_field_keys`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cchc.core import personal
from cchc.portal.models import Draft

pytestmark = pytest.mark.django_db
PHONE, EMAIL, ADDRESS = "0912345678", "dan@example.vn", "1 Tràng Tiền, Hoàn Kiếm"


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM portal_draft WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _fields(cast):
    return {
        "applicant_name": "Nguyễn Văn Dân",
        "phone": PHONE,
        "email": EMAIL,
        "address": ADDRESS,
        "receiving_agency": str(cast.agency_a.pk),
        "request": "Đăng ký khai sinh cho con",
    }


def _assert_sealed(raw: str) -> None:
    assert raw.startswith(personal.TOKEN_PREFIX)
    for clear in (PHONE, "912345678", EMAIL, "Tràng Tiền", "Tr\\u00e0ng"):
        assert clear not in raw


def test_a_saved_draft_holds_no_clear_contact_detail_and_the_portal_reads_it(client, cast, citizen):
    client.force_login(citizen)
    url = reverse("portal:submit", args=[cast.procedure.code])
    response = client.post(url, {**_fields(cast), "action": "save"})
    assert response.status_code in (200, 302), response.content.decode()[:1000]
    draft = Draft.objects.get(user=citizen)
    _assert_sealed(_raw(draft.pk))
    assert draft.data["phone"] == PHONE and draft.data["address"] == ADDRESS
    # the citizen finds everything typed when coming back to the form
    page = client.get(url).content.decode()
    assert f'value="{PHONE}"' in page and f'value="{ADDRESS}"' in page and EMAIL in page


def test_drafts_stored_in_clear_are_encrypted_by_the_migration(cast):
    draft = Draft.objects.create(user=cast.citizen, procedure=cast.procedure, data={})
    clear = json.dumps({"phone": PHONE, "email": EMAIL, "address": ADDRESS}, ensure_ascii=False)
    with connection.cursor() as cursor:  # as portal 0003 finds a row of jsonb cast to text
        cursor.execute("UPDATE portal_draft SET data = %s WHERE id = %s", [clear, draft.pk])
    assert Draft.objects.get(pk=draft.pk).data["email"] == EMAIL  # read as it is meanwhile
    assert personal.reencrypt_rows(Draft) == 1  # what the migration runs
    _assert_sealed(_raw(draft.pk))
    assert Draft.objects.get(pk=draft.pk).data == {
        "phone": PHONE,
        "email": EMAIL,
        "address": ADDRESS,
    }
    personal.decrypt_rows_in_place(Draft)  # the migration reversed: clear JSON text again
    assert json.loads(_raw(draft.pk))["phone"] == PHONE


def test_rotate_field_keys_re_encrypts_drafts(cast, settings):
    old, new = settings.CCHC_FIELD_KEYS[0], Fernet.generate_key().decode()
    settings.CCHC_FIELD_KEYS = [old]
    draft = Draft.objects.create(
        user=cast.citizen, procedure=cast.procedure, data={"phone": PHONE, "email": EMAIL}
    )
    settings.CCHC_FIELD_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "portal.Draft: 1 row(s)" in out.getvalue()
    settings.CCHC_FIELD_KEYS = [new]
    stored = _raw(draft.pk)
    assert json.loads(Fernet(new.encode()).decrypt(stored.encode()))["phone"] == PHONE
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    assert Draft.objects.get(pk=draft.pk).data["email"] == EMAIL
