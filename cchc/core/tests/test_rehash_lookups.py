"""Issue 12 point 6: after a change of SECRET_KEY the keyed look-up hashes no longer match;
`manage.py rehash_lookups --old-secret-key-env VAR` recomputes the phone and e-mail hashes,
and `CCHC_LOOKUP_KEY` pinned to the old key keeps every look-up (the citizen ID's too)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from cchc.accounts.models import User, hash_national_id, users_by_contact
from cchc.core import personal
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant

pytestmark = pytest.mark.django_db
PHONE, EMAIL, CITIZEN_ID = "0987001122", "hoa.le@example.vn", "001090012345"
NEW_SECRET = "a-new-secret-key-for-the-rotation-test-0123456789"


def _rows(cast):
    user = User.objects.create_user("hoa", email=EMAIL, phone=PHONE)
    user.set_national_id(CITIZEN_ID)
    user.save()
    dossier = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        competent_agency=cast.agency_b,
        applicant=Applicant(name="Lê Thị Hoa", phone=PHONE, email=EMAIL),
        actor=cast.clerk_a,
    )
    return user, dossier


def _found(user, dossier) -> dict[str, bool]:
    by_phone = personal.lookup_hash("phone", "+84 987 001 122")
    return {
        "phone": list(users_by_contact(PHONE)) == [user],
        "email": list(users_by_contact(EMAIL.upper())) == [user],
        "dossier": Dossier.objects.filter(applicant_phone_hash=by_phone).first() == dossier,
        "citizen_id": User.objects.filter(national_id_hash=hash_national_id(CITIZEN_ID)).exists(),
    }


def _rehash(monkeypatch, old: str) -> tuple[str, str]:
    monkeypatch.setenv("OLD_SECRET_KEY", old)
    out, err = StringIO(), StringIO()
    call_command("rehash_lookups", "--old-secret-key-env", "OLD_SECRET_KEY", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_after_a_secret_key_change_the_command_makes_the_lookups_find_the_rows_again(
    cast, settings, monkeypatch
):
    old = settings.SECRET_KEY
    user, dossier = _rows(cast)
    assert all(_found(user, dossier).values())
    with override_settings(SECRET_KEY=NEW_SECRET):
        assert _found(user, dossier) == {
            "phone": False,
            "email": False,
            "dossier": False,
            "citizen_id": False,
        }
        out, err = _rehash(monkeypatch, old)
        assert "accounts.User: " in out and "dossiers.Dossier: " in out
        found = _found(user, dossier)
        assert found["phone"] and found["email"] and found["dossier"]
        # a citizen ID's hash cannot be recomputed: the command says so
        assert not found["citizen_id"]
        assert "accounts.User.national_id_hash" in err and "CCHC_LOOKUP_KEY" in err


def test_pinning_the_old_key_keeps_every_lookup_citizen_id_included(cast, settings):
    old = settings.SECRET_KEY
    user, dossier = _rows(cast)
    with override_settings(SECRET_KEY=NEW_SECRET, CCHC_LOOKUP_KEY=old):
        assert all(_found(user, dossier).values())


def test_in_development_the_rows_of_the_old_derived_field_key_are_re_encrypted(
    cast, settings, monkeypatch
):
    """Development derives the field key from SECRET_KEY: the command opens the old rows with
    the old derived key and writes them with the new one."""
    old = settings.SECRET_KEY
    settings.CCHC_FIELD_KEYS = [personal.derived_dev_key(old)]
    user, dossier = _rows(cast)
    with override_settings(
        SECRET_KEY=NEW_SECRET, CCHC_FIELD_KEYS=[personal.derived_dev_key(NEW_SECRET)]
    ):
        _rehash(monkeypatch, old)
        assert User.objects.get(pk=user.pk).phone == PHONE
        assert Dossier.objects.get(pk=dossier.pk).applicant_email == EMAIL
        found = _found(user, dossier)
        assert found["phone"] and found["email"] and found["dossier"]


def test_the_old_key_must_be_given_through_the_environment(monkeypatch):
    monkeypatch.delenv("OLD_SECRET_KEY", raising=False)
    with pytest.raises(CommandError, match="OLD_SECRET_KEY"):
        call_command("rehash_lookups", "--old-secret-key-env", "OLD_SECRET_KEY")
