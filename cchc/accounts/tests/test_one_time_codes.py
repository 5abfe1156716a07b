"""One mechanism for one-time codes (cchc.accounts.codes): the sign-up's code and a new
contact address's are issued, throttled, sent by the job runner after the commit and checked
the same way; a code or a job from before the mechanism still works."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.accounts import contact_changes, links
from cchc.accounts.models import ContactChange, User, users_by_contact
from cchc.core.errors import ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.core.personal import encrypt
from cchc.core.sms import MemorySmsBackend
from cchc.portal import services
from cchc.portal.models import VerificationCode

SIGNUP = {
    "full_name": "Trần Thị Bình",
    "email": "",
    "phone": "0912 000 444",
    "national_id": "079185001234",
    "password": "mật-khẩu-dài-2026",
    "password2": "mật-khẩu-dài-2026",
}


class DownGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


def _old_hash(text: str) -> str:
    """A code's hash as the two mechanisms stored it before they became one."""
    return hmac.new(django_settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_a_sign_up_does_not_wait_on_the_gateway_and_loses_no_code_when_it_is_down(
    transactional_db, client, settings
):
    settings.SMS_BACKEND = "cchc.accounts.tests.test_one_time_codes.DownGateway"
    response = client.post(reverse("portal:signup"), SIGNUP)
    # before: the SMS was sent during the request, and a gateway down refused the sign-up
    assert response.status_code == 302 and response.url == reverse("portal:verify")
    user = users_by_contact("0912000444").get()
    run_jobs()  # the gateway refuses: the job is kept for a retry
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert run_jobs() == 1
    phone, text = MemorySmsBackend.outbox[-1]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert phone == "0912000444"
    # the code rides in the job's stored arguments encrypted, never in clear
    assert code not in str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert client.post(reverse("portal:verify"), {"code": code}).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.phone_verified


def test_a_replaced_sign_up_code_is_not_sent_and_resends_are_limited(
    transactional_db, client, settings
):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.post(reverse("portal:signup"), SIGNUP)
    user = users_by_contact("0912000444").get()
    assert client.post(reverse("portal:verify"), {"resend": "1"}).status_code == 302
    run_jobs()
    assert len(MemorySmsBackend.outbox) == 1  # only the live code goes out
    code = re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1][1]).group(1)
    for _i in range(3):
        services.send_code(user=user)
    with pytest.raises(ValidationFailed, match="Too many codes|quá nhiều mã"):
        services.send_code(user=user)  # the sixth code within the hour
    assert VerificationCode.objects.filter(user=user).count() == 5
    with pytest.raises(ValidationFailed):
        services.verify_code(user=user, code=code)  # replaced by the later codes


def test_codes_issued_before_the_one_mechanism_are_still_confirmed(db):
    """A sign-up (or a new address) waiting for its code when the release lands."""
    user = User.objects.create_user(
        username="c-pending", kind=User.Kind.CITIZEN, email="cho@example.vn", is_active=False
    )
    VerificationCode.objects.create(
        user=user,
        channel=VerificationCode.Channel.EMAIL,
        destination="cho@example.vn",
        code_hash=_old_hash(f"otp:{user.pk}:123456"),
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    services.verify_code(user=user, code="123456")
    user.refresh_from_db()
    assert user.is_active and user.email_verified

    ContactChange.objects.create(
        user=user,
        channel="email",
        new_address="moi@example.vn",
        code_hash=_old_hash(f"contact:{user.pk}:email:654321"),
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    contact_changes.confirm(actor=user, channel="email", code="654321")
    user.refresh_from_db()
    assert user.email == "moi@example.vn"


def test_a_contact_code_job_queued_before_the_release_still_sends(transactional_db):
    user = User.objects.create_user(username="c-org", kind=User.Kind.CITIZEN, email="a@b.vn")
    change = ContactChange.objects.create(
        user=user,
        channel="email",
        new_address="moi@example.vn",
        code_hash=contact_changes._code_hash(user.pk, "email", "246810"),
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    links.send_contact_code.enqueue(change.pk, encrypt("246810"))
    assert run_jobs() == 1
    assert mail.outbox[-1].to == ["moi@example.vn"] and "246810" in mail.outbox[-1].body


def test_a_sign_up_code_does_not_confirm_a_contact_change(db):
    """The hash is bound to its purpose and account: the same six digits of another kind of
    code are wrong."""
    user = User.objects.create_user(username="c-both", kind=User.Kind.CITIZEN, email="x@y.vn")
    ContactChange.objects.create(
        user=user,
        channel="email",
        new_address="moi@example.vn",
        code_hash=_old_hash(f"otp:{user.pk}:111222"),  # a sign-up code's hash
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    with pytest.raises(ValidationFailed):
        contact_changes.confirm(actor=user, channel="email", code="111222")
