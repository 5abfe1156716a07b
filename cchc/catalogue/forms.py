"""Forms of the catalogue editor. They only parse input; `services` validates and writes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from cchc.agencies.models import Agency
from cchc.catalogue.models import Field, OnlineLevel, Procedure, RequiredDocument
from cchc.catalogue.services import EDITABLE_FIELDS
from cchc.core.fields import date_input
from cchc.core.text import thousands

# An amount of đồng as people type it: "50000", "50.000", "1.500.000", "50 000", "50,000",
# optionally followed by "đ", "đồng" or "VND". Dots, commas and spaces are thousands
# separators only when they group the digits by three; anything else ("50.5", "50,50") is
# refused rather than guessed (Django's IntegerField reads "50.000" as 50).
_VND_RE = re.compile(r"(\d{1,3}(?:[.,\s]\d{3})+|\d+)")
_VND_SUFFIX_RE = re.compile(r"\s*(?:đ|đồng|vnd|vnđ)\.?$", re.IGNORECASE)


class VndAmountField(forms.Field):
    """A fee or charge in whole đồng, written the Vietnamese way ("50.000") or plainly."""

    default_error_messages = {
        "invalid": _("Enter the amount in whole đồng, e.g. 50.000 or 50000."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 30})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # shown back with dots between thousands, as the record page prints it
        if isinstance(value, int) and not isinstance(value, bool):
            return thousands(value)
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = _VND_SUFFIX_RE.sub("", str(value if value is not None else "").strip())
        if not text:
            return None
        if not _VND_RE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"[.,\s]", "", text))


class ProcedureForm(forms.ModelForm):
    # when the editor was opened (the record's updated_at), so that a save over someone
    # else's newer changes is refused (cchc.catalogue.services.update_procedure)
    loaded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    fee_amount = VndAmountField(label=_("fee (phí), VND"), required=False)
    charge_amount = VndAmountField(label=_("charge (lệ phí), VND"), required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("implementing agencies"),
        queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Procedure
        fields = [*EDITABLE_FIELDS]
        widgets = {
            "valid_from": date_input(),
            "valid_to": date_input(),
            "announced_on": date_input(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "fee_legal_basis",
                    "result_description",
                    "submission_means",
                    "steps_description",
                    "conditions",
                    "receiving_address",
                    "legal_basis",
                )
            },
        }

    def __init__(self, *args: Any, province_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Agency.objects.current()
        if province_code:
            qs = qs.in_province(province_code)
        self.fields["agencies"].queryset = qs.order_by("code")
        for name, default in (
            ("fee_amount", 0),
            ("charge_amount", 0),
            ("processing_time", 0),
            ("number_of_copies", 1),
        ):
            self.fields[name].required = False
            self.fields[name].initial = default
        # said next to the field together with the form's other errors (the service's own
        # check only reports the first problem it meets)
        self.fields["processing_time"].validators.append(MinValueValidator(0))
        # "0,5" (half a day) as written in Vietnamese as well as "0.5"; shown back as "15",
        # not "15,00"
        self.fields["processing_time"].localize = True
        self.fields["processing_time"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["processing_time"].widget.is_localized = True
        if self.instance.pk:
            self.initial["loaded_at"] = self.instance.updated_at
            self.initial["processing_time"] = Decimal(self.instance.processing_time).normalize()
        if self.instance.pk:
            self.fields["agencies"].initial = list(
                self.instance.agencies.values_list("pk", flat=True)
            )

        if self.instance.pk and self.instance.is_published:
            # a published procedure is amended by a new decision of the province; the service
            # checks the number and the date (cchc.catalogue.services.update_procedure)
            self.fields["decision"] = forms.CharField(
                label=_("amending decision (number)"),
                max_length=60,
                required=False,
                help_text=_("The decision that amends the published procedure, e.g. 1234/QĐ-UBND"),
            )
            self.fields["decided_on"] = forms.DateField(
                label=_("amending decision (date signed)"), required=False, widget=date_input()
            )
            self.fields["effective_from"] = forms.DateField(
                label=_("in force from"),
                required=False,
                widget=date_input(),
                help_text=_("The day the decision takes effect, if later than today"),
            )
            self.order_fields(["decision", "decided_on", "effective_from"])

    def amending_decision(self) -> dict[str, Any]:
        """The amending decision typed for a published procedure, for the service."""
        if "decision" not in self.fields:
            return {}
        return {
            "decision": self.cleaned_data.get("decision") or "",
            "decided_on": self.cleaned_data.get("decided_on"),
            "effective_from": self.cleaned_data.get("effective_from"),
        }

    def validate_unique(self) -> None:
        """Uniqueness is checked by the service, with its own message."""

    def _post_clean(self) -> None:
        # Do not copy values onto the instance: only the service writes the procedure.
        pass

    def record(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data
        }
        for name, default in (
            ("fee_amount", 0),
            ("charge_amount", 0),
            ("processing_time", 0),
            ("number_of_copies", 1),
        ):
            if data.get(name) is None:
                data[name] = default
        return data


class RequiredDocumentForm(forms.ModelForm):
    """One dossier component in the editor, with its blank form (checked by the service)."""

    template = forms.FileField(
        label=_("template file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    clear_template = forms.BooleanField(label=_("remove the template file"), required=False)

    class Meta:
        model = RequiredDocument
        fields = ("name", "copies", "mandatory", "form_name")


DocumentFormSet = inlineformset_factory(
    Procedure,
    RequiredDocument,
    form=RequiredDocumentForm,
    fields=("name", "copies", "mandatory", "form_name"),
    extra=2,
    can_delete=True,
)


class StepForm(forms.Form):
    name = forms.CharField(label=_("step"), max_length=300)
    agency = forms.ModelChoiceField(
        label=_("agency"),
        queryset=Agency.objects.all(),
        required=False,
        help_text=_("empty: the competent agency of the dossier"),
    )
    working_hours = forms.DecimalField(
        label=_("working hours"),
        min_value=0.25,
        max_digits=7,
        decimal_places=2,
        localize=True,  # "1,5" as well as "1.5"
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, kept_agencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # agencies in force today (a merged ward is no longer offered), and those the saved
        # steps already name (`kept_agencies`, ids), so the procedure can be saved as it is
        agencies = Agency.objects.current()
        if kept_agencies:
            agencies = agencies | Agency.objects.filter(pk__in=list(kept_agencies))
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]


StepFormSet = formset_factory(StepForm, extra=2, can_delete=True)


def documents_from(formset: Any) -> list[dict[str, Any]]:
    rows = []
    for i, form in enumerate(formset.forms, start=1):
        data = getattr(form, "cleaned_data", None) or {}
        if not data:
            continue
        instance = data.get("id")
        row = {
            "id": instance.pk if instance else None,
            "delete": bool(data.get("DELETE")),
            "name": data.get("name", ""),
            "copies": data.get("copies") or 1,
            "mandatory": bool(data.get("mandatory")),
            "form_name": data.get("form_name", ""),
            "template": data.get("template") or None,
            "clear_template": bool(data.get("clear_template")),
            "order": i,
        }
        if row["id"] is None and row["delete"]:
            continue
        rows.append(row)
    return rows


def steps_from(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": f.cleaned_data["name"],
            "agency": f.cleaned_data.get("agency"),
            "working_hours": f.cleaned_data["working_hours"],
        }
        for f in formset.forms
        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
    ]


class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("code, name or decision number, with or without accents"),
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All"))] + list(Procedure.Status.choices)
    )
    field = forms.ModelChoiceField(
        label=_("field"), required=False, queryset=Field.objects.all(), empty_label=_("All")
    )
    online_level = forms.ChoiceField(
        label=_("online level"),
        required=False,
        choices=[("", _("All"))] + list(OnlineLevel.choices),
    )
    # a list of the agencies by name (a keeper knows "Sở Tư pháp", not "H26.01"); the URL
    # still carries the agency's code, so links made with codes keep working
    agency = forms.ModelChoiceField(
        label=_("implementing agency"),
        required=False,
        queryset=Agency.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(procedures__isnull=False).distinct()

    incomplete = forms.BooleanField(label=_("missing mandatory fields"), required=False)


class PublishForm(forms.Form):
    """The decision of the Chairman that announces the procedure (quyết định công bố); the
    service checks it."""

    publication_decision = forms.CharField(
        label=_("publication decision (number)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "1234/QĐ-UBND"}),
    )
    announced_on = forms.DateField(
        label=_("publication decision (date signed)"), required=False, widget=date_input()
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
