"""Staff forms: counter intake and one form per lifecycle action.

Forms only parse and check the shape of the input; the rules are enforced by
`cchc.dossiers.services`, whose DomainError messages are shown on the same form.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User, hash_national_id
from cchc.agencies.fields import AgencyChoice
from cchc.agencies.models import Agency, AgencyLevel
from cchc.catalogue.models import Procedure
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.core.fields import MultipleFileField, date_input
from cchc.core.identifiers import CITIZEN_ID_INPUT_LENGTH, clean_tax_code, normalise_citizen_id
from cchc.core.text import thousands
from cchc.dossiers import reuse
from cchc.dossiers.models import (
    APPLICANT_ADDRESS_MAX,
    APPLICANT_NAME_MAX,
    ApplicantKind,
    DigitizedDocument,
    Dossier,
    IdentityCheck,
    OnlinePayment,
    ReceivedAs,
)
from cchc.dossiers.policies import HANDLING_ROLES, check_assignee
from cchc.dossiers.queries import reusable_documents
from cchc.dossiers.services import Applicant, check_result_given

PHONE_RE = re.compile(r"^\+?\d{9,12}$")


def province_agencies() -> Any:
    # by name, as they are labelled ("Sở Tư pháp (H26.01)"): codes sort as text (H26.10,
    # H26.100, H26.11)
    return (
        Agency.objects.current().in_province(settings.CCHC_PROVINCE_CODE).order_by("name", "code")
    )


def competent_default(agencies: list[Agency], receiving_agency: Any) -> str:
    """The competent agency offered once a procedure is chosen: its only agency, or the
    receiving agency when it handles the procedure; else none, and the clerk chooses. (A
    birth registration is handled by every commune: the list's first by name, preselected,
    sent a dossier received in Cầu Giấy to Ba Đình unless the clerk noticed.)"""
    if len(agencies) == 1:
        return str(agencies[0].pk)
    received_by = str(receiving_agency or "")
    return received_by if any(str(a.pk) == received_by for a in agencies) else ""


def competent_selection(
    agencies: list[Agency], receiving_agency: Any, chosen: Any, offered: Any
) -> tuple[str, str]:
    """(selected, offered) for the competent-agency list refreshed after the procedure or
    the receiving agency changed. `offered` is what the page preselected last time: a value
    the clerk left as offered follows the new default (the receiving agency changed from
    Ba Đình to Cầu Giấy: the birth registration goes to Cầu Giấy, not where the preselection
    was), while an agency the clerk chose stays as long as it handles the procedure."""
    default = competent_default(agencies, receiving_agency)
    chosen = str(chosen or "")
    if chosen and chosen != str(offered or "") and any(str(a.pk) == chosen for a in agencies):
        return chosen, default
    return default, default


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class IntakeForm(forms.Form):
    """Counter intake (tiếp nhận trực tiếp): receipt and appointment, form 01."""

    # a missing one is named (Django's own "This field is required." names no field, and the
    # error summary at the top of the long form shows the message alone)
    procedure = forms.ModelChoiceField(
        label=_("procedure"),
        queryset=Procedure.objects.published(),
        error_messages={"required": _("Choose the procedure of the dossier.")},
    )
    receiving_place = AgencyChoice(
        label=_("place of reception"),
        queryset=Agency.objects.none(),
        help_text=_("your counter, or any service centre (boundary-free intake)"),
    )
    receiving_agency = AgencyChoice(label=_("receiving agency"), queryset=Agency.objects.none())
    competent_agency = AgencyChoice(
        label=_("competent agency"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Choose the competent agency (the one that decides).")},
    )
    applicant_kind = forms.ChoiceField(
        label=_("applicant type"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        required=False,  # absent (scripts, older pages) = a person
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("applicant name"), max_length=APPLICANT_NAME_MAX)
    applicant_tax_code = forms.CharField(
        label=_("tax code (organisations)"),
        max_length=20,
        required=False,
        help_text=_("an organisation or business is identified by its tax code"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_id = forms.CharField(
        label=_("citizen ID number (12 digits)"),
        max_length=CITIZEN_ID_INPUT_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("e-mail"), required=False)
    applicant_address = forms.CharField(
        label=_("address"), max_length=APPLICANT_ADDRESS_MAX, required=False
    )
    fee_amount = forms.IntegerField(
        label=_("fees owed (VND)"),
        min_value=0,
        required=False,
        help_text=_("empty: the fees and charges of the procedure"),
    )
    identity_check = forms.ChoiceField(
        label=_("identity checked against the population database"),
        choices=IdentityCheck.choices,
        initial=IdentityCheck.NOT_CHECKED,
        required=False,  # a select always sends its value; absent (scripts) = not checked
        help_text=_("how you checked the applicant's identity at the counter"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_checklist()
        agencies = province_agencies()
        own = Membership.objects.filter(user=user, role=Membership.Role.CLERK).values_list(
            "agency_id", flat=True
        )
        places = agencies.filter(pk__in=own) | agencies.filter(level=AgencyLevel.PROVINCE_CENTRE)
        self.fields["receiving_place"].queryset = places.distinct()
        self.fields["receiving_agency"].queryset = agencies
        self.fields["competent_agency"].queryset = agencies
        first_own = agencies.filter(pk__in=own).first()
        if first_own and not self.is_bound:
            self.initial.setdefault("receiving_place", first_own.pk)
            self.initial.setdefault("receiving_agency", first_own.pk)

        # the chosen procedure's agencies are fetched into the competent-agency list (htmx)
        self.fields["procedure"].widget.attrs.update(
            {
                # the receiving agency is preselected as competent when it handles the procedure
                # and what the clerk chose is kept while the agency handles the procedure
                **self._competent_refresh("#id_receiving_agency"),
            }
        )
        # a change of receiving agency refreshes the preselection the same way
        self.fields["receiving_agency"].widget.attrs.update(
            self._competent_refresh("#id_procedure")
        )
        self.competent_offered = ""

    @staticmethod
    def _competent_refresh(include: str) -> dict[str, str]:
        """htmx attributes that refetch the competent-agency options (`?part=competent`)."""
        return {
            "hx-get": reverse("dossiers:intake"),
            "hx-trigger": "change",
            "hx-target": "#id_competent_agency",
            "hx-vals": '{"part": "competent"}',
            "hx-include": f"{include}, #id_competent_agency, #id_competent_offered",
            "hx-params": "procedure,receiving_agency,competent_agency,competent_offered,part",
        }

    def limit_choices(self, procedures: list[Procedure], competent_agencies: Any) -> None:
        """Only short option lists go into the page (the validation still uses the full
        querysets): the procedures found by the picker, and the chosen procedure's agencies."""
        self.fields["procedure"].widget.choices = [("", _("— choose a procedure —"))] + [
            (p.pk, f"{p.code} — {Truncator(p.name).chars(120)}") for p in procedures
        ]
        agencies = list(competent_agencies)
        choices = [(a.pk, f"{a.name} ({a.code})") for a in agencies]
        if len(agencies) > 1:  # chosen by the clerk, never the list's first by default
            choices.insert(0, ("", _("— choose the competent agency —")))
        self.fields["competent_agency"].widget.choices = choices or [
            ("", _("— choose the procedure first —"))
        ]
        if not self.is_bound and agencies:
            self.initial.setdefault(
                "competent_agency",
                competent_default(agencies, self.initial.get("receiving_agency")) or None,
            )
        # what the page preselected, so a later refresh tells it from the clerk's own choice
        self.competent_offered = str(
            (self.data.get("competent_offered") if self.is_bound else None)
            or self.initial.get("competent_agency")
            or ""
        )

    def clean_applicant_id(self) -> str:
        value = normalise_citizen_id(self.cleaned_data.get("applicant_id"))
        if value and not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError(_("The citizen ID number has exactly 12 digits."))
        return value

    def clean_applicant_phone(self) -> str:
        value = re.sub(r"[\s.\-]", "", self.cleaned_data.get("applicant_phone") or "")
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(_("Enter a valid phone number (9 to 12 digits)."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._clean_applicant_kind(data)
        procedure, competent = data.get("procedure"), data.get("competent_agency")
        if procedure and competent and not procedure.agencies.filter(pk=competent.pk).exists():
            self.add_error(
                "competent_agency", _("This agency does not handle the chosen procedure.")
            )
        self._clean_checklist(data)
        return data

    def _clean_applicant_kind(self, data: dict[str, Any]) -> None:
        """An organisation is identified by its tax code (required, checked); a person by the
        citizen ID. A tax code typed for a person, or a citizen ID for an organisation, is
        pointed out rather than dropped unseen."""
        data["applicant_kind"] = data.get("applicant_kind") or ApplicantKind.PERSON
        raw = (data.get("applicant_tax_code") or "").strip()
        if data["applicant_kind"] == ApplicantKind.ORGANISATION:
            if not raw:
                self.add_error("applicant_tax_code", _("Enter the tax code of the organisation."))
            else:
                try:
                    data["applicant_tax_code"] = clean_tax_code(raw)
                except ValidationFailed as exc:
                    self.add_error("applicant_tax_code", exc.message)
            if data.get("applicant_id"):
                self.add_error(
                    "applicant_id",
                    _("An organisation is identified by its tax code: leave the citizen ID empty."),
                )
        elif raw:
            self.add_error(
                "applicant_tax_code",
                _("A tax code is for an organisation: choose 'Organisation or business' above."),
            )

    # -- the counter checklist (issue 16, point 2) ----------------------------------------
    def chosen_procedure(self) -> Procedure | None:
        raw = (self.data if self.is_bound else self.initial).get("procedure")
        if not str(raw or "").isdigit():
            return None
        return Procedure.objects.published().filter(pk=int(raw)).first()

    def _add_checklist(self) -> None:
        """One line per component of the chosen procedure: how it was handed in, and its
        scans (several files, from a scanner or the phone's camera)."""
        procedure = self.chosen_procedure()
        self.components = list(procedure.required_documents.all()) if procedure else []
        for component in self.components:
            self.fields[f"received_{component.pk}"] = forms.ChoiceField(
                label=component.name,
                choices=[("", _("not handed in"))] + list(ReceivedAs.choices),
                required=False,
            )
            self.fields[f"scan_{component.pk}"] = MultipleFileField(
                label=_("scans of %(name)s") % {"name": component.name},
                required=False,
                accept="image/*,application/pdf",
                capture=True,
            )

    def checklist_lines(self) -> list[dict[str, Any]]:
        return [
            {
                "component": c,
                "received": self[f"received_{c.pk}"],
                "scan": self[f"scan_{c.pk}"],
                "choose_again": self._files_not_kept(f"scan_{c.pk}"),
            }
            for c in self.components
        ]

    def _files_not_kept(self, field: str) -> list[str]:
        """The names of the files chosen for `field` when the form comes back refused: a
        browser never puts a chosen file back in the page, so the clerk is told which scans
        to choose again (else the dossier is received without them)."""
        if not self.is_bound or not self.errors or not self.files:
            return []
        return [upload.name or "" for upload in self.files.getlist(field)]

    def _reusable_documents(self) -> Any:
        """The citizen's earlier digitised documents (by the ID number typed), newest first."""
        number = normalise_citizen_id(
            (self.data if self.is_bound else self.initial).get("applicant_id")
        )
        if not re.fullmatch(r"\d{12}", number or ""):
            return DigitizedDocument.objects.none()
        return reusable_documents(hash_national_id(number))

    def reusable(self) -> list[DigitizedDocument]:
        """The citizen's earlier digitised documents (by the ID number typed)."""
        return list(self._reusable_documents()[: reuse.OFFERED])

    def reusable_lines(self) -> dict[str, list[dict[str, Any]]]:
        """The earlier documents offered for reuse, as the online form offers them
        (dossiers.reuse): each once, named for a person, under the component it was filed as
        (`by_component`: each component with its offers) or, fitting none, apart (`others`,
        with a choice of component); each with the component it was chosen for when the form
        comes back refused (a choice the page forgot had the corrected dossier received
        without the document). Empty when the citizen has none."""
        if not self.components:
            return {}
        offered = reuse.offers(self._reusable_documents(), self.components)
        if not offered.others and not any(offered.by_component.values()):
            return {}
        components = {str(c.pk) for c in self.components}

        def line(offer: reuse.Offer) -> dict[str, Any]:
            key = f"reuse_{offer.document.pk}"
            chosen = str(self.data.get(key, "")) if self.is_bound else ""
            return {"offer": offer, "chosen": chosen if chosen in components else ""}

        return {
            "by_component": [
                {"component": c, "offers": [line(o) for o in offered.by_component[c.pk]]}
                for c in self.components
                if offered.by_component[c.pk]
            ],
            "others": [line(o) for o in offered.others],
        }

    def checklist(self) -> list[tuple[Any, str]]:
        d = self.cleaned_data
        return [(c, d[f"received_{c.pk}"]) for c in self.components if d.get(f"received_{c.pk}")]

    def scans(self) -> list[tuple[Any, Any]]:
        d = self.cleaned_data
        return [(c, f) for c in self.components for f in d.get(f"scan_{c.pk}") or []]

    def reused(self) -> list[tuple[Any, DigitizedDocument]]:
        """Earlier documents chosen for a component: `reuse_<document id>` = component id."""
        by_pk = {c.pk: c for c in self.components}
        docs = {doc.pk: doc for doc in self.reusable()}
        chosen = []
        for key, value in self.data.items():
            if not key.startswith("reuse_") or not str(value).isdigit():
                continue
            doc_pk = key.removeprefix("reuse_")
            if doc_pk.isdigit() and int(doc_pk) in docs and int(value) in by_pk:
                chosen.append((by_pk[int(value)], docs[int(doc_pk)]))
        return chosen

    def _clean_checklist(self, data: dict[str, Any]) -> None:
        if not self.components:
            return
        reused_for = {c.pk for c, _doc in self.reused()}
        for c in self.components:
            how = data.get(f"received_{c.pk}")
            if c.mandatory and not how:
                self.add_error(
                    f"received_{c.pk}",
                    _("The dossier is not complete: %(name)s was not handed in.")
                    % {"name": c.name},
                )
            files = data.get(f"scan_{c.pk}") or []
            if how == ReceivedAs.ELECTRONIC and not files and c.pk not in reused_for:
                self.add_error(
                    f"scan_{c.pk}",
                    _("An electronic component needs its file: scan it or reuse an earlier one."),
                )

    def applicant(self) -> Applicant:
        d = self.cleaned_data
        organisation = d.get("applicant_kind") == ApplicantKind.ORGANISATION
        tax_code = (d.get("applicant_tax_code") or "") if organisation else ""
        # an organisation's tax code fills the identity columns as a person's ID does (the
        # status look-up by its last four digits, the queue's search), as online submission
        number = tax_code or d.get("applicant_id") or ""
        return Applicant(
            name=d["applicant_name"].strip(),
            kind=ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON,
            tax_code=tax_code,
            id_hash=hash_national_id(number) if number else "",
            id_last4="".join(ch for ch in number if ch.isdigit())[-4:] if number else "",
            phone=d.get("applicant_phone") or "",
            email=d.get("applicant_email") or "",
            address=d.get("applicant_address") or "",
            identity_check=d.get("identity_check") or IdentityCheck.NOT_CHECKED,
        )


# -- one form per action ------------------------------------------------------------------
class ActionForm(forms.Form):
    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoteForm(ActionForm):
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReceiveForm(NoteForm):
    """Accepting an online dossier: the clerk records the identity check done on acceptance."""

    identity_check = forms.ChoiceField(
        label=_("identity checked against the population database"),
        choices=[("", _("— as recorded at submission —")), *IdentityCheck.choices],
        required=False,
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "note": self.cleaned_data["note"],
            "identity_check": self.cleaned_data["identity_check"] or None,
        }


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _staff_of(agency_ids: Any) -> Any:
    """The active staff who handle dossiers (specialists, leaders: policies.HANDLING_ROLES)
    in one of the agencies; never a counter clerk, an agency administrator or a superuser
    (the system's administrator handles no dossier)."""
    return (
        User.objects.filter(
            memberships__agency_id__in=agency_ids,
            memberships__role__in=HANDLING_ROLES,
            is_active=True,
            kind=User.Kind.STAFF,
            is_superuser=False,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def staff_options(agency_id: Any) -> list[tuple[Any, str]]:
    """The assignee choices of a hand-over to `agency_id`: nobody yet, then its staff."""
    staff = _staff_of([agency_id]) if str(agency_id or "").isdigit() else User.objects.none()
    return [("", "---------"), *((u.pk, u.display_name) for u in staff)]


class TransferForm(ActionForm):
    to_agency = AgencyChoice(label=_("to agency"), queryset=Agency.objects.none())
    step_name = forms.CharField(
        label=_("step"),
        max_length=300,
        required=False,
        help_text=_("empty: the name in the procedure's step template"),
    )
    assignee = UserChoiceField(label=_("assignee"), queryset=User.objects.none(), required=False)
    hours = forms.DecimalField(
        label=_("working hours for this step"),
        required=False,
        min_value=0.25,
        max_digits=7,
        decimal_places=2,
        help_text=_("empty: from the step template, else the dossier's due time"),
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = province_agencies()
        self.fields["to_agency"].queryset = agencies
        self.fields["assignee"].queryset = User.objects.filter(
            kind=User.Kind.STAFF, is_active=True, is_superuser=False
        ).order_by("full_name", "username")
        if not self.is_bound:
            self.initial.setdefault("to_agency", self.dossier.competent_agency_id)
        # The list offers only the staff of the chosen agency (the validation keeps the full
        # queryset and clean() names a mismatch); choosing another agency fetches its staff
        # into the list (htmx, like the intake form's competent agencies).
        chosen = self.data.get(self.add_prefix("to_agency")) if self.is_bound else None
        self.fields["assignee"].widget.choices = staff_options(
            chosen or self.initial.get("to_agency")
        )
        self.fields["to_agency"].widget.attrs.update(
            {
                "hx-get": reverse("dossiers:detail", args=[self.dossier.code]),
                "hx-trigger": "change",
                "hx-target": f"#{self['assignee'].auto_id}",
                # the options go inside the list (the action form's outerHTML is inherited)
                "hx-swap": "innerHTML",
                "hx-vals": '{"part": "assignees"}',
                "hx-params": f"{self.add_prefix('to_agency')},part",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        agency, assignee = data.get("to_agency"), data.get("assignee")
        if agency and assignee:
            try:
                check_assignee(assignee, agency)
            except ValidationFailed as exc:
                self.add_error("assignee", exc.message)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "to_agency": d["to_agency"],
            "step_name": d.get("step_name") or "",
            "assignee": d.get("assignee"),
            "note": d.get("note") or "",
            "hours": float(d["hours"]) if d.get("hours") else None,
        }


class AssignForm(ActionForm):
    assignee = UserChoiceField(label=_("assignee"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff_of([self.dossier.current_agency_id])


class PaymentRequestForm(ActionForm):
    amount = forms.IntegerField(label=_("amount (VND)"), min_value=1, max_value=10**12)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the fees recorded at reception (the procedure's fee and charge, or what the clerk
        # entered) are what is owed: offered as the amount, so nobody looks them up again
        if self.dossier.fee_amount:
            self.initial.setdefault("amount", self.dossier.fee_amount)
            self.fields["amount"].help_text = _(
                "the fees recorded at reception: %(amount)s đồng; change it if the amount owed "
                "differs"
            ) % {"amount": thousands(self.dossier.fee_amount)}


class PaymentConfirmForm(ActionForm):
    online = forms.TypedChoiceField(
        label=_("online payment"),
        choices=OnlinePayment.choices,
        coerce=int,
        initial=OnlinePayment.NO,
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the amount the request asked for (request_payment records it as the dossier's
        # fees): the clerk checks the receipt against it without scrolling up to the details
        if self.dossier.fee_amount:
            self.fields["online"].help_text = _("the amount asked for: %(amount)s đồng") % {
                "amount": thousands(self.dossier.fee_amount)
            }


class FinishForm(ActionForm):
    """Finishing processing: a result note, the electronic result file, or both."""

    note = forms.CharField(
        label=_("result note"),
        help_text=_("what was decided, e.g. the number of the paper issued"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result = forms.FileField(
        label=_("electronic result (PDF)"),
        required=False,
        help_text=_("the citizen downloads it from the status page once it is returned"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            check_result_given(note=data.get("note") or "", result=data.get("result"))
        except ValidationFailed as exc:
            self.add_error("note", exc.message)
        return data


class ApologyForm(ActionForm):
    """Form 04: apology and new appointment, due before the due date (Decree 118/2025) and
    still owed after it: the page then says the apology is late."""

    reason = forms.CharField(
        label=_("reason for the delay"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_appointment_at = forms.DateTimeField(
        label=_("new appointment"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        due = self.dossier.due_at
        if due is not None and timezone.now() >= due:
            self.fields["reason"].help_text = _(
                "This dossier was due at %(due)s: the apology is late, but still owed to the "
                "applicant. The delay still counts as late."
            ) % {"due": due.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "receive": ReceiveForm,
    "refuse": ReasonForm,
    "transfer": TransferForm,
    "assign": AssignForm,
    "request_supplement": ReasonForm,
    "receive_supplement": NoteForm,
    "request_payment": PaymentRequestForm,
    "confirm_payment": PaymentConfirmForm,
    "withdraw": ReasonForm,
    "stop": ReasonForm,
    "finish": FinishForm,
    "return_result": NoteForm,
    "apologize": ApologyForm,
}


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Dossier code, applicant name, phone number or citizen ID number (12 digits, or "
            "its last 4 digits)."
        ),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("code, name, phone, ID")}),
    )
    status = forms.TypedChoiceField(
        label=_("status"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All"))]
        + [(v, lbl) for v, lbl in Dossier._meta.get_field("status").choices],
    )
    procedure = forms.CharField(
        label=_("procedure (code or name)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("code or name, with or without accents")}
        ),
    )
    agency = forms.CharField(label=_("agency code"), required=False, max_length=40)
    received_from = forms.DateField(label=_("received from"), required=False, widget=date_input())
    received_to = forms.DateField(label=_("received to"), required=False, widget=date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:  # else nothing is listed, as if nothing was received
            self.add_error("received_to", _("The end date is before the start date: swap them."))
        return data
