"""The shared diacritics-insensitive search helpers (cchc/core/text.py)."""

from __future__ import annotations

from django.db.models import Q

from cchc.core.text import FoldedTextField, fold, matches_folded


def test_fold_strips_vietnamese_marks_and_case():
    assert fold("  NGÔ  Thị Đào ") == "ngo thi dao"


def test_matches_folded_needs_every_word_and_caps_the_number_of_words():
    assert matches_folded("search_text", "NGÔ Thị") == Q(search_text__contains="ngo") & Q(
        search_text__contains="thi"
    )
    assert matches_folded("search_text", "  ") == Q()
    many = matches_folded("search_text", " ".join(f"w{i}" for i in range(20)))
    assert len(many.children) == 8


def test_folded_field_is_recomputed_when_the_row_is_written():
    class Row:
        code = "ABC-1"
        applicant_name = "Nguyễn Văn Đông"
        search_text = "stale"

    field = FoldedTextField(sources=("code", "applicant_name"))
    field.set_attributes_from_name("search_text")
    row = Row()
    assert field.pre_save(row, add=False) == "abc-1 nguyen van dong"
    assert row.search_text == "abc-1 nguyen van dong"
    name, path, args, kwargs = field.deconstruct()
    assert kwargs == {"sources": ("code", "applicant_name")}
