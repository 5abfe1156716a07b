"""The form fields every app shares (cchc/core/fields.py)."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from cchc.core.fields import MultipleFileField, date_input


class Upload(forms.Form):
    files = MultipleFileField(label="Tệp", accept=".pdf", capture=True)  # type: ignore[assignment]
    extra = MultipleFileField(label="Thêm", required=False)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


def test_several_files_come_back_as_a_list_and_empty_parts_are_dropped() -> None:
    form = Upload(data={}, files=MultiValueDict({"files": [_pdf("a.pdf"), _pdf("b.pdf")]}))
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.pdf"]
    assert form.cleaned_data["extra"] == []


def test_a_required_input_left_empty_says_so_in_vietnamese() -> None:
    with translation.override("vi"):
        form = Upload(data={}, files=MultiValueDict())
        assert not form.is_valid()
        assert form.errors["files"] == ["Trường này là bắt buộc."]


def test_the_input_takes_several_files_of_the_kinds_asked_for_and_the_camera() -> None:
    html = str(Upload()["files"])
    assert "multiple" in html and 'accept=".pdf"' in html and 'capture="environment"' in html
    assert "capture" not in str(Upload()["extra"])


def test_a_date_picker_value_is_iso_whatever_the_language() -> None:
    class Day(forms.Form):
        day = forms.DateField(widget=date_input())

    with translation.override("vi"):
        html = str(Day(initial={"day": datetime.date(2027, 1, 5)})["day"])
    assert 'type="date"' in html and 'value="2027-01-05"' in html


def test_a_phone_number_is_kept_as_its_digits_and_a_short_one_refused() -> None:
    from cchc.core.fields import PhoneField

    field = PhoneField(required=False)
    assert field.clean("0912 345 678") == "0912345678"
    assert field.clean("+84 24 3825.1234") == "02438251234"
    assert field.clean("") == ""
    with translation.override("vi"):
        for bad in ("0901", "09a2345678", "0912 345 678 901 23"):
            with pytest.raises(forms.ValidationError) as caught:
                field.clean(bad)
            assert caught.value.messages == [
                "Số điện thoại gồm 9 đến 12 chữ số, ví dụ 0912 345 678."
            ]
