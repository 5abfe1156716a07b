"""Fail when a Vietnamese catalogue has untranslated or fuzzy entries, or when two
catalogues translate the same English text differently.

With GNU gettext installed (CI installs it), every catalogue is first refreshed from the
source with `makemessages`, run inside each app that owns a `locale/` folder (and at the
project root for templates/ and config/), so a new English string without a Vietnamese
translation fails. An app that marks strings for translation but has no catalogue fails too.

Django merges every app's catalogue into one (LOCALE_PATHS first, then the apps in
INSTALLED_APPS order): the same msgid translated two ways shows the first translation on
every page, the other app's meaning lost ("Withdrawn" for a petition once read "Đã bãi bỏ",
the catalogue's word for an abolished procedure). Where the meanings differ, one side needs
a context (pgettext, `{% translate "..." context "..." %}`); where they agree, one wording.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.core.management.commands.compile_translations import catalogues

MARKERS = re.compile(r"gettext|{% ?translate|{% ?blocktranslate|{% ?trans ")


def _makemessages(cwd: Path, *extra: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    # django-admin, not `python -m django`: the latter puts cwd first on sys.path, and
    # cchc/core/calendar.py would shadow the standard library's calendar module.
    cmd = [
        str(Path(sys.executable).parent / "django-admin"),
        "makemessages",
        "-l",
        "vi",
        "--no-obsolete",
        "--no-location",
        "-v",
        "0",
        *extra,
    ]
    subprocess.run(cmd, cwd=cwd, env=env, check=True)


def _content(po_path: Path) -> set[tuple]:
    """What a catalogue says, without its header dates, source references or entry order."""
    if not po_path.exists():
        return set()
    return {
        (
            e.msgctxt,
            e.msgid,
            e.msgid_plural,
            e.msgstr,
            tuple(sorted(e.msgstr_plural.items())),
            tuple(sorted(e.flags)),
        )
        for e in polib.pofile(str(po_path))
        if not e.obsolete
    }


def _refresh(cwd: Path, *extra: str) -> None:
    """Run makemessages, but leave a catalogue byte-for-byte as it was when only its
    creation date, references or order would change: the check must not churn every .po
    file in every commit (and in every merge)."""
    before = {p: (p.read_bytes(), _content(p)) for p in cwd.glob("locale/*/LC_MESSAGES/django.po")}
    _makemessages(cwd, *extra)
    for path, (raw, content) in before.items():
        if path.exists() and _content(path) == content:
            path.write_bytes(raw)


def _owner(po_path: Path) -> str:
    """The app a catalogue belongs to (…/cchc/<app>/locale/vi/LC_MESSAGES/django.po), or
    the project's own (LOCALE_PATHS)."""
    parts = po_path.parts
    return parts[-5] if len(parts) > 5 and parts[-6] == "cchc" else "locale"


def collisions(paths: list[Path]) -> list[str]:
    """The (context, msgid) pairs that two catalogues translate differently."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in paths:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.msgstr:
                continue
            seen.setdefault((entry.msgctxt, entry.msgid), {})[str(po_path)] = entry.msgstr
    out = []
    for (context, msgid), where in sorted(seen.items(), key=lambda kv: kv[0][1]):
        if len(set(where.values())) > 1:
            said = "; ".join(f"{_owner(Path(p))}: {t!r}" for p, t in where.items())
            label = f"{msgid!r}" + (f" (context {context!r})" if context else "")
            out.append(f"{label} is translated differently: {said}")
    return out


def _uses_translation(app: Path) -> bool:
    for path in app.rglob("*"):
        if (
            path.suffix in (".py", ".html", ".txt")
            and "tests" not in path.parts
            and "migrations" not in path.parts
        ):
            if MARKERS.search(path.read_text(encoding="utf-8", errors="ignore")):
                return True
    return False


class Command(BaseCommand):
    help = "Check that the Vietnamese translation is complete."

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        problems = []
        for app in sorted(p for p in (root / "cchc").iterdir() if (p / "apps.py").exists()):
            if not (app / "locale").is_dir() and _uses_translation(app):
                problems.append(
                    f"{app.relative_to(root)}: marks strings for translation but has no locale/ catalogue"
                )
        if shutil.which("xgettext"):
            for app in sorted(p for p in (root / "cchc").iterdir() if (p / "locale").is_dir()):
                _refresh(app)
            _refresh(
                root,
                "-i",
                "cchc",
                "-i",
                ".venv",
                "-i",
                "var",
                "-i",
                "bench",
                "-i",
                "static",
                "-i",
                "node_modules",
                "-i",
                "test-artifacts",
            )
        else:
            self.stdout.write("xgettext not installed: checking the committed catalogues only")
        vietnamese = [p for p in catalogues() if "/vi/" in str(p)]
        problems += collisions(vietnamese)
        for po_path in vietnamese:
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(f"{po_path}: fuzzy: {entry.msgid!r}")
                elif not entry.translated():
                    problems.append(f"{po_path}: untranslated: {entry.msgid!r}")
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} Vietnamese translation problem(s)")
        self.stdout.write("Vietnamese translation complete")
