"""Issue an API token for a user: `manage.py create_api_token USERNAME NAME`.

The secret is shown once, on the last line of the output; only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a bearer token for /api/v1/ (printed once, on the last line)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 'portal sync'")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active.")
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("NAME must be 1 to 100 characters.")
        token, raw = ApiToken.issue(user, name)
        self.stdout.write(
            f"Token {token.name!r} for {user.username} (prefix {token.prefix}); store it now, it is not shown again:"
        )
        self.stdout.write(raw)
