"""What a method version says, as functions of its data: the scheme tree, which answers are
valid, which are satisfied, whether a questionnaire counts, and whether an answer fits its
item. Nothing here knows "sipas-2023": every number comes from `Method.rules`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed
from cchc.core.scheme import MEAN, Node
from cchc.core.validity import in_force_on
from cchc.surveys.models import Item, Method

# The answers a scale item accepts besides its options, neither of them a score: 0 no answer,
# 9 "don't know" (domain.md §6 rule 1: anything but a valid answer is missing).
SCALE_MISSING_ANSWERS = (0, 9)


@dataclass
class MethodSpec:
    """A method loaded once: rules, tree and items by code (plain data, reused per request)."""

    method: Method
    items: dict[str, Item]

    @classmethod
    def load(cls, method: Method) -> MethodSpec:
        return cls(method, {i.code: i for i in method.items.order_by("order", "pk")})

    @cached_property
    def scored_codes(self) -> list[str]:
        return [c for c, i in self.items.items() if i.is_scored]

    @cached_property
    def valid_answers(self) -> frozenset[int]:
        return frozenset(int(v) for v in self.method.rule("valid_answers", [1, 2, 3, 4, 5]))

    @cached_property
    def satisfied_answers(self) -> frozenset[int]:
        return frozenset(int(v) for v in self.method.rule("satisfied_answers", [4, 5]))

    @property
    def min_valid_share(self) -> float:
        return float(self.method.rule("min_valid_share", 0.5))

    @property
    def min_valid_ranked(self) -> int:
        return int(self.method.rule("min_valid_ranked", 30))

    @cached_property
    def tree(self) -> Node:
        """index → fields → components → items, every inner node a mean (domain.md §6.4)."""
        fields = []
        for field in self.method.structure:
            components = []
            for component in field["components"]:
                leaves = tuple(
                    Node(code=c, name=i.text)
                    for c, i in self.items.items()
                    if i.is_scored and i.component == component["code"]
                )
                components.append(
                    Node(
                        code=component["code"],
                        name=component["name"],
                        aggregate=self.method.rule("component_aggregate", MEAN),
                        children=leaves,
                    )
                )
            fields.append(
                Node(
                    code=field["code"],
                    name=field["name"],
                    aggregate=self.method.rule("field_aggregate", MEAN),
                    children=tuple(components),
                )
            )
        return Node(
            code="SIPAS",
            name=self.method.name,
            aggregate=self.method.rule("index_aggregate", MEAN),
            children=tuple(fields),
        )

    # -- answers --------------------------------------------------------------------------
    def is_valid_answer(self, value: Any) -> bool:
        """An integer of the valid scale (1-5); a blank, 0 or 9 "don't know" is missing."""
        if isinstance(value, bool):
            return False
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return isinstance(value, int) and value in self.valid_answers

    def count_valid(self, answers: dict[str, Any]) -> int:
        return sum(1 for c in self.scored_codes if self.is_valid_answer(answers.get(c)))

    def score_vector(self, answers: dict[str, Any]) -> str:
        """The scored answers in item order, one character each (Response.scored): the digit
        of an integer answer 0-9 (an integral float counts as its integer, as in
        `is_valid_answer`), "x" for anything else (blank, text, 2.5, 12). Validity is still
        decided when read, by the method's rules; a method whose valid answers go beyond 9
        is read from the answers themselves (`scored_fits`)."""
        out = []
        for code in self.scored_codes:
            v = answers.get(code)
            if type(v) is float and v.is_integer():
                v = int(v)
            out.append(str(v) if type(v) is int and 0 <= v <= 9 else "x")
        return "".join(out)

    @property
    def scored_fits(self) -> bool:
        return all(0 <= v <= 9 for v in self.valid_answers | self.satisfied_answers)

    def is_valid_questionnaire(self, answers: dict[str, Any]) -> bool:
        """At least `min_valid_share` of the scored items answered validly (rule 2)."""
        scored = len(self.scored_codes)
        return scored > 0 and self.count_valid(answers) >= self.min_valid_share * scored

    def check_answer(self, item: Item, value: Any) -> None:
        """Refuse an answer that cannot be what the item asks (entry forms; imports keep
        answers as given). Blank answers pass here; `required` is checked by the form."""
        if value in (None, "", [], {}):
            return
        if item.type == Item.Type.MATRIX:
            return check_matrix(item, value)
        if item.type == Item.Type.RANKING:
            return check_ranking(item, value)
        if item.type == Item.Type.FILE:
            return check_file(item, value)
        codes = {o[0] for o in item.options}
        allow_other = item.params.get("allow_other")
        bad = False
        if item.type == Item.Type.SCALE:
            bad = not (isinstance(value, int) and not isinstance(value, bool)) or (
                value not in codes and value not in SCALE_MISSING_ANSWERS
            )
        elif item.type == Item.Type.SINGLE:
            bad = value not in codes and not (allow_other and isinstance(value, str))
        elif item.type == Item.Type.MULTIPLE:
            bad = not isinstance(value, list) or any(
                v not in codes and not (allow_other and isinstance(v, str)) for v in value
            )
        elif item.type == Item.Type.NUMBER:
            low, high = item.params.get("min"), item.params.get("max")
            bad = not isinstance(value, (int, float)) or isinstance(value, bool)
            bad = bad or (low is not None and value < low) or (high is not None and value > high)
        elif item.type == Item.Type.DATE:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                bad = True
        elif item.type in (Item.Type.SHORT_TEXT, Item.Type.LONG_TEXT):
            limit = 200 if item.type == Item.Type.SHORT_TEXT else 4000
            bad = not isinstance(value, str) or len(value) > limit
        if bad:
            raise _not_allowed(item, value)
        return None


def _not_allowed(item: Item, value: Any) -> ValidationFailed:
    return ValidationFailed(
        _("The answer to %(code)s is not one of its allowed answers: %(value)s.")
        % {"code": item.code, "value": value},
        field=item.code,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_matrix(item: Item, value: Any) -> None:
    """{row code: answer}: every key a row of the item, every answer on the item's scale (or
    9 "don't know")."""
    if not isinstance(value, dict):
        raise _not_allowed(item, value)
    rows = {str(r[0]) for r in item.matrix_rows}
    codes = {o[0] for o in item.options}
    for row, answer in value.items():
        if str(row) not in rows:
            raise ValidationFailed(
                _("Question %(code)s has no row %(row)s.") % {"code": item.code, "row": row},
                field=item.code,
            )
        if not _is_int(answer) or (answer not in codes and answer != 9):
            raise ValidationFailed(
                _("The answer to row %(row)s of %(code)s is not on its scale: %(value)s.")
                % {"code": item.code, "row": row, "value": answer},
                field=item.code,
            )


def check_ranking(item: Item, value: Any) -> None:
    """The options in rank order, from the first place without gaps, each option once; all
    of them when the item says `rank_all`."""
    if not isinstance(value, list):
        raise _not_allowed(item, value)
    codes = {o[0] for o in item.options}
    if any(v is None for v in value) or len(value) > len(item.ranking_places):
        raise ValidationFailed(
            _("Fill the places of %(code)s in order, from the first, without gaps.")
            % {"code": item.code},
            field=item.code,
        )
    for v in value:
        if v not in codes:
            raise _not_allowed(item, v)
    if len(set(map(str, value))) != len(value):
        raise ValidationFailed(
            _("In %(code)s each answer can take one place only.") % {"code": item.code},
            field=item.code,
        )
    if item.params.get("rank_all") and len(value) < len(item.ranking_places):
        raise ValidationFailed(
            _("Rank every answer of %(code)s.") % {"code": item.code}, field=item.code
        )


FILE_KEYS = frozenset({"file", "type", "size", "sha256"})


def check_file(item: Item, value: Any) -> None:
    """A stored upload, as `collection.store_file` describes it (an upload itself is checked
    and stored by the collection service before this check)."""
    if not isinstance(value, dict) or set(value) != FILE_KEYS:
        raise ValidationFailed(
            _("The answer to %(code)s must be an uploaded file.") % {"code": item.code},
            field=item.code,
        )


def condition_met(condition: dict[str, Any], answers: dict[str, Any]) -> bool:
    """A question or section with {"item": code, "in": [values]} is shown only when the
    earlier answer is one of the values (for a multiple choice: contains one of them)."""
    if not condition or not condition.get("item"):
        return True
    given = answers.get(condition["item"])
    wanted = condition.get("in", [])
    if isinstance(given, list):
        return any(v in wanted for v in given)
    return given in wanted


def period_window(period: str) -> tuple[dt.date, dt.date] | None:
    """ "2026", "2026-Q2" or "2026-05" as (first day, last day); None when not a period."""
    import calendar
    import re

    m = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-(\d{2}))?", period or "")
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        first_month, last_month = 3 * int(m.group(2)) - 2, 3 * int(m.group(2))
    elif m.group(3) and 1 <= int(m.group(3)) <= 12:
        first_month = last_month = int(m.group(3))
    elif m.group(3):
        return None
    else:
        first_month, last_month = 1, 12
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def method_in_force(method: Method, on: dt.date) -> Method:
    """The version of `method`'s family in force on `on` (domain.md §6: the index is computed
    "by the method version in force"): the published version of the same family and province
    with the latest effective date on or before `on`; a version without a date counts as in
    force since always. A method without a family, or a family with no version in force yet,
    is its own version."""
    from django.db.models import F

    if not method.family:
        return method
    found = (
        Method.objects.filter(
            family=method.family, province_code=method.province_code, published=True
        )
        .filter(in_force_on(on, start="effective_from", end=None, open_start=True))
        .order_by(F("effective_from").desc(nulls_last=True), "-pk")
        .first()
    )
    return found or method


def period_end(period: str, fallback: dt.date) -> dt.date:
    """The last day of a period ("2026", "2026-Q2", "2026-05"); `fallback` when the period is
    written otherwise. A survey of a period is scored by the version in force when the
    period ends: that is when its figures are computed and published."""
    window = period_window(period)
    return window[1] if window else fallback


# the survey engine's method version of the per-dossier evaluation (migration 0003)
EVALUATION_METHOD = "danh-gia-ho-so"


def evaluation_criteria(on: dt.date | None = None) -> list[tuple[str, str]]:
    """(key, wording) of the per-dossier evaluation's criteria, in order, from the version of
    the method `danh-gia-ho-so` in force on `on` (today by default): the dossier evaluation
    form and its check read these (settings.DOSSIER_EVALUATION_CRITERIA)."""
    from django.utils import timezone

    base = Method.objects.filter(code=EVALUATION_METHOD).first()
    method = method_in_force(base, on or timezone.localdate()) if base else None
    criteria = (
        list(
            Item.objects.filter(method=method, kind=Item.Kind.SATISFACTION)
            .order_by("order", "pk")
            .values_list("code", "text")
        )
        if method
        else []
    )
    if not criteria:
        # an evaluation without criteria would be accepted empty: refuse loudly instead
        raise ImproperlyConfigured(
            f"The survey method {EVALUATION_METHOD} has no criteria: run the migrations "
            "(surveys 0003 seeds it)."
        )
    return criteria
