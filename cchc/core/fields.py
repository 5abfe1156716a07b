"""Form widgets and fields every app's forms share, written once: a date picker that always
sends ISO dates, a phone number, and several files in one input (Django's documented pattern for
`allow_multiple_selected`, with empty parts dropped and `required` honoured)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def date_input(**attrs: Any) -> forms.DateInput:
    """The browser's date picker: `type=date` reads and writes YYYY-MM-DD whatever the
    page's language, so the value is rendered in that format, never the locale's."""
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; `accept` narrows the picker to the kinds the upload check
    takes (cchc/core/uploads.py still checks each file's signature), `capture` lets a phone
    take the picture with its camera."""

    def __init__(self, *args: Any, accept: str = "", capture: bool = False, **kwargs: Any) -> None:
        attrs = {"accept": accept} if accept else {}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        parts = data if isinstance(data, list | tuple) else [data]
        files = [part for part in parts if part]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        return [single(item, initial) for item in files]


class PhoneField(forms.CharField):
    """A Vietnamese phone number, mobile or fixed line, as people type it ("0912 345 678",
    "+84 24 3825 1234"): kept as its digits with the leading 0 (9 to 12 of them)."""

    default_error_messages = {
        "invalid": _("A phone number has 9 to 12 digits, e.g. 0912 345 678."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        digits = re.sub(r"[\s.()\-]", "", text)
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        elif digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        if not re.fullmatch(r"\d{9,12}", digits):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return digits
