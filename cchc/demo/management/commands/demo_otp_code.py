"""Print the current TOTP code of a demo administrator (only the demo's known key):
`demo_otp_code` for `admin`, `demo_otp_code sonoivu`, `demo_otp_code quantri.tuphap`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.demo.management.commands.seed_demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo administrator (default `admin`)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username", nargs="?", default=None)
        parser.add_argument("--username", dest="username_option", default=None)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        username = options["username"] or options["username_option"] or "admin"
        # Only a device carrying the published demo key: never a real administrator's.
        device = TOTPDevice.objects.filter(
            user__username=username, key=DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError("No demo TOTP device: run `manage.py seed_demo` first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
