"""Forms of the public portal. They only parse input; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cchc.agencies.models import Agency
from cchc.catalogue.models import Field, OnlineLevel, Procedure
from cchc.core.collation import vietnamese_sort_key
from cchc.core.errors import DomainError
from cchc.core.fields import MultipleFileField
from cchc.core.identifiers import CITIZEN_ID_INPUT_LENGTH
from cchc.dossiers.models import APPLICANT_ADDRESS_MAX, APPLICANT_NAME_MAX, REQUEST_MAX, Evaluation
from cchc.portal.services import REQUIRED_ON_SUBMIT
from cchc.portal.validators import clean_citizen_id, clean_phone, clean_tax_code, normalise_phone

# A filter link kept from before (a bookmark, a shared address) may name a field or agency
# merged or withdrawn since: said plainly, and only that filter is left out (views.procedures).
NO_LONGER_LISTED = {
    "invalid_choice": _("This choice is no longer in the list (merged, renamed or withdrawn).")
}


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Search without accents works too: khai sinh"),
            }
        ),
    )
    field = forms.TypedChoiceField(
        label=_("Field"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=NO_LONGER_LISTED,
    )
    agency = forms.TypedChoiceField(
        label=_("Agency"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=NO_LONGER_LISTED,
    )
    online = forms.ChoiceField(
        label=_("Online level"),
        required=False,
        choices=[("", _("All levels")), *OnlineLevel.choices],
        error_messages=NO_LONGER_LISTED,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        published = Procedure.Status.PUBLISHED
        fields = Field.objects.filter(procedures__status=published).distinct()
        agencies = Agency.objects.current().filter(procedures__status=published).distinct()
        self.fields["field"].choices = [("", _("All fields")), *choices_in_vietnamese_order(fields)]
        self.fields["agency"].choices = [
            ("", _("All agencies")),
            *choices_in_vietnamese_order(agencies),
        ]


def choices_in_vietnamese_order(rows: Any) -> list[tuple[int, str]]:
    """(pk, name) choices in the order a Vietnamese reader looks a name up: "Phường Đống Đa"
    with the D's and "Phường Ô Chợ Dừa" with the O's, not after "Y" where the database's
    code-point order puts Đ and Ô."""
    pairs = rows.values_list("pk", "name")
    return sorted(pairs, key=lambda pair: vietnamese_sort_key(pair[1]))


def password_rules() -> str:
    """The password rules of settings.AUTH_PASSWORD_VALIDATORS in one sentence, said on the
    sign-up form before the citizen meets them (the numbers read from the validators)."""
    rules = []
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            rules.append(
                gettext("at least %(min_length)s characters") % {"min_length": validator.min_length}
            )
        elif isinstance(validator, password_validation.CommonPasswordValidator):
            rules.append(gettext("not a commonly used password"))
        elif isinstance(validator, password_validation.UserAttributeSimilarityValidator):
            rules.append(gettext("not like your e-mail address"))
        elif isinstance(validator, password_validation.NumericPasswordValidator):
            rules.append(gettext("not only digits"))
        else:
            rules.append(str(validator.get_help_text()).rstrip("."))
    return gettext("The password needs: %(rules)s.") % {"rules": "; ".join(rules)}


class _AccountSignupForm(forms.Form):
    """What every sign-up asks: a name, an e-mail or a phone, a password twice."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), required=False, max_length=20)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_rules()

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        if not raw.strip():
            return ""
        try:
            return clean_phone(raw)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        given = data.get("email") or data.get("phone")
        if not given and not self.has_error("email") and not self.has_error("phone"):
            self.add_error("email", gettext("Please enter an e-mail address or a mobile number."))
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(
                    password, user=get_user_model()(email=data.get("email") or "")
                )
            except ValidationError as exc:
                self.add_error("password", exc)
        if password and password != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class SignupForm(_AccountSignupForm):
    """A person's sign-up. Every mistake is shown at once: the citizen ID, the phone and the
    password are checked here with the same rules the service applies again
    (services.start_signup)."""

    national_id = forms.CharField(
        label=_("Citizen ID number (12 digits)"),
        max_length=CITIZEN_ID_INPUT_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["full_name", "email", "phone", "national_id", "password", "password2"]

    def clean_national_id(self) -> str:
        try:
            return clean_citizen_id(self.cleaned_data["national_id"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class OrganisationSignupForm(_AccountSignupForm):
    """An organisation's sign-up (tổ chức, doanh nghiệp): its name and tax code, then its
    contact person, who signs in with the e-mail or phone given (services.
    start_organisation_signup checks it all again)."""

    organisation_name = forms.CharField(
        label=_("Name of the organisation or business"),
        max_length=APPLICANT_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    tax_code = forms.CharField(
        label=_("Tax code (business code)"),
        max_length=20,
        help_text=_("10 digits, or 10 digits, a dash and 3 digits for a branch."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = [
        "organisation_name",
        "tax_code",
        "full_name",
        "email",
        "phone",
        "password",
        "password2",
    ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["full_name"].label = _("Contact person's full name")
        self.fields["email"].help_text = _("The contact person signs in with it.")

    def clean_tax_code(self) -> str:
        try:
            return clean_tax_code(self.cleaned_data["tax_code"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code received"), max_length=10)


class LookupForm(forms.Form):
    """Code plus one proof: the ID's last 4 digits, or the phone number given at the counter
    (a dossier taken without an ID number has only the phone)."""

    code = forms.CharField(label=_("Dossier code"), max_length=60)
    id_last4 = forms.CharField(
        label=_("Last 4 digits of the applicant's ID number"),
        max_length=4,
        min_length=4,
        required=False,
        # the phone's digit keypad; never offered from (or kept in) the browser's autofill
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )
    phone = forms.CharField(
        label=_("or the phone number given when submitting"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        if raw.strip() and not normalise_phone(raw):
            raise forms.ValidationError(_("Enter the phone number with all its digits."))
        return normalise_phone(raw)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if (
            not data.get("id_last4")
            and not data.get("phone")
            and "id_last4" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error(
                "id_last4",
                _("Enter the last 4 digits of the ID number or the phone number."),
            )
        return data


class KioskProofForm(LookupForm):
    """The look-up's code and proof, typed at a counter kiosk: one browser every citizen at
    the counter uses, so it offers nothing any of them typed before (no autofill)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"


SCORE_CHOICES = [
    (2, _("Good (2 points)")),
    (1, _("Acceptable (1 point)")),
    (0, _("Poor (0 points)")),
]
SATISFACTION_CHOICES = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Neutral")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]


class EvaluationForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall satisfaction"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.criteria = Evaluation.criteria()
        for key, label in self.criteria:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        # criteria first, satisfaction and comment last
        self.order_fields([key for key, _label in self.criteria] + ["satisfaction", "comment"])

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _label in self.criteria}


class DraftApplicantForm(forms.Form):
    """The applicant part of online submission, shown from the draft. The draft keeps what
    was typed and `services.submit_draft` checks it; the errors it finds are put on these
    fields, so they render through the one field template like every other form."""

    # The limits are the widgets' maxlength, not the fields' max_length: the service checks
    # them (services.draft_length_errors) and its one message is put on the field.
    applicant_name = forms.CharField(
        label=_("Full name"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": APPLICANT_NAME_MAX}),
    )
    # an organisation's applicant: the person who acts for it (người liên hệ)
    contact_person = forms.CharField(
        label=_("Contact person's full name"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": APPLICANT_NAME_MAX}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), required=False, widget=forms.TextInput(attrs={"maxlength": 20})
    )
    email = forms.CharField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"maxlength": 254})
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": APPLICANT_ADDRESS_MAX}),
    )
    receiving_agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Choose…"),
        # a draft kept from before may name an agency merged or closed since
        error_messages=NO_LONGER_LISTED,
        # static/cchc/ui.js adds a search box over the list (a province has hundreds of units)
        widget=forms.Select(attrs={"data-filterable": _("Type a few letters of the name")}),
    )
    request = forms.CharField(
        label=_("Content of the request"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REQUEST_MAX}),
    )

    def __init__(self, *args, agencies, errors=None, organisation=False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if organisation:
            self.fields["applicant_name"].label = _("Name of the organisation or business")
            self.fields["address"].label = _("Address of the head office")
        else:
            del self.fields["contact_person"]
        self.fields["request"].help_text = _("At most %(limit)s characters.") % {
            "limit": REQUEST_MAX
        }
        field = self.fields["receiving_agency"]
        field.queryset = agencies  # what may be chosen; listed in Vietnamese order
        choices = choices_in_vietnamese_order(agencies)
        # the one agency that receives the procedure is shown chosen: a "Choose…" in front
        # of it only led to a refusal for not choosing it
        field.choices = choices if len(choices) == 1 else [("", field.empty_label), *choices]
        self.full_clean()
        for name, message in (errors or {}).items():
            # one message a field: an agency no longer listed is said once, as such
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)
        # Marked as needed (the field template's asterisk, aria-required) only after the check
        # above: a draft may be saved half-filled, and whether a submission lacks them is the
        # service's to say (services.draft_errors).
        for name in REQUIRED_ON_SUBMIT:
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].widget.attrs["aria-required"] = "true"

    # the browser must not stop "Save the draft" for an empty field the submission needs
    use_required_attribute = False


class SupplementForm(forms.Form):
    """The papers a supplement request asked for, uploaded on the status page (several files,
    from the phone's camera too)."""

    files = MultipleFileField(
        label=_("Files (PDF, JPEG or PNG)"), accept="image/*,application/pdf", capture=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the size limit said before the upload, as on the submission form (a photo from a
        # phone's camera easily passes it)
        self.fields["files"].help_text = gettext(
            "PDF, JPEG or PNG, at most %(MAX_UPLOAD_MB)s MB each."
        ) % {"MAX_UPLOAD_MB": settings.MAX_UPLOAD_MB}


class WithdrawForm(forms.Form):
    """The applicant's own request to withdraw a dossier, sent from its status page: why, in
    a line or two (the agency reads it; the service refuses an empty one)."""

    withdraw = forms.CharField(widget=forms.HiddenInput, initial="1")
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please say why you withdraw the dossier.")},
    )
