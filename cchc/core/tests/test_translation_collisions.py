"""Django merges the apps' catalogues into one: a msgid two apps translate differently
shows the first app's words on every page. check_translations refuses it."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

from cchc.core.management.commands.check_translations import collisions
from cchc.core.management.commands.compile_translations import catalogues


def _catalogue(root: Path, app: str, entries: list[polib.POEntry]) -> Path:
    path = root / "cchc" / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    po.save(str(path))
    return path


def test_one_msgid_two_translations_is_reported_and_a_context_separates_them(tmp_path):
    catalogue = _catalogue(
        tmp_path, "catalogue", [polib.POEntry(msgid="Withdrawn", msgstr="Đã bãi bỏ")]
    )
    feedback = _catalogue(
        tmp_path,
        "feedback",
        [
            polib.POEntry(msgid="Withdrawn", msgstr="Đã rút"),
            polib.POEntry(msgid="Search", msgstr="Tìm kiếm"),
        ],
    )
    plans = _catalogue(tmp_path, "plans", [polib.POEntry(msgid="Search", msgstr="Tìm kiếm")])
    found = collisions([catalogue, feedback, plans])
    assert found == [
        "'Withdrawn' is translated differently: catalogue: 'Đã bãi bỏ'; feedback: 'Đã rút'"
    ]
    with_context = _catalogue(
        tmp_path,
        "portal",
        [polib.POEntry(msgctxt="a procedure", msgid="Withdrawn", msgstr="Đã bãi bỏ")],
    )
    assert collisions([feedback, plans, with_context]) == []


def test_the_committed_catalogues_agree():
    assert collisions([p for p in catalogues() if "/vi/" in str(p)]) == []


def test_every_translation_of_ours_is_the_one_a_page_shows():
    """Django's own apps come first in INSTALLED_APPS and their catalogues then win over
    ours: "History" read "Bản ghi nhớ" (admin's word), "version" stayed English (auth's).
    Each entry of our catalogues must be what gettext answers in Vietnamese."""
    wrong = []
    with translation.override("vi"):
        for path in catalogues():
            if "/vi/" not in str(path):
                continue
            for entry in polib.pofile(str(path)):
                if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                    continue
                if entry.msgid_plural:
                    shown = (
                        translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                        if entry.msgctxt
                        else translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                    )
                    meant = entry.msgstr_plural[0]
                else:
                    shown = (
                        translation.pgettext(entry.msgctxt, entry.msgid)
                        if entry.msgctxt
                        else translation.gettext(entry.msgid)
                    )
                    meant = entry.msgstr
                if shown != meant:
                    wrong.append(
                        f"{path.parts[-5]}: {entry.msgid!r} shows {shown!r}, not {meant!r}"
                    )
    assert wrong == []
