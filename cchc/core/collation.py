"""Vietnamese alphabetical order (thứ tự chữ cái tiếng Việt) for lists of names.

The database orders "Đặng" after "Vũ" (Đ is U+0110, past every Latin letter) and ignores
that ă, â come after a. `vietnamese_sort_key` spells a text as digits in the order of the
Vietnamese alphabet, a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y
(z), then the tones (none, huyền, hỏi, ngã, sắc, nặng) of the letters as a second level, so
"Đặng Văn Tú" sorts right after every "D…" and before "E…". Made only of digits, the key
orders the same under any database collation; `VietnameseSortKeyField` keeps it as a column
the rows are ordered by (cchc/core/text.py folds for search; this orders).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models

from cchc.core.db import DerivedColumn

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# combining marks that make a letter of its own (ă â ê ô ơ ư) and those that are tones
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
WORD_BREAK = "00"  # before every letter (10 and up) and digit (01-10): shorter words first


def vietnamese_sort_key(text: str | None) -> str:
    primary: list[str] = []
    tones: list[str] = []
    text = unicodedata.normalize("NFC", (text or "").strip().lower()).replace("ð", "đ")
    for char in text:  # ð: the Icelandic eth some keyboards give for đ
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in LETTER_MARKS))
        if letter in ALPHABET:
            primary.append(f"{ALPHABET.index(letter) + 11:02d}")
            tones.append(str(next((TONES[m] for m in marks if m in TONES), 0)))
        elif letter.isdigit() and letter.isascii():
            primary.append(f"{int(letter) + 1:02d}")
        elif primary and primary[-1] != WORD_BREAK and (letter.isspace() or letter in "-_."):
            primary.append(WORD_BREAK)
        # other signs (brackets, commas) do not count
    while primary and primary[-1] == WORD_BREAK:
        primary.pop()
    return "".join(primary) + WORD_BREAK + "".join(tones)


class VietnameseSortKeyField(DerivedColumn, models.TextField):  # type: ignore[type-arg]
    """The `vietnamese_sort_key` of another field of the row, computed whenever it is written."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def derive(self, model_instance: Any) -> str:
        return vietnamese_sort_key(getattr(model_instance, self.source))
