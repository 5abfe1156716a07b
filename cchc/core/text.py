"""Text helpers: diacritics-insensitive folding for Vietnamese search."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models
from django.db.models import Q

from cchc.core.db import DerivedColumn

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (incl. đ/Đ) and collapse whitespace.

    "Thủ tục Hộ tịch" -> "thu tuc ho tich", so a query typed without accents matches.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def matches_folded(field: str, query: str | None, max_words: int = 8) -> Q:
    """A filter on a column holding `fold`ed text: every word of the query, folded, must
    occur in it. "nguyen" and "NGÔ THỊ" find "Nguyễn" and "Ngô Thị" in the same way in the
    catalogue, the work queues, petitions and plans. At most `max_words` words (a pasted
    paragraph is not turned into a hundred LIKE clauses)."""
    condition = Q()
    for word in fold(query).split()[:max_words]:
        condition &= Q(**{f"{field}__contains": word})
    return condition


class FoldedTextField(DerivedColumn, models.TextField):  # type: ignore[type-arg]
    """A search column kept equal to `fold` of other fields of the row, computed when the
    row is written (`pre_save` runs for save, create, bulk_create and the project's row
    inserts), so no write path has to remember it."""

    def __init__(self, *args: Any, sources: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        return name, path, args, kwargs

    def derive(self, model_instance: Any) -> str:
        return fold(" ".join(str(getattr(model_instance, s) or "") for s in self.sources))


def thousands(amount: int) -> str:
    """A whole number grouped the Vietnamese way: 1500000 -> "1.500.000". Django's Vietnamese
    number format groups no digits, so `intcomma` printed "1500000"; every page, form and
    history line that writes đồng goes through here."""
    return f"{int(amount):,}".replace(",", ".")
