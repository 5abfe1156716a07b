"""Form widgets several apps use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UnitChecklist(forms.CheckboxSelectMultiple):
    """Several units among the province's (52 or more): checkboxes in a scrolling box with a
    filter box above it (`core/widgets/unit_checklist.html`, static/cchc/ui.js), instead of a
    multiple select that takes a Ctrl-click for each unit and loses every choice on a plain
    click; without script the ticks still work. Used by plans (a task's units) and surveys (a
    campaign's units)."""

    template_name = "core/widgets/unit_checklist.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = _("Type a few letters of the name")
        context["widget"]["chosen_label"] = _("Chosen")
        return context
