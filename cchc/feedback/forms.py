"""Forms: type checks and widgets only; the rules live in the service modules
(cchc.feedback.intake, petitions, complaints, reception)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.accounts.models import User
from cchc.agencies.models import Agency
from cchc.core.fields import MultipleFileField, PhoneField, date_input
from cchc.feedback.common import DESCRIPTION_MAX, REPLY_MAX, TITLE_MAX
from cchc.feedback.models import Category, Complaint, ComplaintKind, PetitionChannel, Topic


def agency_choices():
    return Agency.objects.current().order_by("name")


class PetitionForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.filter(active=True), label=_("Topic"))
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label=_("Agency concerned"),
        help_text=_("Leave empty if you do not know: the province's petition desk will route it."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), max_length=DESCRIPTION_MAX
    )
    dossier_code = forms.CharField(label=_("Dossier code (if any)"), required=False, max_length=60)
    petitioner_name = forms.CharField(label=_("Your full name"), max_length=200)
    petitioner_phone = PhoneField(label=_("Phone"), required=False)
    petitioner_email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address or place concerned"), required=False, max_length=300)
    lat = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    long = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF, JPG, PNG, DOCX; at most 3)"),
        required=False,
        accept=".pdf,.jpg,.jpeg,.png,.docx",
    )
    # Honeypot: hidden from people, filled in by spam robots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices()
        if not settings.MAP_TILE_URL:
            # no map to click on: nobody knows their coordinates, so the boxes are not shown
            # (the address says where; Open311 clients send coordinates their own way)
            for name in ("lat", "long"):
                self.fields[name].widget = forms.HiddenInput()


class LogPetitionForm(PetitionForm):
    """Staff log a hotline call, a counter visit or a letter."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c, label)
            for c, label in PetitionChannel.choices
            if c in ("HOTLINE", "COUNTER", "MAIL")
        ],
    )
    receiving_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("Logged by agency")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cchc.accounts import permissions

        own = Agency.objects.filter(pk__in=permissions.agency_ids(user))
        self.fields["receiving_agency"].queryset = own
        if len(own) == 1:  # a one-agency officer (most of them) need not pick it every call
            self.fields["receiving_agency"].initial = own[0]
        del self.fields["website"]
        del self.fields["attachments"]


class ConfirmForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.filter(active=True), label=_("Topic"), required=False
    )
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Responsible agency"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices()


class AssignForm(forms.Form):
    """Who handles the petition: a person of the responsible agency (the service checks the
    role); a hand-made value that is not a person's id is refused, not a server error."""

    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("Assignee")
    )


class TransferForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Transfer to"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices()


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(choices=ComplaintKind.choices, label=_("Kind"))
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Handling agency"))
    complainant_name = forms.CharField(label=_("Name of the complainant"), max_length=200)
    complainant_phone = PhoneField(label=_("Phone"), required=False)
    complainant_email = forms.EmailField(label=_("E-mail"), required=False)
    complainant_address = forms.CharField(label=_("Address"), required=False, max_length=300)
    subject = forms.CharField(label=_("Decision, act or person concerned"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    remote_area = forms.BooleanField(label=_("Remote or hard-to-reach area"), required=False)
    complexity = forms.TypedChoiceField(
        choices=Complaint.Complexity.choices, coerce=int, label=_("Complexity"), initial=0
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cchc.accounts import permissions
        from cchc.accounts.models import Membership

        if user is not None and (permissions.is_province_admin(user) or user.is_superuser):
            self.fields["agency"].queryset = agency_choices()
        else:
            ids = permissions.agency_ids(user, roles=[Membership.Role.LEADER])
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids)


class ReclassifyForm(forms.Form):
    kind = forms.ChoiceField(choices=ComplaintKind.choices, label=_("Kind"))
    subject = forms.CharField(label=_("Decision, act or person concerned"), max_length=300)
    remote_area = forms.BooleanField(label=_("Remote or hard-to-reach area"), required=False)


class ReceptionForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    leader_name = forms.CharField(label=_("Leader"), max_length=200)
    leader_title = forms.CharField(label=_("Position"), max_length=200)
    day = forms.DateField(label=_("Day"), widget=date_input())
    start_time = forms.TimeField(
        label=pgettext_lazy("time", "From"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=pgettext_lazy("time", "To"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    location = forms.CharField(label=_("Place"), max_length=300)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cchc.accounts import permissions
        from cchc.accounts.models import Membership

        if user is not None and (permissions.is_province_admin(user) or user.is_superuser):
            self.fields["agency"].queryset = agency_choices()
        else:
            ids = permissions.agency_ids(
                user, roles=[Membership.Role.LEADER, Membership.Role.AGENCY_ADMIN]
            )
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids)


class PetitionLookupForm(forms.Form):
    """Find one's petition again by its code and the phone or e-mail given with it."""

    code = forms.CharField(
        label=_("Petition code"), max_length=40, help_text=_("e.g. PA-2026-000123")
    )
    contact = forms.CharField(
        label=_("Phone or e-mail given with the petition"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class ReplyForm(forms.Form):
    """The petitioner's answer to the agency's question, on the tracking page."""

    text = forms.CharField(
        label=_("Your answer"),
        # no max_length: an over-long answer comes back with the service's message (how long
        # it is and the limit) instead of being cut by the browser while pasting
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At most %(max)s characters. The agency is told as soon as you send it.")
        % {"max": REPLY_MAX},
    )
