"""Sign-in with the e-mail or phone number of an account (issue 12 point 6).

Accounts made by sign-up have a user name derived from a keyed hash
(`cchc.accounts.models.contact_username`), and their e-mail and phone are encrypted, so the
user name column no longer holds the address a citizen signs in with. This backend, after
Django's `ModelBackend` (user names, staff), finds the one active account whose e-mail or
phone hash matches what was typed and checks the password as `ModelBackend` does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from cchc.accounts.models import User, users_by_contact


class ContactBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        matching = users_by_contact(username)
        if not matching.query.is_empty():
            found = list(matching.filter(is_active=True).order_by("pk")[:2])
        else:
            return None  # neither an e-mail nor a phone number: ModelBackend answered
        if len(found) != 1:
            # none, or one address shared by two accounts: only the user name can tell
            User().set_password(password)  # the same work as a check (timing)
            return None
        user = found[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
