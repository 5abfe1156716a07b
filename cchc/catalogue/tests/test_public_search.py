"""A citizen searching the public catalogue types the words as they write them: with or
without accents, and with either spelling of a closed i/y syllable ("đăng kí" / "đăng ký")."""

from __future__ import annotations

import pytest
from django.test import Client

from cchc.catalogue.models import Procedure, i_or_y


def test_the_other_spelling_of_i_and_y_syllables_only():
    assert i_or_y("dang ki khai sinh") == "dang ky khai sinh"
    assert i_or_y("quan ly dat dai") == "quan li dat dai"
    assert i_or_y("qui hoach") == "quy hoach"
    # i and y inside a word, and the code of a procedure, stay as they are
    assert i_or_y("ho tich kinh doanh 2.000001") == "ho tich kinh doanh 2.000001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["đăng kí khai sinh", "dang ki khai sinh", "ĐĂNG KÝ KHAI SINH", "dang ky"]
)
def test_a_citizen_finds_the_procedure_whichever_spelling_they_type(cast, typed):
    assert cast.procedure.name == "Thủ tục đăng ký khai sinh"
    assert list(Procedure.objects.search(typed)) == [cast.procedure]
    page = Client().get("/procedures/", {"q": typed}).content.decode()
    assert f"/procedures/{cast.procedure.code}/" in page


@pytest.mark.django_db
def test_the_other_spelling_does_not_widen_the_search_beyond_its_words(cast):
    assert not Procedure.objects.search("dang ki ket hon").exists()
