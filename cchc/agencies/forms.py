"""Home Affairs' forms for the province's agencies: shape only; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.agencies import hours
from cchc.agencies.fields import AgencyChoice
from cchc.agencies.models import Agency, RankingGroup
from cchc.core.fields import date_input

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
REASON_HELP = _("The decision and why, e.g. Nghị quyết 1656/NQ-UBTVQH15 (16/06/2025)")


class AgencyChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    group = forms.ModelChoiceField(
        label=_("Ranking group"), queryset=RankingGroup.objects.all(), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)


class AgencyMergeForm(forms.Form):
    successor = AgencyChoice(label=_("Successor agency"), queryset=Agency.objects.none())
    effective_from = forms.DateField(
        label=_("Merged from"),
        widget=date_input(),
        input_formats=DATE_FORMATS,
        help_text=_("The first day on which the successor carries on the agency's work."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        # its own ids: it shares the page with the change form (both have a reason)
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["successor"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.current().in_province(agency.province_code).exclude(pk=agency.pk)
        )


class ReceptionHoursForm(forms.Form):
    """A morning and an afternoon period for each weekday (both ends empty: no period), and a
    note. Shape only: `hours.checked` (through the service) checks the periods."""

    note = forms.CharField(
        label=_("Note for citizens"),
        max_length=300,
        required=False,
        help_text=_("e.g. Nghỉ các ngày lễ, Tết theo quy định"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = {"start": _("from"), "end": _("to")}
        for weekday in range(7):
            for slot in hours.SLOTS:
                for part in ("start", "end"):
                    self.fields[hours.field_name(weekday, slot, part)] = forms.TimeField(
                        label=labels[part],
                        required=False,
                        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"],
                        # text, not type=time: a browser shows a time input in its own
                        # locale's 12-hour form ("01:30 PM"), not the 13:30 on the notice
                        widget=forms.TimeInput(
                            attrs={
                                "inputmode": "numeric",
                                "placeholder": "hh:mm",
                                "size": 5,
                                "maxlength": 5,
                                "autocomplete": "off",
                            },
                            format="%H:%M",
                        ),
                    )

    @staticmethod
    def initial_for(periods: list[hours.Period], note: str) -> dict[str, object]:
        initial: dict[str, object] = {"note": note}
        for weekday in range(7):
            day = [p for p in periods if p.weekday == weekday]
            for slot, period in zip(hours.SLOTS, day, strict=False):
                initial[hours.field_name(weekday, slot, "start")] = period.start
                initial[hours.field_name(weekday, slot, "end")] = period.end
        return initial

    def days(self) -> list[tuple[object, list[list[forms.BoundField]]]]:
        """The rows of the form's grid: a weekday, and its periods' bound fields."""
        return [
            (
                hours.WEEKDAYS[weekday],
                [
                    [self[hours.field_name(weekday, slot, part)] for part in ("start", "end")]
                    for slot in hours.SLOTS
                ],
            )
            for weekday in range(7)
        ]

    def entered(self) -> dict[tuple[int, str], tuple[object, object]]:
        data = self.cleaned_data
        return {
            (weekday, slot): (
                data.get(hours.field_name(weekday, slot, "start")),
                data.get(hours.field_name(weekday, slot, "end")),
            )
            for weekday in range(7)
            for slot in hours.SLOTS
        }
