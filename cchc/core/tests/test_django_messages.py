"""Django's own messages read as Vietnamese sentences (cchc/core/django_messages.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


def _messages(check, value) -> list[str]:  # type: ignore[no-untyped-def]
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        check(value)
    return caught.value.messages


def test_a_short_password_is_refused_in_vietnamese(db) -> None:
    said = _messages(validate_password, "cchcdemo")
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in said
    assert not any("too short" in m for m in said)


def test_range_and_length_messages_end_without_a_stray_space() -> None:
    assert _messages(forms.IntegerField(max_value=100).clean, "150") == [
        "Giá trị phải nhỏ hơn hoặc bằng 100."
    ]
    assert _messages(forms.IntegerField(min_value=0).clean, "-1") == [
        "Giá trị phải lớn hơn hoặc bằng 0."
    ]
    assert _messages(forms.CharField(max_length=5).clean, "abcdefgh") == [
        "Tối đa 5 ký tự (đã nhập 8)."
    ]
