"""Every index of the province side by side: where each unit stands in the service index
(Decision 766), SIPAS and the PAR INDEX, and which units are low in more than one.

The three schemes' documents have one shape (interchange.md §2, §5, §6: `agencies` rows with
code, name, group, total and rank), so the scorecard reads them all alike. SIPAS and the PAR
INDEX are computed by their own modules (settings.INDEX_SCHEMES, as `compute_indices` reads
them); this module imports neither. For those two the scorecard takes the latest *published*
year only: a year still being surveyed or appraised has no figure to hold a unit to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.core.text import fold
from cchc.indices import reports as period_reports
from cchc.indices.models import ProvinceIndexSetting
from cchc.indices.periods import Period, current

SERVICE_SCHEME = "qd766"
# how many years back the latest published SIPAS / PAR INDEX year is looked for
YEARS_BACK = 3
# a unit is low in an index when its rank falls in the last fifth of its ranking group (of
# at least LOW_GROUP ranked units: the second of two is not "low")
LOW_SHARE = 0.2
LOW_GROUP = 5


@dataclass
class Standing:
    """A unit's place in one index: its total, its rank within its group of `size` ranked
    units, and whether that rank is in the group's last fifth (ranks shared at the bottom
    count: two units tied last of ten are both low)."""

    total: float | None
    rank: int | None
    size: int
    # the record behind the figure, when the reader may open it (None: no link, the page
    # would answer 403)
    url: str | None = None

    @property
    def low(self) -> bool:
        if self.rank is None or self.size < LOW_GROUP:
            return False
        return self.rank > self.size - max(1, round(self.size * LOW_SHARE))


@dataclass
class IndexColumn:
    scheme: str
    title: str
    short: str  # a column's heading
    period: str  # the period as the scheme names it: "2026-Q4", "2025"
    period_label: str
    frozen: bool
    province_total: float | None = None
    # what the total is out of (the scheme version's groups, rule data); None: a percentage
    max_points: float | None = None
    target: float | None = None
    ranked: int = 0
    url: str | None = None  # the index's ranking, when the scheme's document names one
    standings: dict[str, Standing] = field(default_factory=dict)


@dataclass
class UnitRow:
    code: str
    name: str
    group: str
    standings: list[Standing | None]

    @property
    def low_count(self) -> int:
        return sum(1 for s in self.standings if s is not None and s.low)


def _standings(doc: dict[str, Any], urls: dict[str, str]) -> dict[str, Standing]:
    rows = doc.get("agencies", [])
    sizes: dict[str, int] = {}
    for r in rows:
        if r.get("rank"):
            sizes[r.get("group") or ""] = sizes.get(r.get("group") or "", 0) + 1
    return {
        r["code"]: Standing(
            total=r.get("total"),
            rank=r.get("rank"),
            size=sizes.get(r.get("group") or "", 0),
            url=urls.get(r["code"]),
        )
        for r in rows
    }


def service_column(
    province: str, today: dt.date, period: Period | None = None
) -> tuple[IndexColumn, dict[str, Any]]:
    """The service index of `period` (default: the current quarter), as the indices dashboard
    shows it (live, or frozen once the period is closed)."""
    period = period or current("quarter", today)
    ps = period_reports.scores_for(SERVICE_SCHEME, period, province_code=province)
    doc = ps.document()
    column = IndexColumn(
        scheme=SERVICE_SCHEME,
        title=_("Service index (Decision 766)"),
        short=_("Service index"),
        period=str(period),
        period_label=period.label,
        frozen=bool(doc.get("frozen")),
        province_total=ps.province.total,
        max_points=ps.spec.max_points,
        target=float(ProvinceIndexSetting.for_province(province).target_total),
    )
    return column, doc


def published_column(
    scheme: str, title: str, province: str, today: dt.date, viewer: Any = None
) -> tuple[IndexColumn, dict[str, Any]] | None:
    """The latest published year of a scheme computed by another module, or None. With a
    `viewer`, the document carries `unit_urls` (settings.INDEX_SCHEMES): each unit's record
    of that year that the viewer may open."""
    path = settings.INDEX_SCHEMES.get(scheme)
    if not path:
        return None
    document = import_string(path)
    for year in range(today.year, today.year - YEARS_BACK - 1, -1):
        try:
            doc = (
                document(str(year), province_code=province, viewer=viewer)
                if viewer is not None
                else document(str(year), province_code=province)
            )
        except (DomainError, ValueError):
            continue
        if doc.get("frozen") and doc.get("agencies"):
            pooled = (doc.get("province") or {}).get("total")
            return (
                IndexColumn(
                    scheme=scheme,
                    title=title,
                    short=title,
                    period=str(year),
                    period_label=str(year),
                    frozen=True,
                    province_total=pooled,
                ),
                doc,
            )
    return None


def other_schemes() -> list[tuple[str, str]]:
    """The indices other modules compute (settings.INDEX_SCHEMES), with their names."""
    names = {"sipas": "SIPAS", "par": _("PAR INDEX")}
    return [(code, names.get(code, code.upper())) for code in settings.INDEX_SCHEMES]


def scorecard(
    province: str,
    *,
    today: dt.date | None = None,
    period: Period | None = None,
    viewer: Any = None,
) -> dict[str, Any]:
    """The columns (one per index with figures) and one row per unit found in any of them,
    the units low in the most indices first. `period`: the service index's (default: the
    current quarter); SIPAS and the PAR INDEX show their latest published year. Each
    standing links the record behind it: the unit's index page of the period (every reader
    of the scorecard may open it), and the unit's SIPAS / PAR INDEX result the scheme's
    document names for `viewer` (`unit_urls`; none without a viewer)."""
    today = today or timezone.localdate()
    found = [service_column(province, today, period)]
    for scheme, title in other_schemes():
        published = published_column(scheme, title, province, today, viewer)
        if published is not None:
            found.append(published)
    columns: list[IndexColumn] = []
    names: dict[str, tuple[str, str]] = {}
    for column, doc in found:
        if column.scheme == SERVICE_SCHEME:
            column.url = f"{reverse('indices:ranking')}?period={column.period}"
            urls = {
                r["code"]: f"{reverse('indices:agency', args=[r['code']])}?period={column.period}"
                for r in doc.get("agencies", [])
            }
        else:
            column.url = doc.get("results_url")
            urls = doc.get("unit_urls") or {}
        column.standings = _standings(doc, urls)
        column.ranked = sum(1 for s in column.standings.values() if s.rank is not None)
        columns.append(column)
        for r in doc.get("agencies", []):
            names.setdefault(r["code"], (r.get("name", ""), r.get("group") or ""))
    rows = [
        UnitRow(
            code=code,
            name=name,
            group=group,
            standings=[c.standings.get(code) for c in columns],
        )
        for code, (name, group) in names.items()
    ]
    rows.sort(key=lambda r: (-r.low_count, r.group, r.code))
    return {"columns": columns, "rows": rows}


def matching(rows: list[UnitRow], *, q: str = "", group: str = "", low_only: bool = False):  # type: ignore[no-untyped-def]
    """The rows a search (name or code, accents and case ignored), a ranking group and "low in
    at least one index" leave."""
    needle = fold(q.strip())
    return [
        r
        for r in rows
        if (not needle or needle in fold(r.name) or needle in r.code.lower())
        and (not group or r.group == group)
        and (not low_only or r.low_count > 0)
    ]
