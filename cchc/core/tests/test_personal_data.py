"""Issue 12 point 6: phone, e-mail and address encrypted at rest, searchable through keyed
hashes, keys rotated by a command (cchc/core/personal.py, docs/security.md §6)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from cchc.core import personal
from cchc.dossiers import queries, services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant
from cchc.feedback.intake import find_duplicates
from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import MONDAY, file

pytestmark = pytest.mark.django_db

PHONE, EMAIL, ADDRESS = "0912345678", "binh.tran@example.vn", "Số 12 Hàng Bài, Hoàn Kiếm, Hà Nội"


def _intake(cast, phone=PHONE):
    return services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        competent_agency=cast.agency_b,
        applicant=Applicant(name="Trần Thị Bình", phone=phone, email=EMAIL, address=ADDRESS),
        actor=cast.clerk_a,
    )


def _raw(table, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_contact_details_are_stored_encrypted_and_read_back_in_clear(cast):
    dossier = _intake(cast)
    stored = _raw(
        "dossiers_dossier",
        dossier.pk,
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "applicant_phone_hash",
    )
    for value, clear in zip(stored[:3], (PHONE, EMAIL, ADDRESS), strict=True):
        assert value.startswith(personal.TOKEN_PREFIX) and clear not in value
    assert PHONE not in stored[3] and stored[3] == personal.lookup_hash("phone", PHONE)
    again = Dossier.objects.get(pk=dossier.pk)
    assert (again.applicant_phone, again.applicant_email, again.applicant_address) == (
        PHONE,
        EMAIL,
        ADDRESS,
    )
    # the same phone twice gives two different tokens (no equality leak), one hash
    other = _intake(cast)
    assert _raw("dossiers_dossier", other.pk, "applicant_phone")[0] != stored[0]
    assert _raw("dossiers_dossier", other.pk, "applicant_phone_hash")[0] == stored[3]


def test_filtering_on_an_encrypted_column_is_refused_not_silently_empty(cast):
    _intake(cast)
    with pytest.raises(FieldError, match="encrypted"):
        list(Dossier.objects.filter(applicant_phone=PHONE))
    with pytest.raises(FieldError):
        list(Dossier.objects.filter(applicant_email__icontains="example"))
    assert Dossier.objects.exclude(applicant_phone="").count() == 1  # blank checks still work


def test_queue_search_by_phone_uses_the_keyed_hash(cast):
    dossier = _intake(cast)
    _intake(cast, phone="0987654321")
    found = queries.apply_filter(Dossier.objects.all(), queries.DossierFilter(q="+84 912 345 678"))
    assert list(found) == [dossier]
    none = queries.apply_filter(Dossier.objects.all(), queries.DossierFilter(q="0911111111"))
    assert not none.exists()


def test_petition_duplicates_by_phone_and_email_still_found(cast):
    dossier = _intake(cast)
    first = file(
        cast.agency_a, phone="0912 345 678", email="An@Example.vn", dossier_code=dossier.code
    )
    assert _raw("feedback_petition", first.pk, "petitioner_phone")[0].startswith("gAAAAA")
    by_phone = find_duplicates(
        title="khác hẳn", description="nội dung khác", phone=PHONE, dossier=dossier, now=MONDAY
    )
    by_email = find_duplicates(
        title="khác hẳn", description="khác", email="an@example.vn", dossier=dossier, now=MONDAY
    )
    assert [p for p, _why in by_phone] == [first] and [p for p, _why in by_email] == [first]
    stranger = find_duplicates(
        title="khác hẳn", description="khác", phone="0900000000", dossier=dossier, now=MONDAY
    )
    assert stranger == []


def test_rotate_field_keys_re_encrypts_every_row_with_the_new_key(cast, settings):
    # the fixtures' accounts are already encrypted (their e-mail): the current key is the old
    old, new = settings.CCHC_FIELD_KEYS[0], Fernet.generate_key().decode()
    settings.CCHC_FIELD_KEYS = [old]
    dossier = _intake(cast)
    petition = file(cast.agency_a, email="an@example.vn")
    before = _raw("dossiers_dossier", dossier.pk, "applicant_phone")[0]
    assert Fernet(old.encode()).decrypt(before.encode()).decode() == PHONE

    settings.CCHC_FIELD_KEYS = [new, old]  # the new key first, the old one still readable
    call_command("rotate_field_keys", "--batch", "1")

    settings.CCHC_FIELD_KEYS = [new]  # the old key removed: everything still reads
    assert Dossier.objects.get(pk=dossier.pk).applicant_address == ADDRESS
    assert Petition.objects.get(pk=petition.pk).petitioner_email == "an@example.vn"
    after = _raw("dossiers_dossier", dossier.pk, "applicant_phone")[0]
    assert Fernet(new.encode()).decrypt(after.encode()).decode() == PHONE
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(after.encode())
    # a row the command did not reach would now be unreadable: the test can fail
    settings.CCHC_FIELD_KEYS = [old]
    with pytest.raises(InvalidToken):
        Dossier.objects.get(pk=dossier.pk)


def test_rows_stored_in_clear_before_the_migration_get_encrypted_and_hashed(cast):
    """What the data migrations (dossiers 0010, feedback 0005) run on existing rows."""
    dossier = _intake(cast)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossier SET applicant_phone = %s, applicant_email = %s,"
            " applicant_phone_hash = '' WHERE id = %s",
            ["0987.654.321", "x@example.vn", dossier.pk],
        )
    legacy = Dossier.objects.get(pk=dossier.pk)
    assert legacy.applicant_phone == "0987.654.321"  # a clear legacy value reads as it is
    assert personal.reencrypt_rows(Dossier) == 1
    phone, email, phone_hash = _raw(
        "dossiers_dossier", dossier.pk, "applicant_phone", "applicant_email", "applicant_phone_hash"
    )
    assert phone.startswith("gAAAAA") and email.startswith("gAAAAA")
    assert phone_hash == personal.lookup_hash("phone", "0987654321")


def test_masks_show_only_what_identifies_the_value():
    assert personal.mask_phone("0912 345 678") == "09******78"
    assert personal.mask_email("binh.tran@example.vn") == "bi***@example.vn"
    assert personal.mask_address(ADDRESS) == "***, Hoàn Kiếm, Hà Nội"
    assert personal.mask_phone("") == personal.mask_email("") == personal.mask_address("") == ""
    assert PHONE[2:8] not in personal.mask_phone(PHONE)


def test_a_wrong_key_is_refused_with_a_clear_message(settings):
    settings.CCHC_FIELD_KEYS = ["not-a-key"]
    with pytest.raises(Exception, match="32 url-safe base64"):
        personal.encrypt("0912345678")
