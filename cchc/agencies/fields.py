"""Form fields that offer agencies, each named as people know it: "Sở Tư pháp (H26.01)"."""

from __future__ import annotations

from typing import Any

from django import forms


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"
