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


class PublishedFigureForm(forms.Form):
    """A published figure the platform holds no data for (cchc.indices.figures), entered by
    the Department of Home Affairs for one agency and period."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)  # type: ignore[arg-type]
    period = forms.ChoiceField(label=_("Period"))
    counter = forms.ChoiceField(label=_("Figure"))
    value = forms.IntegerField(label=_("Published figure"), min_value=0, max_value=10**9)
    source = forms.CharField(
        label=_("Source (report, document number)"), max_length=300, required=False
    )

    def __init__(
        self, *args: Any, agencies: Any, groups: list[tuple[str, list[Period]]], **kwargs: Any
    ):
        from cchc.indices.figures import ENTERED_COUNTERS
        from cchc.indices.labels import PROCEDURE_COUNTER_LABELS

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (name, [(str(p), p.label) for p in periods]) for name, periods in groups
        ]
        self.fields["counter"].choices = [  # type: ignore[attr-defined]
            (c, PROCEDURE_COUNTER_LABELS[c]) for c in ENTERED_COUNTERS
        ]
