"""The choice of agency and dates for the dossier log book (form 07)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from cchc.core.fields import date_input


class LogbookForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]


class RegisterForm(forms.Form):
    """Which book of the reception register to read: the agency, the year, a search."""

    agency = forms.ChoiceField(label=_("Agency"))
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        error_messages={"invalid": _("Enter the year as a number, for example 2026.")},
    )
    q = forms.CharField(label=_("Dossier code or applicant name"), required=False, max_length=100)

    def __init__(self, *args: Any, agencies: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]
        year = self.fields["year"]
        year.max_value = this_year
        year.validators.append(
            MaxValueValidator(
                this_year,
                message=_("A year still to come has no book yet (at most %(limit_value)s)."),
            )
        )
        year.widget.attrs["max"] = this_year
