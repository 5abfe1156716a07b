"""Reading a questionnaire from a posted form: one parser for every mode (online, kiosk,
enumerator, keying clerk), by the item's type. Values that cannot be what the item asks are
kept as given so the service refuses them with its message."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from cchc.surveys.models import Item, Question


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


def parse_answers(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        item = q.item
        name = f"a_{item.code}"
        if item.type in (Item.Type.MULTIPLE, Item.Type.RANKING):
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
