"""The one-time link to set a password: for a forgotten password (cchc/portal/password.py)
and for a new staff account (cchc/accounts/services.py).

The job writes the link when it runs, with a token made then: no token is ever stored.
Django's token generator ties the token to the password and the last sign-in, so a link
works once and stops working when the password changes; it expires after
settings.PASSWORD_RESET_TIMEOUT. A retry sends a link again, which does no harm.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core.jobs import job


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


@job(max_attempts=4)
def send_set_password_link(user_id: int, channel: str, new_account: bool = False) -> None:
    """Send the link to the account's own e-mail ("email") or phone ("sms")."""
    from cchc.core import sms  # the SMS channel (its gateway settings live there)

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    values = {
        "url": set_password_link(user),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "username": user.get_username(),
    }
    if new_account:
        text = (
            _(
                "CCHC: an account %(username)s was opened for you. Set its password at %(url)s "
                "(valid %(minutes)s minutes)."
            )
            % values
        )
    else:
        text = (
            _(
                "CCHC: to set a new password for your account, open %(url)s (valid %(minutes)s "
                "minutes). If you did not ask for it, ignore this message."
            )
            % values
        )
    if channel == "sms" and user.phone:
        sms.send_sms(user.phone, text)
    elif channel == "email" and user.email:
        send_mail(_("Set a new password"), text, None, [user.email])


@job(max_attempts=4)
def send_contact_change_notice(user_id: int, old_email: str, old_phone: str) -> None:
    """Tell the e-mail and phone an account had (encrypted, cchc.core.personal) that its contact details were changed
    (accounts.services.change_own_contacts). A retry may send it twice, which does no harm."""
    from cchc.core import sms
    from cchc.core.personal import decrypt

    if not User.objects.filter(pk=user_id).exists():
        return
    old_email, old_phone = decrypt(old_email), decrypt(old_phone)
    text = _(
        "CCHC: the contact details of your account were changed. If you did not do it, "
        "contact the office or reset your password."
    )
    if old_email:
        send_mail(_("Your CCHC account"), text, None, [old_email])
    if old_phone:
        sms.send_sms(old_phone, text)


@job(max_attempts=4)
def send_signup_attempt_notice(user_id: int) -> None:
    """Tell an account's owner that someone tried to sign up with its e-mail, phone, citizen
    ID or tax code (portal.services.start_signup). Sent by the job runner, never in the
    request: a sign-up with registered details must answer as fast as a new one (a notice
    sent in the request made the answer slower exactly when the details were taken)."""
    from cchc.core import sms

    owner = User.objects.filter(pk=user_id).first()
    if owner is None:
        return
    if owner.is_organisation:
        text = _(
            "Someone tried to create a CCHC account with the e-mail, phone or tax code of "
            "your organisation's account. If it was you, you already have an account: sign "
            "in, or reset your password. Otherwise you can ignore this message."
        )
    else:
        text = _(
            "Someone tried to create a CCHC account with your e-mail, phone or citizen ID. "
            "If it was you, you already have an account: sign in, or reset your password. "
            "Otherwise you can ignore this message."
        )
    if owner.email:
        send_mail(_("CCHC account"), text, None, [owner.email])
    elif owner.phone:
        sms.send_sms(owner.phone, text)


@job(max_attempts=4)
def send_contact_code(change_id: int, code: str) -> None:
    """The contact-change code's job before the one mechanism (accounts.codes): kept so the
    jobs queued before the release still send their code. Remove it a release later."""
    from cchc.accounts.codes import deliver

    deliver("accounts.ContactChange", change_id, code)
