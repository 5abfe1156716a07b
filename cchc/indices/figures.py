"""Published figures entered by hand, for counters the platform holds no data for.

Electronic certified copies (chứng thực bản sao điện tử, Decree 45/2020) are issued through
the Ministry of Justice's system, not through ours: the national portal gives every unit
full marks with no counts, and we used to copy that. Now the metric shows "no data — enter or
import the figure" until the Department of Home Affairs enters (form) or imports (CSV,
`import_published_figures`) the figure the agency published for the period; the score then
uses it. Every entry is audited (PublishedFigureEvent: who, when, value before and after).

A figure is read for exactly the period it was entered for (2026-Q3 figures do not add up
into 2026): the published figures are period totals, not day counts.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.core import events
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.indices.models import PublishedFigure, PublishedFigureEvent
from cchc.indices.periods import Period

# counters of the vocabulary (cchc.indices.counters) that come only from entered figures
# (their labels: cchc.indices.labels.PROCEDURE_COUNTER_LABELS)
ENTERED_COUNTERS = ("certified_copies", "certified_copies_electronic")
CSV_COLUMNS = ("agency_code", "period", "counter", "value", "source")


@dataclass(frozen=True)
class FigureRow:
    agency_code: str
    period: str
    counter: str
    value: int
    source: str = ""


def may_enter(actor: Any, province_code: str) -> bool:
    """The Department of Home Affairs (the province's administrators)."""
    return permissions.is_province_admin(actor, province_code or None)


def _check_allowed(actor: Any, province_code: str) -> None:
    if not may_enter(actor, province_code):
        raise NotPermitted(
            _("Only the Department of Home Affairs may enter or import published figures.")
        )


def _validate(row: FigureRow) -> tuple[Any, str]:
    from cchc.agencies.models import Agency

    if row.counter not in ENTERED_COUNTERS:
        raise ValidationFailed(
            _("Unknown figure %(c)s: enter one of %(known)s.")
            % {"c": row.counter, "known": ", ".join(ENTERED_COUNTERS)},
            field="counter",
        )
    try:
        period = Period.parse(row.period)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="period") from exc
    agency = Agency.objects.filter(code=row.agency_code).first()
    if agency is None:
        raise ValidationFailed(
            _("No agency with code %(c)s.") % {"c": row.agency_code}, field="agency"
        )
    if row.value < 0:
        raise ValidationFailed(_("A figure cannot be negative."), field="value")
    return agency, str(period)


def _check_pair(figures: dict[str, int]) -> None:
    electronic = figures.get("certified_copies_electronic")
    total = figures.get("certified_copies")
    if electronic is not None and total is not None and electronic > total:
        raise ValidationFailed(
            _("Electronic certified copies (%(e)s) cannot exceed all certified copies (%(t)s).")
            % {"e": electronic, "t": total},
            field="value",
        )


def _store(agency: Any, period: str, counter: str, value: int, source: str, actor: Any) -> bool:
    """Create or change one figure with its event; False when it already had this value."""
    figure, created = PublishedFigure.objects.get_or_create(
        agency=agency, period=period, counter=counter, defaults={"value": value, "source": source}
    )
    figure = events.lock(figure)
    before = None if created else figure.value
    if not created and before == value and figure.source == source:
        return False
    figure.value, figure.source = value, source
    events.append_event(
        PublishedFigureEvent,
        figure,
        action="enter" if created else "change",
        actor=actor,
        data={"before": before, "after": value, "source": source},
        save=["value", "source", "updated_at"],
    )
    return True


@transaction.atomic
def enter_figures(*, actor: Any, province_code: str, rows: Iterable[FigureRow]) -> int:
    """Enter or import figures, all or nothing: any bad row refuses the whole batch (with its
    line in the message); returns how many figures changed."""
    _check_allowed(actor, province_code)
    checked = []
    pairs: dict[tuple[int, str], dict[str, int]] = {}
    for n, row in enumerate(rows, 1):
        try:
            agency, period = _validate(row)
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("Row %(n)s: %(reason)s") % {"n": n, "reason": exc.message}, field=exc.field
            ) from exc
        if province_code and agency.province_code != province_code:
            raise ValidationFailed(
                _("Row %(n)s: agency %(c)s is not in this province.")
                % {"n": n, "c": row.agency_code},
                field="agency",
            )
        checked.append((agency, period, row))
        pairs.setdefault((agency.pk, period), {})[row.counter] = row.value
    for (agency_id, period), given in pairs.items():
        stored = dict(
            PublishedFigure.objects.filter(agency_id=agency_id, period=period).values_list(
                "counter", "value"
            )
        )
        _check_pair({**stored, **given})
    return sum(
        _store(agency, period, row.counter, row.value, row.source.strip(), actor)
        for agency, period, row in checked
    )


def read_csv(handle: Any) -> list[FigureRow]:
    """Rows of a CSV with the header `agency_code,period,counter,value,source`."""
    reader = csv.DictReader(handle)
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            _("The file lacks the columns %(cols)s (expected: %(all)s).")
            % {"cols": ", ".join(missing), "all": ",".join(CSV_COLUMNS)}
        )
    out = []
    for n, line in enumerate(reader, 2):
        raw = (line.get("value") or "").strip()
        if not raw.isdigit():
            raise ValidationFailed(
                _("Line %(n)s: the value %(v)r is not a whole number.") % {"n": n, "v": raw}
            )
        out.append(
            FigureRow(
                agency_code=(line.get("agency_code") or "").strip(),
                period=(line.get("period") or "").strip(),
                counter=(line.get("counter") or "").strip(),
                value=int(raw),
                source=(line.get("source") or "").strip(),
            )
        )
    return out


def entered_counters(period: Period, agency_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Per agency, each entered counter's figure for exactly this period, None when missing
    (the metric then shows "no data"): a pair with one side missing is no data as a whole."""
    out: dict[int, dict[str, int | None]] = {a: dict.fromkeys(ENTERED_COUNTERS) for a in agency_ids}
    for agency_id, counter, value in PublishedFigure.objects.filter(
        agency_id__in=agency_ids, period=str(period), counter__in=list(ENTERED_COUNTERS)
    ).values_list("agency_id", "counter", "value"):
        out[agency_id][counter] = value
    return out
