"""A citizen's or an organisation's own contact details: changed on the account page with the
current password, an address another account holds refused, the old addresses told, the
change logged; sign-in follows the new address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cchc.accounts import services
from cchc.accounts.models import AccountEvent, User, users_by_contact
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.portal.sms import MemorySmsBackend

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
    settings.SMS_BACKEND = "cchc.portal.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.force_login(organisation)
    with translation.override("vi"):
        page = client.get(reverse("accounts:me")).content.decode()
        form = client.get(reverse("accounts:contacts")).content.decode()
    assert reverse("accounts:contacts") in page
    assert "Họ và tên người liên hệ" in form and 'value="hung@saomai.vn"' in form
    response = _post(client)
    assert response.status_code == 302 and response.url == reverse("accounts:me")
    organisation.refresh_from_db()
    assert (organisation.full_name, organisation.email, organisation.phone) == (
        "Trần Thu Hà",
        "ha@saomai.vn",
        "0912000333",
    )
    assert not organisation.email_verified  # the new address was not confirmed
    # the organisation itself is unchanged; sign-in follows the new address
    assert organisation.organisation_name == "Công ty TNHH Sao Mai"
    assert users_by_contact("ha@saomai.vn").get() == organisation
    assert not users_by_contact("hung@saomai.vn").exists()
    event = AccountEvent.objects.get(user=organisation, action="contacts")
    assert event.actor == organisation
    assert event.data == {"changed": ["full_name", "email", "phone"]}
    assert "ha@saomai.vn" not in str(event.data)  # what changed, never the addresses
    # the old addresses are told, by the job runner
    assert run_jobs() == 1
    assert mail.outbox[-1].to == ["hung@saomai.vn"]
    assert [to for to, _text in MemorySmsBackend.outbox] == ["0912000111"]
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
