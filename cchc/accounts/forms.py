"""Forms of the staff pages (cchc/accounts/staff_views.py); the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership
from cchc.agencies.fields import AgencyChoice
from cchc.core.fields import PhoneField


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[A-Za-z0-9._-]+$",
        error_messages={"invalid": _("Letters without accents, digits, dots, dashes only.")},
        help_text=_("For signing in, e.g. motcua.badinh."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = PhoneField(
        label=_("Phone"),
        required=False,
        help_text=_("The link to set a password goes to the e-mail, or else by SMS to the phone."),
    )
    agency = AgencyChoice(label=_("Agency"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone"):
            self.add_error(
                "email",
                _("Give an e-mail or a phone number: the link to set a password goes there."),
            )
        return data


class GrantForm(forms.Form):
    agency = AgencyChoice(label=_("Agency"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]


class StaffFileForm(forms.Form):
    file = forms.FileField(label=_("File staff.csv"), required=False)
    # the checked file's text, sent back with "Create the accounts" (checked again then)
    content = forms.CharField(required=False, widget=forms.HiddenInput)


class ContactsForm(forms.Form):
    """A citizen's or an organisation's own contact details (the address it signs in with
    among them), confirmed with the current password."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
        help_text=_("Asked again because you sign in with the e-mail or phone."),
    )

    def __init__(self, *args: Any, organisation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation:
            self.fields["full_name"].label = _("Contact person's full name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not self.has_error("email"):
            if not self.has_error("phone"):
                self.add_error("email", _("Give an e-mail or a phone number: you sign in with it."))
        return data
