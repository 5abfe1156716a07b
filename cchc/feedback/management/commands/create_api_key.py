"""Issue an Open311 API key. The key is printed once, on the last line; only its hash is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cchc.feedback.models import Open311Client
from cchc.feedback.open311_clients import issue_key


class Command(BaseCommand):
    help = "Create an Open311 API key for a client system and print it (last line)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="name of the client system, e.g. 'Hanoi SmartCity app'")
        parser.add_argument("--contact", default="", help="who to call about this client")

    def handle(self, *args, name: str, contact: str, **options):
        name = name.strip()
        if not name:
            raise CommandError("NAME must not be empty.")
        if Open311Client.objects.filter(name=name).exists():
            raise CommandError(
                f"An API key named {name!r} already exists; revoke it in the admin or pick another name."
            )
        client, raw = issue_key(name=name, contact=contact)
        self.stdout.write(
            f"Open311 API key for {client.name} (store it now, it is not shown again):"
        )
        self.stdout.write(raw)
