"""The appraisal team is "tổ thẩm định" and its chair "tổ trưởng tổ thẩm định" on every page:
the explanation round's notices said "Đoàn thẩm định" and "Trưởng đoàn thẩm định", so a unit
read of two bodies where there is one."""

from __future__ import annotations

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_the_appraisal_team_has_one_name():
    other_name = [
        entry.msgid
        for entry in polib.pofile(str(CATALOGUE))
        if re.search(r"đoàn thẩm định", entry.msgstr, re.IGNORECASE)
    ]
    assert other_name == []
