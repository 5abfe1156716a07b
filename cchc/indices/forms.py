"""The period picker of the index pages (a <select>, submitted with a plain GET form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.indices.periods import Period


class PeriodPickerForm(forms.Form):
    """Choose a period among those the index can report on (`views.period_choices`): never a
    typed string. Rendered by the project's field template (label, select)."""

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(
        self,
        groups: list[tuple[str, list[Period]]],
        shown: Period | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("auto_id", "period-picker-%s")
        super().__init__(**kwargs)
        field = self.fields["period"]
        field.choices = [(name, [(str(p), p.label) for p in periods]) for name, periods in groups]  # type: ignore[attr-defined]
        if shown is not None:
            self.initial["period"] = str(shown)
