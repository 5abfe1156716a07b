"""A citizen's or an organisation's own contact details: changed on the account page with the
current password, an address another account holds refused, the old addresses told, the
change logged; sign-in follows the new address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cchc.accounts import services
from cchc.accounts.models import AccountEvent, User, users_by_contact
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.core.sms import MemorySmsBackend

PASSWORD = "mat-khau-cu-2026!"


@pytest.fixture
def organisation(db):  # type: ignore[no-untyped-def]
    user = User.objects.create_user(
        username="org-saomai",
        password=PASSWORD,
        kind=User.Kind.CITIZEN,
        full_name="Lê Văn Hùng",
        organisation_name="Công ty TNHH Sao Mai",
        tax_code="0100233488",
        email="hung@saomai.vn",
        phone="0912000111",
        email_verified=True,
    )
    return user


def _post(client, **fields):  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Trần Thu Hà",
        "email": "ha@saomai.vn",
        "phone": "0912 000 333",
        "password": PASSWORD,
        **fields,
    }
    with translation.override("vi"):
        return client.post(reverse("accounts:contacts"), data)


def test_an_organisation_changes_its_contact_person_and_addresses(
    transactional_db, client, organisation, settings
):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.force_login(organisation)
    with translation.override("vi"):
        page = client.get(reverse("accounts:me")).content.decode()
        form = client.get(reverse("accounts:contacts")).content.decode()
    assert reverse("accounts:contacts") in page
    assert "Họ và tên người liên hệ" in form and 'value="hung@saomai.vn"' in form
    response = _post(client)
    assert response.status_code == 302 and response.url == reverse("accounts:contacts")
    organisation.refresh_from_db()
    # the name at once; the new addresses only once their codes come back
    assert (organisation.full_name, organisation.email, organisation.phone) == (
        "Trần Thu Hà",
        "hung@saomai.vn",
        "0912000111",
    )
    assert users_by_contact("hung@saomai.vn").get() == organisation
    assert not users_by_contact("ha@saomai.vn").exists()
    # the codes go to the new addresses, by the job runner
    assert run_jobs() == 2
    assert mail.outbox[-1].to == ["ha@saomai.vn"]
    assert [to for to, _text in MemorySmsBackend.outbox] == ["0912000333"]
    email_code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    phone_code = re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1][1]).group(1)
    with translation.override("vi"):
        page = client.get(reverse("accounts:contacts")).content.decode()
    assert "ha@saomai.vn" in page and 'id="waiting-phone"' in page
    for channel, code in (("email", email_code), ("phone", phone_code)):
        confirmed = client.post(
            reverse("accounts:contacts"), {"action": "confirm", "channel": channel, "code": code}
        )
        assert confirmed.status_code == 302 and confirmed.url == reverse("accounts:me")
    organisation.refresh_from_db()
    assert (organisation.full_name, organisation.email, organisation.phone) == (
        "Trần Thu Hà",
        "ha@saomai.vn",
        "0912000333",
    )
    assert organisation.email_verified and organisation.phone_verified  # confirmed by code
    # the organisation itself is unchanged; sign-in follows the new address
    assert organisation.organisation_name == "Công ty TNHH Sao Mai"
    assert users_by_contact("ha@saomai.vn").get() == organisation
    assert not users_by_contact("hung@saomai.vn").exists()
    logged = list(AccountEvent.objects.filter(user=organisation).order_by("seq"))
    assert [(e.action, e.data) for e in logged] == [
        ("contacts", {"changed": ["full_name"]}),
        ("contact_asked", {"asked": ["email", "phone"]}),
        ("contacts", {"changed": ["email"], "confirmed_by": "code"}),
        ("contacts", {"changed": ["phone"], "confirmed_by": "code"}),
    ]
    assert all(e.actor == organisation for e in logged)
    assert "ha@saomai.vn" not in str([e.data for e in logged])  # never the addresses
    # the old addresses are told, by the job runner
    assert run_jobs() == 2
    assert mail.outbox[-1].to == ["hung@saomai.vn"]
    assert [to for to, _text in MemorySmsBackend.outbox][-1] == "0912000111"
    client.logout()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "ha@saomai.vn", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 200


def test_wrong_password_and_held_address_are_refused_and_nothing_typed_is_lost(
    client, organisation, cast
):
    client.force_login(organisation)
    response = _post(client, password="sai-mat-khau")
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng" in " ".join(response.context["form"].errors["password"])
    assert 'value="Trần Thu Hà"' in response.content.decode()
    response = _post(client, email=cast.citizen.email)
    assert "email" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.email == "hung@saomai.vn" and organisation.full_name == "Lê Văn Hùng"
    assert not AccountEvent.objects.filter(user=organisation).exists()


def test_an_address_is_needed_and_staff_change_theirs_elsewhere(client, organisation, cast):
    with pytest.raises(ValidationFailed) as refused:
        services.change_own_contacts(
            actor=organisation, full_name="Lê Văn Hùng", email="", phone="", password=PASSWORD
        )
    assert refused.value.field == "email"
    with pytest.raises(NotPermitted):
        services.change_own_contacts(
            actor=cast.clerk_a, full_name="Clerk", email="x@example.vn", password="pw"
        )
    client.force_login(cast.clerk_a)
    assert client.get(reverse("accounts:contacts")).status_code == 404


def test_nothing_changed_logs_nothing(organisation):
    services.change_own_contacts(
        actor=organisation,
        full_name="Lê Văn Hùng",
        email="HUNG@saomai.vn",
        phone="+84 912 000 111",
        password=PASSWORD,
    )
    assert not AccountEvent.objects.filter(user=organisation).exists()


def test_until_the_code_comes_back_the_old_address_stays(transactional_db, client, organisation):
    from cchc.accounts.models import ContactChange

    client.force_login(organisation)
    _post(client, full_name="Lê Văn Hùng", email="moi@saomai.vn", phone="0912000111")
    change = ContactChange.objects.get(user=organisation, closed_at__isnull=True)
    assert change.channel == "email" and change.new_address == "moi@saomai.vn"
    # the code is not in the job's stored arguments in clear
    from django_tasks_db.models import DBTaskResult

    assert run_jobs() == 1
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert code not in str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    wrong = client.post(
        reverse("accounts:contacts"), {"action": "confirm", "channel": "email", "code": "000000"}
    )
    assert wrong.status_code == 400
    organisation.refresh_from_db()
    assert organisation.email == "hung@saomai.vn" and organisation.email_verified
    assert users_by_contact("hung@saomai.vn").get() == organisation
    # typing the old address back gives the change up
    _post(client, full_name="Lê Văn Hùng", email="hung@saomai.vn", phone="0912000111")
    assert not ContactChange.objects.filter(user=organisation, closed_at__isnull=True).exists()
    gone = client.post(
        reverse("accounts:contacts"), {"action": "confirm", "channel": "email", "code": code}
    )
    assert gone.status_code == 400
    organisation.refresh_from_db()
    assert organisation.email == "hung@saomai.vn"


def test_a_new_address_taken_meanwhile_is_refused_at_the_code(client, organisation):
    from cchc.accounts.models import ContactChange

    services.change_own_contacts(
        actor=organisation,
        full_name="Lê Văn Hùng",
        email="moi@saomai.vn",
        phone="0912000111",
        password=PASSWORD,
    )
    change = ContactChange.objects.get(user=organisation)
    from cchc.accounts import contact_changes

    ContactChange.objects.filter(pk=change.pk).update(
        code_hash=contact_changes._code_hash(organisation.pk, "email", "123456")
    )
    User.objects.create(username="other", kind=User.Kind.CITIZEN, email="moi@saomai.vn")
    with pytest.raises(ValidationFailed):
        contact_changes.confirm(actor=organisation, channel="email", code="123456")
    organisation.refresh_from_db()
    assert organisation.email == "hung@saomai.vn"


def test_the_account_page_says_a_new_address_waits_for_its_code(client, organisation):
    services.change_own_contacts(
        actor=organisation,
        full_name="Lê Văn Hùng",
        email="hung@saomai.vn",
        phone="0912000999",
        password=PASSWORD,
    )
    client.force_login(organisation)
    with translation.override("vi"):
        page = client.get(reverse("accounts:me")).content.decode()
    assert 'id="waiting-phone"' in page and "0912000999" in page
    assert reverse("accounts:contacts") in page
