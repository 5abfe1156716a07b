"""Issue 12 point 6, the rest of personal data at rest: the notification outbox (recipient,
last error), the addresses one-time codes went to, and accounts' e-mail and phone are
encrypted (cchc/core/personal.py); accounts are found through keyed hashes (sign-in by
e-mail or phone, the sign-up check, the admin search); key rotation reaches them; a dump of
the database holds none of them in clear (docs/security.md §6)."""

from __future__ import annotations

import importlib
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cchc.accounts.models import User, users_by_contact
from cchc.core import personal
from cchc.core.jobs import run_jobs
from cchc.core.sms import MemorySmsBackend
from cchc.dossiers import services as dossier_services
from cchc.portal import notifications
from cchc.portal.models import Notification, VerificationCode

from .conftest import at

pytestmark = pytest.mark.django_db

EMAIL, PHONE = "hoa.le@example.vn", "0987001122"
PASSWORD = "mật-khẩu-dài-2026"
SIGNUP = {
    "full_name": "Lê Thị Hoa",
    "email": EMAIL,
    "phone": PHONE,
    "national_id": "079185004321",
    "password": PASSWORD,
    "password2": PASSWORD,
}


class BrokenSms:
    def send(self, phone, text):
        raise ConnectionError(f"gateway refused {phone}")


