"""One working citizen's or organisation's account per e-mail and per phone, held by the
database (accounts 0010) and not only by the sign-up's first check: two pending sign-ups of
one address confirmed one after the other, or at the very same moment, leave one account.
Staff accounts may share an office phone (they sign in with their user name)."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from cchc.accounts.models import User
from cchc.core.errors import ValidationFailed
from cchc.core.jobs import run_jobs
from cchc.portal import services

PASSWORD = "mật-khẩu-dài-2026"


def _sign_up(email: str, phone: str, national_id: str) -> tuple[User, str]:
    user = services.start_signup(
        full_name="Trần Thị Bình",
        email=email,
        phone=phone,
        national_id=national_id,
        password=PASSWORD,
    )
    assert user is not None
    run_jobs()  # the code is sent by the job runner
    return user, re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_two_working_citizens_cannot_hold_one_address_staff_may_share_a_phone(db):
    User.objects.create(username="a", kind=User.Kind.CITIZEN, email="an@example.vn")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="b", kind=User.Kind.CITIZEN, email="AN@example.vn ")
    User.objects.create(username="c", kind=User.Kind.CITIZEN, phone="0912000111")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="d", kind=User.Kind.CITIZEN, phone="+84 912 000 111")
    # a pending sign-up does not block the owner; staff share the office's phone
    User.objects.create(username="e", kind=User.Kind.CITIZEN, phone="0912000111", is_active=False)
    User.objects.create(username="f", kind=User.Kind.STAFF, phone="0243000000")
    User.objects.create(username="g", kind=User.Kind.STAFF, phone="0243000000")
    assert User.objects.filter(phone_hash=User.objects.get(username="f").phone_hash).count() == 2


def test_a_second_pending_sign_up_of_one_phone_is_not_confirmed(transactional_db):
    first, first_code = _sign_up("binh@example.vn", "0912000222", "079185001234")
    second, second_code = _sign_up("khac@example.vn", "0912 000 222", "079185009999")
    services.verify_code(user=first, code=first_code)
    with pytest.raises(ValidationFailed) as refused:
        services.verify_code(user=second, code=second_code)
    assert refused.value.message == str(services.ADDRESS_TAKEN)
    second.refresh_from_db()
    assert not second.is_active
    assert User.objects.filter(phone_hash=first.phone_hash, is_active=True).get() == first


def test_two_confirmed_at_the_same_moment_leave_one_account(transactional_db):
    """The check before the write cannot see the other confirmation, not yet committed: the
    database refuses the second, and the page says so instead of failing."""
    first, first_code = _sign_up("mot@example.vn", "0912000333", "079185001111")
    second, second_code = _sign_up("hai@example.vn", "0912000333", "079185002222")
    services.verify_code(user=first, code=first_code)
    with mock.patch.object(services, "_identity_taken", return_value=""):
        with pytest.raises(ValidationFailed) as refused:
            services.verify_code(user=second, code=second_code)
    assert refused.value.message == str(services.ADDRESS_TAKEN)
    second.refresh_from_db()
    assert not second.is_active
