"""Home Affairs' forms for the province's agencies: shape only; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
