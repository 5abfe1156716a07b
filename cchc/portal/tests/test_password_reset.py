"""A forgotten password: a one-time link by e-mail or SMS, sent by the job runner, the same
answer whether or not an account matches, one link per account per 15 minutes, and a link
that works once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cchc.core.jobs import run_jobs
from cchc.core.sms import MemorySmsBackend
from cchc.portal.models import PortalActivity
from cchc.testing import UserFactory

pytestmark = pytest.mark.django_db

NEW = "mat-khau-moi-2026!"


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    user = UserFactory(username="an.nguyen", email="an@example.vn", phone="0912000222")
    user.set_password("mat-khau-cu-2026!")
    user.save()
    return user


def link_in(text: str) -> str:
    return re.search(r"https?://\S+?/password/reset/\S+?/\S+?/", text).group(0)


def test_a_link_by_e_mail_sets_a_new_password_once(transactional_db, client, person):
    sent = client.post(reverse("portal:password_reset"), {"contact": "AN@example.vn"})
    assert sent.status_code == 302 and sent.url == reverse("portal:password_reset_sent")
    assert mail.outbox == []  # sent by the job, after the request
    assert run_jobs() == 1
    url = link_in(mail.outbox[-1].body)
    assert mail.outbox[-1].to == ["an@example.vn"]

    browser = Client()
    page = browser.get(url, follow=True)
    assert 'name="new_password1"' in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    weak = browser.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert 'aria-invalid="true"' in weak.content.decode()  # the password rules, in Vietnamese
    done = browser.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.check_password("mat-khau-cu-2026!")

    again = Client().get(url, follow=True).content.decode()
    assert 'name="new_password1"' not in again and "không còn dùng được" in again
    actions = list(PortalActivity.objects.values_list("action", flat=True))
    assert "password_reset_requested" in actions and "password_reset_done" in actions


def test_a_link_by_sms_for_a_phone_and_one_link_per_quarter_hour(
    transactional_db, client, person, settings
):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.post(reverse("portal:password_reset"), {"contact": "+84 912 000 222"})
    client.post(reverse("portal:password_reset"), {"contact": "0912000222"})
    run_jobs()
    assert len(MemorySmsBackend.outbox) == 1
    phone, text = MemorySmsBackend.outbox[-1]
    assert phone == "0912000222" and "/password/reset/" in text


def test_the_answer_is_the_same_for_an_address_without_an_account(transactional_db, client, person):
    unknown = client.post(reverse("portal:password_reset"), {"contact": "ai@example.vn"})
    known = Client().post(reverse("portal:password_reset"), {"contact": "an@example.vn"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    run_jobs()
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    empty = client.post(reverse("portal:password_reset"), {"contact": ""})
    assert empty.status_code == 200 and 'aria-invalid="true"' in empty.content.decode()


def test_the_sign_in_page_leads_to_the_forgotten_password_page(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("portal:password_reset") in page
