"""Compile every Vietnamese/English .po catalogue to .mo with polib (no GNU gettext needed,
so `make demo` works on a machine with nothing but Python)."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = list(root.glob("cchc/*/locale/*/LC_MESSAGES/*.po")) + list(
        root.glob("locale/*/LC_MESSAGES/*.po")
    )
    return sorted(found)


class Command(BaseCommand):
    help = "Compile translation catalogues (.po -> .mo)."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
