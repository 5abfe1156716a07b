"""Form widgets and fields every app's forms share, written once: a date picker that always
sends ISO dates, and several files in one input (Django's documented pattern for
`allow_multiple_selected`, with empty parts dropped and `required` honoured)."""

from __future__ import annotations

from typing import Any

from django import forms


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