def _raw(table, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _every_stored_value() -> str:
    """Every column of every table as text: what a data dump of the database holds."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(parts)


def _signup_and_verify(client) -> User:
    assert client.post(reverse("portal:signup"), SIGNUP).status_code == 302
    code = VerificationCode.objects.get()
    user = users_by_contact(EMAIL).get()
    assert code.destination == EMAIL  # read back in clear
    run_jobs()  # the code is sent by the job runner, after the request
    sent = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post(reverse("portal:verify"), {"code": sent})
    user.refresh_from_db()
    assert user.is_active
    client.logout()
    return user


@pytest.fixture
def submitted(cast):
    return dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=cast.citizen,
        at=at(2026, 3, 2, 8),
        applicant=dossier_services.Applicant(
            name="Dân", id_last4="2345", email=EMAIL, phone=PHONE, account=cast.citizen
        ),
    )


def test_outbox_recipients_and_errors_are_encrypted_and_still_delivered(cast, submitted, settings):
    settings.SMS_BACKEND = "cchc.portal.tests.test_contacts_at_rest.BrokenSms"
    dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    mail.outbox.clear()
    assert notifications.drain() == {"sent": 1, "retry": 1, "failed": 0}
    sms = Notification.objects.get(channel="sms")
    email = Notification.objects.get(channel="email")
    recipient, error = _raw("portal_notification", sms.pk, "recipient", "last_error")
    assert recipient.startswith(personal.TOKEN_PREFIX) and PHONE not in recipient
    assert error.startswith(personal.TOKEN_PREFIX) and PHONE not in error
    assert sms.recipient == PHONE and PHONE in sms.last_error  # read back in clear
    assert _raw("portal_notification", email.pk, "recipient")[0].startswith("gAAAAA")
    assert mail.outbox[0].to == [EMAIL]  # the e-mail went to the clear address
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    Notification.objects.filter(pk=sms.pk).update(next_attempt_at=sms.created_at)
    assert notifications.drain()["sent"] == 1
    assert MemorySmsBackend.outbox[-1][0] == PHONE


def test_accounts_store_email_and_phone_encrypted_and_sign_in_with_either(transactional_db, client):
    user = _signup_and_verify(client)
    email, phone, email_hash, phone_hash, username = _raw(
        "accounts_user", user.pk, "email", "phone", "email_hash", "phone_hash", "username"
    )
    assert email.startswith("gAAAAA") and phone.startswith("gAAAAA")
    assert (email_hash, phone_hash) == (
        personal.lookup_hash("email", EMAIL),
        personal.lookup_hash("phone", PHONE),
    )
    assert EMAIL not in username and PHONE not in username and username.startswith("c-")
    destination = _raw("portal_verificationcode", VerificationCode.objects.get().pk, "destination")
    assert destination[0].startswith("gAAAAA") and EMAIL not in destination[0]
    login = reverse("accounts:login")
    for typed in (EMAIL, "HOA.LE@example.vn", PHONE, "+84 987 001 122"):
        response = client.post(login, {"username": typed, "password": PASSWORD})
        assert response.status_code == 302, typed
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()
    refused = client.post(login, {"username": EMAIL, "password": "sai-mật-khẩu-2026"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    unknown = client.post(login, {"username": "0900000000", "password": PASSWORD})
    assert unknown.status_code == 200 and "_auth_user_id" not in client.session


def test_sign_up_with_a_registered_phone_creates_nothing(transactional_db, client):
    _signup_and_verify(client)
    again = {**SIGNUP, "email": "other@example.vn", "phone": "+84 987 001 122"}
    assert client.post(reverse("portal:signup"), again).status_code == 302
    assert User.objects.filter(kind=User.Kind.CITIZEN).count() == 1


def test_admin_search_finds_an_account_by_its_whole_email_or_phone(transactional_db, client, cast):
    user = _signup_and_verify(client)
    admin = User.objects.create_superuser("root", "root@example.vn", PASSWORD)
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from cchc.accounts.admin import UserAdmin

    model_admin = UserAdmin(User, site)
    request = RequestFactory().get("/")
    request.user = admin
    for term, expected in ((EMAIL, [user]), (PHONE, [user]), ("hoa.le", [])):
        found, _dup = model_admin.get_search_results(request, User.objects.all(), term)
        assert list(found) == expected, term


def test_rotate_field_keys_re_encrypts_accounts_and_the_outbox(cast, submitted, settings):
    # everything so far (the fixtures too) is encrypted with the current key: the old one
    old, new = settings.CCHC_FIELD_KEYS[0], Fernet.generate_key().decode()
    settings.CCHC_FIELD_KEYS = [old]
    user = User.objects.create_user("hoa", email=EMAIL, phone=PHONE)
    dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    note = Notification.objects.get(channel="sms")

    settings.CCHC_FIELD_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=StringIO())
    settings.CCHC_FIELD_KEYS = [new]
    for table, pk, column, clear in (
        ("accounts_user", user.pk, "email", EMAIL),
        ("accounts_user", user.pk, "phone", PHONE),
        ("portal_notification", note.pk, "recipient", PHONE),
    ):
        stored = _raw(table, pk, column)[0]
        assert Fernet(new.encode()).decrypt(stored.encode()).decode() == clear
        with pytest.raises(InvalidToken):
            Fernet(old.encode()).decrypt(stored.encode())
    assert users_by_contact(PHONE).get() == User.objects.get(pk=user.pk)
    assert Notification.objects.get(pk=note.pk).recipient == PHONE


def test_the_migration_encrypts_clear_rows_and_renames_address_user_names(cast):
    """What accounts 0004 and portal 0002 run on rows stored before them."""
    migration = importlib.import_module("cchc.accounts.migrations.0004_encrypt_contact_details")
    user = User.objects.create_user("someone")
    staff = cast.clerk_a
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET username = %s, email = %s, phone = %s, email_hash = '',"
            " phone_hash = '' WHERE id = %s",
            [EMAIL, EMAIL, PHONE, user.pk],
        )
        cursor.execute(
            "UPDATE accounts_user SET phone = %s WHERE id = %s", ["0911222333", staff.pk]
        )
    assert personal.reencrypt_rows(User) >= 2
    migration.rename_contact_usernames(apps, SimpleNamespace(connection=connection))
    email, phone, username = _raw("accounts_user", user.pk, "email", "phone", "username")
    assert email.startswith("gAAAAA") and phone.startswith("gAAAAA")
    assert username == f"c-{personal.lookup_hash('email', EMAIL)[:32]}"
    assert users_by_contact(EMAIL).get().pk == user.pk
    assert User.objects.get(pk=staff.pk).username == staff.username  # not an address: kept


def test_a_dump_of_the_database_holds_no_contact_detail_in_clear(
    transactional_db, client, cast, submitted
):
    """Every column of every table read back as text is what a data dump (pg_dump, the SQLite
    file) holds: no e-mail or phone of the account, the dossier or the outbox in clear."""
    _signup_and_verify(client)
    dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    assert Notification.objects.exclude(recipient="").count() == 2  # something to find
    stored = _every_stored_value()
    assert "Lê Thị Hoa" in stored  # the reading sees the rows (names stay in clear)
    for clear in (EMAIL, PHONE, "987001122"):
        assert clear not in stored
