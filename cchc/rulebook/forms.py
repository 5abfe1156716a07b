"""Forms of the rules screens (Home Affairs). Every value is checked here for shape and by the
services for the rules of the domain (overlaps, dossiers due, versions in use)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cchc.core.fields import date_input
from cchc.core.models import CalendarException
from cchc.rulebook import params as P

Kind = CalendarException.Kind
SWAP = "SWAP"
DATE_WIDGET = date_input()
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class CalendarExceptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Kind.DAY_OFF, _("Additional day off")),
            (Kind.WORKING_DAY, _("Make-up working day")),
            (SWAP, _("Swap: a day off against a make-up working Saturday")),
        ],
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    swap_with = forms.DateField(
        label=_("Make-up working day (for a swap)"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    document_number = forms.CharField(
        label=_("Legal document number"),
        max_length=60,
        help_text=_("e.g. 1234/QĐ-UBND"),
    )
    document_date = forms.DateField(
        label=_("Legal document date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    confirm_dossiers_due = forms.BooleanField(
        label=_("I have seen the dossiers due on that day and confirm the change"),
        required=False,
    )
    seen_dossiers_due = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == SWAP and not data.get("swap_with"):
            self.add_error("swap_with", _("A swap needs the make-up working day."))
        return data

    def confirmed_count(self) -> int | None:
        if self.cleaned_data.get("confirm_dossiers_due"):
            return self.cleaned_data.get("seen_dossiers_due")
        return None


class CancelForm(forms.Form):
    """Cancel one of the province's calendar exceptions."""

    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)
    confirm_dossiers_due = forms.BooleanField(
        label=_("I have seen the dossiers due on that day and confirm the change"),
        required=False,
    )
    seen_dossiers_due = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)


class RuleVersionForm(forms.Form):
    """A new version of one rule, its fields made from the latest version's parameters."""

    version = forms.CharField(
        label=_("Version name"), max_length=40, help_text=_("e.g. 2027 or 2027-01")
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    legal_source = forms.CharField(
        label=_("Legal document (number and date)"),
        max_length=300,
        help_text=_("e.g. Quyết định 1234/QĐ-UBND ngày 01/12/2026"),
    )

    def __init__(self, *args: Any, base_params: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_params = base_params
        self.flat = P.flatten(base_params)
        self.param_paths = [p for p, v in self.flat.items() if P.editable(p, v)]
        for path in self.param_paths:
            self.fields[P.field_name(path)] = P.make_field(path, self.flat[path])
        self.carried = [p for p in self.flat if p not in self.param_paths]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = copy.deepcopy(self.base_params)
        for path in self.param_paths:
            name = P.field_name(path)
            if name not in data:
                continue  # the field's own error is shown
            try:
                P.set_path(new, path, P.clean_value(path, self.flat[path], data[name]))
            except ValidationError as exc:
                self.add_error(name, exc)
        windows = new.get("working_hours")
        if isinstance(windows, list) and "hours_per_day" in new and not self.errors:
            hours = P.window_hours(windows)
            if abs(hours - float(new["hours_per_day"])) > 1e-9:
                self.add_error(
                    "hours_per_day",
                    _(
                        "The working periods add up to %(h)s hours: the hours per day must "
                        "be the same."
                    )
                    % {"h": f"{hours:g}"},
                )
            cutoff = new.get("cutoff")
            if cutoff and not (windows[0][0] < cutoff <= windows[-1][1]):
                self.add_error("cutoff", _("The cut-off must fall within the working day."))
        data["params"] = new
        return data
