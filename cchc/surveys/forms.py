"""Reading a questionnaire from a posted form: one parser for every mode (online, kiosk,
enumerator, keying clerk), by the item's type. Values that cannot be what the item asks are
kept as given so the service refuses them with its message."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cchc.agencies.fields import AgencyChoices
from cchc.agencies.models import Agency
from cchc.core.fields import date_input
from cchc.core.widgets import UnitChecklist
from cchc.surveys.models import Campaign, Item, Method, Mode, Question, Questionnaire, Section


def _scalar(raw: str) -> Any:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


def _ranking(item: Item, name: str, data: QueryDict) -> list[Any]:
    """Place k is the select `a_<code>__k`; the answer lists the options by place. A place
    left empty before a filled one is kept as None, so the check can say "without gaps"."""
    places = [_scalar(data.get(f"{name}__{k}", "")) for k in item.ranking_places]
    while places and places[-1] is None:
        places.pop()
    return places


def parse_answers(questions: list[Question], data: QueryDict, files: Any = None) -> dict[str, Any]:
    """The answers of a posted form; `files` (request.FILES) carries the file items."""
    answers: dict[str, Any] = {}
    for q in questions:
        item = q.item
        name = f"a_{item.code}"
        if item.type == Item.Type.MATRIX:
            rows = {}
            for row in item.matrix_rows:
                value = _scalar(data.get(f"{name}__{row[0]}", ""))
                if value is not None:
                    rows[str(row[0])] = value
            if rows:
                answers[item.code] = rows
        elif item.type == Item.Type.RANKING:
            if ranked := _ranking(item, name, data):
                answers[item.code] = ranked
        elif item.type == Item.Type.FILE:
            upload = files.get(name) if files is not None else None
            if upload:
                answers[item.code] = upload
        elif item.type == Item.Type.MULTIPLE:
            values = [_scalar(v) for v in data.getlist(name) if v.strip()]
            other = data.get(f"{name}_other", "").strip()
            if other:
                values.append(other)
            if values:
                answers[item.code] = values
        elif item.type in (Item.Type.SHORT_TEXT, Item.Type.LONG_TEXT, Item.Type.DATE):
            value = data.get(name, "").strip()
            if value:
                answers[item.code] = value
        else:
            scalar = _scalar(data.get(name, ""))
            if scalar == "other":
                scalar = data.get(f"{name}_other", "").strip() or None
            if scalar is not None:
                answers[item.code] = scalar
    return answers


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OwnQuestionForm(forms.Form):
    """The builder's "new question" (a type the item bank lacks): the answers and the rows
    of a matrix are typed one per line and numbered 1, 2, 3... in that order."""

    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40)
    type = forms.ChoiceField(label=_("Question type"))
    text = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 2}))
    help_text = forms.CharField(label=_("Help text"), required=False)
    options = forms.CharField(
        label=_("Answers to choose from (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a matrix: leave empty for the 1-5 satisfaction scale."),
    )
    rows = forms.CharField(
        label=_("Rows of the matrix (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    places = forms.IntegerField(
        label=_("Places to rank (empty: all answers)"), required=False, min_value=1, max_value=20
    )
    rank_all = forms.BooleanField(label=_("Every place must be filled"), required=False)
    required = forms.BooleanField(label=_("required"), required=False)

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        from cchc.surveys.questionnaires import OWN_ITEM_TYPES

        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()  # type: ignore[attr-defined]
        self.fields["type"].choices = [  # type: ignore[attr-defined]
            (t.value, t.label) for t in OWN_ITEM_TYPES
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data["type"] == Item.Type.MATRIX:
            params["rows"] = [[str(n), label] for n, label in enumerate(_lines(data["rows"]), 1)]
        if data["type"] == Item.Type.RANKING:
            if data.get("places"):
                params["places"] = data["places"]
            if data.get("rank_all"):
                params["rank_all"] = True
        return {
            "code": data["code"],
            "type": data["type"],
            "text": data["text"],
            "help_text": data.get("help_text") or "",
            "options": [[n, label] for n, label in enumerate(_lines(data["options"]), 1)],
            "params": params,
            "required": data.get("required", False),
        }


class QuestionnaireChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.code} v{obj.version})"


class CampaignForm(forms.Form):
    """A new survey campaign (services.create_campaign checks the rest): the units to survey
    are the province's current agencies, all ticked to begin with."""

    name = forms.CharField(label=_("Name"), max_length=300)
    code = forms.RegexField(
        label=_("Code"),
        max_length=60,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": _("Letters, digits, dots, dashes and underscores only.")},
        help_text=_("Unique; it appears in the survey's links and letters, e.g. SIPAS-2027."),
    )
    questionnaire = QuestionnaireChoice(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none(), empty_label=None
    )
    period = forms.RegexField(
        label=_("Period"),
        max_length=10,
        regex=r"^\d{4}(-Q[1-4]|-\d{2})?$",
        error_messages={
            "invalid": _(
                "“%(value)s” is not a period: write a year (2027), a quarter (2027-Q2) or a "
                "month (2027-05)."
            )
        },
        help_text=_("A year (2027), a quarter (2027-Q2) or a month (2027-05)."),
    )
    date_from = forms.DateField(label=_("Transactions from"), widget=date_input())
    date_to = forms.DateField(label=_("Transactions to"), widget=date_input())
    modes = forms.MultipleChoiceField(
        label=_("Modes of collection"),
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    anonymous = forms.BooleanField(label=_("Anonymous answers"), required=False)
    target_index = forms.DecimalField(
        label=_("Target satisfaction index (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_(
            "The SIPAS each unit should reach, e.g. 86 or 86,5; the results mark the units "
            "below it. Leave empty for no target."
        ),
    )
    agencies = AgencyChoices(
        label=_("Units surveyed"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        published = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        units = Agency.objects.current().in_province(province_code).order_by("group", "code")
        cast(QuestionnaireChoice, self.fields["questionnaire"]).queryset = published.order_by(
            "code", "-version"
        )
        cast(AgencyChoices, self.fields["agencies"]).queryset = units

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Campaign.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(_("Another campaign already has this code."))
        return code


class CampaignEditForm(CampaignForm):
    """Correcting a campaign's settings (campaign_settings.edit_campaign decides what may change):
    its code (in links and letters already handed out) and its units (samples and quotas
    hang on them) are not on it. `stage` is the campaign's status the form was shown for:
    while collecting only the name, the end date and the target are offered; a form shown
    while the campaign was a draft and posted after it opened keeps every field, so what was
    typed is refused with a reason instead of dropped."""

    stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, campaign: Campaign, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, province_code=campaign.province_code, **kwargs)
        del self.fields["code"], self.fields["agencies"]
        self.fields["stage"].initial = stage
        if stage != Campaign.Status.DRAFT:
            for name in list(self.fields):
                if name not in (*Campaign.EDITABLE_WHILE_OPEN, "stage"):
                    del self.fields[name]
        if "date_to" in self.fields:
            self.fields["date_to"].help_text = (
                _("While collecting, the end date only moves later.")
                if stage != Campaign.Status.DRAFT
                else ""
            )


def answers_as_post(questions: list[Question], answers: dict[str, Any]) -> QueryDict:
    """A response's answers as the form would post them (the inverse of `parse_answers`):
    the correction page shows the questionnaire filled in with what was recorded. File
    answers have no form value (the correction keeps them unless a new file is given)."""
    data = QueryDict(mutable=True)
    for q in questions:
        item, name = q.item, f"a_{q.item.code}"
        value = answers.get(item.code)
        if value is None or item.type == Item.Type.FILE:
            continue
        offered = {str(option[0]) for option in item.options}
        if item.type == Item.Type.MATRIX:
            for row, row_value in value.items():
                data[f"{name}__{row}"] = str(row_value)
        elif item.type == Item.Type.RANKING:
            for place, option in zip(item.ranking_places, value, strict=False):
                if option is not None:
                    data[f"{name}__{place}"] = str(option)
        elif item.type == Item.Type.MULTIPLE:
            for choice in value:
                if str(choice) in offered:
                    data.appendlist(name, str(choice))
                else:
                    data[f"{name}_other"] = str(choice)
        elif (
            item.is_one_choice
            and offered
            and str(value) not in offered
            and item.params.get("allow_other")
            and str(value) != "9"
        ):
            data[name] = "other"
            data[f"{name}_other"] = str(value)
        else:
            data[name] = str(value)
    return data


def answer_text(item: Item, value: Any) -> str:
    """An answer as a reader sees it: the option's wording next to its value."""
    labels = {str(option[0]): str(option[1]) for option in item.options}

    def one(v: Any) -> str:
        label = labels.get(str(v))
        return f"{v} — {label}" if label else str(v)

    if value is None:
        return ""
    if item.type == Item.Type.MATRIX:
        rows = {str(r[0]): str(r[1]) for r in item.matrix_rows}
        return "; ".join(f"{rows.get(str(k), k)}: {one(v)}" for k, v in value.items())
    if item.type == Item.Type.FILE:
        return str(_("a file attached"))
    if isinstance(value, list):
        return "; ".join(one(v) for v in value if v is not None)
    return one(value)


class MethodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class QuestionnaireForm(forms.Form):
    """A new questionnaire (questionnaires.create_questionnaire), built on one method's item
    bank; its sections and questions are added on the builder page."""

    method = MethodChoice(label=_("Method"), queryset=Method.objects.none(), empty_label=None)
    code = forms.RegexField(
        label=_("Code"),
        max_length=60,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": _("Letters, digits, dots, dashes and underscores only.")},
        help_text=_("Names the questionnaire and its versions, e.g. sipas-2027-so."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to respondents above the first question."),
    )

    def __init__(self, *args: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        methods = Method.objects.filter(province_code__in=("", province_code)).order_by("code")
        cast(MethodChoice, self.fields["method"]).queryset = methods


class CampaignUnitsForm(forms.Form):
    """The units of a draft campaign: the province's current units not surveyed yet to add,
    the surveyed ones to remove (campaign_settings.change_units decides)."""

    add = AgencyChoices(
        label=_("Units to add"),
        queryset=Agency.objects.none(),
        widget=UnitChecklist,
        required=False,
    )
    remove = AgencyChoices(
        label=_("Units to remove"),
        queryset=Agency.objects.none(),
        widget=UnitChecklist,
        required=False,
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surveyed = campaign.units.values_list("agency_id", flat=True)
        units = Agency.objects.current().in_province(campaign.province_code)
        cast(AgencyChoices, self.fields["add"]).queryset = units.exclude(pk__in=surveyed).order_by(
            "group", "code"
        )
        cast(AgencyChoices, self.fields["remove"]).queryset = Agency.objects.filter(
            pk__in=surveyed
        ).order_by("group", "code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("add") and not data.get("remove"):
            raise forms.ValidationError(_("Tick the units to add or to remove."))
        return data
