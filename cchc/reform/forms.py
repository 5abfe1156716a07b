"""Forms of the PAR INDEX pages. They only parse and check the shape of the input (numbers,
dates, required fields) with Django's Vietnamese messages; the services decide the rest (a
score above the node's maximum, evidence rules, transitions)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _decimal(**kw: Any) -> forms.DecimalField:
    """A score: a non-negative number, a decimal comma accepted (Vietnamese writing)."""
    return forms.DecimalField(
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kw,
    )


class ScoreForm(forms.Form):
    """The unit's self score of a sub-criterion and its explanation."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    score = _decimal(label=_("Self score"), required=False)
    explanation = forms.CharField(
        label=_("Explanation (required without evidence)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )


class EvidenceForm(forms.Form):
    """A document of a competent authority as evidence: its number, issuer, date, and a new
    file or one the unit has already uploaded."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    doc_number = forms.CharField(label=_("Document number"), max_length=100)
    issuer = forms.CharField(label=_("Issuer"), max_length=300)
    doc_date = forms.DateField(label=_("Document date"), widget=DATE)
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    file_id = forms.TypedChoiceField(
        label=_("or reuse an uploaded file"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, files_choices: Sequence[tuple[Any, str]] = (), **kw: Any
    ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)
        self.fields["file_id"].choices = [("", "—"), *files_choices]  # type: ignore[attr-defined]
        if not files_choices:
            self.fields["file_id"].widget = forms.HiddenInput()


class DeadlineForm(forms.Form):
    """The submission deadline of a template (empty: no deadline)."""

    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ProgressFilterForm(forms.Form):
    """Filters of the submission progress page."""

    q = forms.CharField(
        label=_("Unit code or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, statuses: Sequence[tuple[str, Any]] = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]  # type: ignore[attr-defined]


class AppraiseForm(forms.Form):
    """An appraiser's decision on one item: accept, or adjust with a score and a reason."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    score = _decimal(label=_("Appraised score"), required=False)
    comment = forms.CharField(label=_("Reason for the adjustment"), required=False, max_length=2000)


class WhatIfForm(forms.Form):
    """What-if on the unit page: a platform figure in percent and/or chosen leaf scores; one
    field per leaf (v_<code>), bounded by the leaf's maximum. Nothing is saved."""

    whatif = forms.CharField(widget=forms.HiddenInput, initial="1")
    metric = forms.ChoiceField(label=_("Platform measure"), required=False)
    metric_value = forms.DecimalField(
        label=_("New figure (percent)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("e.g. 80")}),
    )

    def __init__(
        self, *args: Any, leaves: Sequence[Any] = (), measures: Sequence[str] = (), **kw: Any
    ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)
        self.fields["metric"].choices = [("", "—"), *((m, m) for m in measures)]  # type: ignore[attr-defined]
        if not measures:
            del self.fields["metric"], self.fields["metric_value"]
        self.leaf_fields = []
        for n in leaves:
            if n.is_survey:
                continue
            name = f"v_{n.code}"
            self.fields[name] = _decimal(
                label=_("%(code)s (at most %(max)s)") % {"code": n.code, "max": n.max_points},
                required=False,
                max_value=n.max_points,
            )
            self.leaf_fields.append((n, name))

    def leaf_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for _n, name in self.leaf_fields]

    def changes(self) -> dict[str, float]:
        """The leaf scores to try (code -> points), from a valid form."""
        return {
            n.code: float(self.cleaned_data[name])
            for n, name in self.leaf_fields
            if self.cleaned_data.get(name) is not None
        }
