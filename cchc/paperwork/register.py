"""The reception register (Sổ theo dõi hồ sơ) a one-stop section keeps: one book per receiving
agency and year, its lines numbered in order of reception.

Nothing is stored: a dossier's line is its place among the agency's dossiers received in the
same (local) year, ordered by `received_at` then id. `received_at` is set once, at reception,
and a received dossier never leaves the register, so the number read from it is stable; the
intake path writes nothing for it (it is benchmarked per statement). The counts run on the
index `dossier_recv_idx` (receiving_agency, received_at).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.models import Dossier

ORDER = ("received_at", "pk")


def year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ)


def reception_year(dossier: Dossier) -> int:
    assert dossier.received_at is not None
    return dossier.received_at.astimezone(LOCAL_TZ).year


def book_number(year: int) -> str:
    """The book's number as printed: one book a year, so "01/2026"."""
    return f"01/{year}"


def book(agency: Agency | int, year: int) -> QuerySet[Dossier]:
    """The agency's dossiers received in `year`, in the register's order."""
    return Dossier.objects.filter(
        receiving_agency=agency,
        received_at__gte=year_start(year),
        received_at__lt=year_start(year + 1),
    ).order_by(*ORDER)


def _up_to(dossier: Dossier) -> Q:
    """The register's lines up to and including this dossier's (same agency and year)."""
    return Q(received_at__lt=dossier.received_at) | Q(
        received_at=dossier.received_at, pk__lte=dossier.pk
    )


def line_of(dossier: Dossier) -> int | None:
    """The dossier's line in its receiving agency's book of its reception year (None before
    it is received)."""
    if dossier.received_at is None:
        return None
    year = reception_year(dossier)
    return (
        Dossier.objects.filter(
            receiving_agency_id=dossier.receiving_agency_id, received_at__gte=year_start(year)
        )
        .filter(_up_to(dossier))
        .count()
    )


def lines_of(dossiers: Iterable[Dossier]) -> dict[int, int]:
    """The lines of a page of dossiers, one query per (agency, year) among them: a count per
    dossier, each a filter of one scan of the book up to the latest of them."""
    groups: dict[tuple[int, int], list[Dossier]] = {}
    for d in dossiers:
        if d.received_at is not None:
            groups.setdefault((d.receiving_agency_id, reception_year(d)), []).append(d)
    lines: dict[int, int] = {}
    for (agency_id, year), rows in groups.items():
        latest = max(d.received_at for d in rows if d.received_at is not None)
        counts = Dossier.objects.filter(
            receiving_agency_id=agency_id,
            received_at__gte=year_start(year),
            received_at__lte=latest,
        ).aggregate(**{f"d{d.pk}": Count("pk", filter=_up_to(d)) for d in rows})
        lines.update({int(key[1:]): n for key, n in counts.items()})
    return lines


def lines_between(agency: Agency, begin: dt.datetime, finish: dt.datetime) -> dict[int, int]:
    """The lines of every dossier the agency received in [begin, finish) (a log book's period,
    which may cross a new year, where the numbering starts again at 1)."""
    rows = (
        Dossier.objects.filter(
            receiving_agency=agency, received_at__gte=begin, received_at__lt=finish
        )
        .order_by(*ORDER)
        .values_list("pk", "received_at")
    )
    lines: dict[int, int] = {}
    year, n = None, 0
    for pk, at in rows.iterator(chunk_size=2000):
        local_year = at.astimezone(LOCAL_TZ).year
        if local_year != year:
            year = local_year
            # the lines of this year's book before the period (none if the period starts later)
            n = Dossier.objects.filter(
                receiving_agency=agency,
                received_at__gte=year_start(year),
                received_at__lt=max(begin, year_start(year)),
            ).count()
        n += 1
        lines[pk] = n
    return lines
