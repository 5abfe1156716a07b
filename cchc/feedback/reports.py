"""Dashboard figures for petitions (read-only queries over the visible petitions)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.calendar import LOCAL_TZ
from cchc.core.spreadsheets import header_row, sheet_name
from cchc.feedback.models import (
    CLOCK_STATUSES,
    Category,
    Complaint,
    Petition,
    PetitionChannel,
    PetitionStatus,
)

HANDLED = Q(handled_at__isnull=False) & Q(
    status__in=[PetitionStatus.ANSWERED, PetitionStatus.PUBLISHED, PetitionStatus.REJECTED]
)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass
class Dashboard:
    total: int
    by_status: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_agency: list[dict[str, Any]]
    handled: int
    handled_on_time: int
    on_time_rate: float | None
    published: int
    unsatisfied: int
    satisfaction_rate: float | None
    overdue: list[Petition] = field(default_factory=list)


def petitions_in(
    qs: QuerySet[Petition], date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[Petition]:
    if date_from:
        qs = qs.filter(received_at__gte=dt.datetime.combine(date_from, dt.time.min, LOCAL_TZ))
    if date_to:
        qs = qs.filter(
            received_at__lt=dt.datetime.combine(
                date_to + dt.timedelta(days=1), dt.time.min, LOCAL_TZ
            )
        )
    return qs


def build(qs: QuerySet[Petition], now: dt.datetime | None = None) -> Dashboard:
    """On-time rate = handled by the due date ÷ handled; satisfaction rate = published
    answers not disliked by more people than liked them ÷ published (766 index rules)."""
    now = now or timezone.now()
    status_labels = dict(PetitionStatus.choices)
    by_status = [
        (str(status_labels[r["status"]]), r["n"])
        for r in qs.values("status").annotate(n=Count("pk")).order_by("status")
    ]
    cat_labels = dict(Category.choices)
    by_category = [
        (str(cat_labels[r["category"]]), r["n"])
        for r in qs.values("category").annotate(n=Count("pk")).order_by("category")
    ]
    ch_labels = dict(PetitionChannel.choices)
    by_channel = [
        (str(ch_labels[r["channel"]]), r["n"])
        for r in qs.values("channel").annotate(n=Count("pk")).order_by("channel")
    ]
    on_time = Q(handled_at__lte=F("handle_due_at"))
    agencies = (
        qs.values("agency__code", "agency__name")
        .annotate(
            total=Count("pk"),
            handled=Count("pk", filter=HANDLED),
            on_time=Count("pk", filter=HANDLED & on_time),
            overdue=Count(
                "pk",
                filter=Q(
                    status__in=[PetitionStatus.RECEIVED, PetitionStatus.PROCESSING],
                    handle_due_at__lt=now,
                ),
            ),
            published=Count("pk", filter=Q(status=PetitionStatus.PUBLISHED)),
            unsatisfied=Count(
                "pk", filter=Q(status=PetitionStatus.PUBLISHED, dislikes__gt=F("likes"))
            ),
        )
        .order_by("agency__name")
    )
    by_agency = []
    for row in agencies:
        row["on_time_rate"] = _rate(row["on_time"], row["handled"])
        row["satisfaction_rate"] = _rate(row["published"] - row["unsatisfied"], row["published"])
        by_agency.append(row)
    totals = qs.aggregate(
        total=Count("pk"),
        handled=Count("pk", filter=HANDLED),
        on_time=Count("pk", filter=HANDLED & on_time),
        published=Count("pk", filter=Q(status=PetitionStatus.PUBLISHED)),
        unsatisfied=Count("pk", filter=Q(status=PetitionStatus.PUBLISHED, dislikes__gt=F("likes"))),
    )
    overdue = list(qs.overdue(now).select_related("agency").order_by("handle_due_at")[:200])
    return Dashboard(
        total=totals["total"],
        by_status=by_status,
        by_category=by_category,
        by_channel=by_channel,
        by_agency=by_agency,
        handled=totals["handled"],
        handled_on_time=totals["on_time"],
        on_time_rate=_rate(totals["on_time"], totals["handled"]),
        published=totals["published"],
        unsatisfied=totals["unsatisfied"],
        satisfaction_rate=_rate(totals["published"] - totals["unsatisfied"], totals["published"]),
        overdue=overdue,
    )


# how a date and time reads in a Vietnamese spreadsheet (openpyxl's default is ISO)
EXCEL_DATETIME = "dd/mm/yyyy hh:mm"


def _local(at: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC time as the local wall-clock time Excel shows (it has no time zones)."""
    return at.astimezone(LOCAL_TZ).replace(tzinfo=None) if at is not None else None


def _vietnamese_dates(sheet: Any) -> None:
    """Every date cell of the sheet shown dd/mm/yyyy hh:mm."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = EXCEL_DATETIME


def to_excel(board: Dashboard, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    bold = Font(bold=True)
    ws.append([title])
    ws["A1"].font = bold
    ws.append([_("Petitions"), board.total])
    ws.append([_("Handled"), board.handled])
    ws.append([_("Handled on time"), board.handled_on_time])
    ws.append([_("On-time rate (%)"), board.on_time_rate])
    ws.append([_("Published answers"), board.published])
    ws.append([_("Unsatisfied (more dislikes than likes)"), board.unsatisfied])
    ws.append([_("Satisfaction rate (%)"), board.satisfaction_rate])
    for heading, rows in (
        (_("By status"), board.by_status),
        (_("By category"), board.by_category),
        (_("By channel"), board.by_channel),
    ):
        ws.append([])
        ws.append([heading])
        ws.cell(row=ws.max_row, column=1).font = bold
        for label, n in rows:
            ws.append([label, n])
    ag = wb.create_sheet(_("By agency")[:31])
    ag.append(
        [
            _("Agency code"),
            _("Agency"),
            _("Petitions"),
            _("Handled"),
            _("On time"),
            _("On-time rate (%)"),
            _("Overdue"),
            pgettext("petition answers", "Published"),
            _("Unsatisfied"),
            _("Satisfaction rate (%)"),
        ]
    )
    for row in board.by_agency:
        ag.append(
            [
                row["agency__code"],
                row["agency__name"],
                row["total"],
                row["handled"],
                row["on_time"],
                row["on_time_rate"],
                row["overdue"],
                row["published"],
                row["unsatisfied"],
                row["satisfaction_rate"],
            ]
        )
    od = wb.create_sheet(_("Overdue")[:31])
    od.append([_("Code"), _("Agency"), _("Title"), _("Received"), _("Due")])
    for p in board.overdue:
        od.append(
            [
                p.code,
                p.agency.name if p.agency else "",
                p.title,
                _local(p.received_at),
                _local(p.handle_due_at),
            ]
        )
    _vietnamese_dates(od)
    for sheet in (ag, od):
        for cell in sheet[1]:
            cell.font = bold
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def complaint_register_xlsx(complaints: QuerySet[Complaint]) -> bytes:
    """The complaints and denunciations register as the list shows it (its filters applied):
    one row per case with its deadlines, whether it is overdue and when it was closed. A
    denouncer's name is left out: their identity is protected (Law on Denunciations 2018,
    chapter VI), and a file travels further than the restricted page that shows it."""
    from openpyxl import Workbook

    now = timezone.now()
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(_("Complaints register"))
    header_row(
        ws,
        [
            _("Code"),
            _("Kind"),
            _("Handling agency"),
            _("Name of the complainant"),
            _("Decision, act or person concerned"),
            _("Status"),
            _("Received at"),
            _("Accept or refuse by"),
            _("Accepted at"),
            _("Settle by"),
            _("Number of extensions"),
            _("Closed at"),
            _("Overdue"),
        ],
    )
    for c in complaints.select_related("agency").iterator(chunk_size=500):
        due = c.next_due_at
        ws.append(
            [
                c.code,
                c.get_kind_display(),
                c.agency.name,
                "" if c.is_denunciation else c.complainant_name,
                c.subject,
                c.get_status_display(),
                _local(c.received_at),
                _local(c.accept_due_at),
                _local(c.accepted_at),
                _local(c.settle_due_at),
                c.extensions,
                _local(c.settled_at),
                _("Yes") if due is not None and due < now else "",
            ]
        )
    _vietnamese_dates(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# an export is a working list, not a backup: a province's closed petitions run to millions
PETITION_EXPORT_MAX = 20000


def petition_list_xlsx(petitions: QuerySet[Petition], *, title: str) -> bytes:
    """A work queue as the list shows it (tab, search and filters applied), at most
    PETITION_EXPORT_MAX rows: code, title, agency, channel, category, status, received, due,
    handled, published, overdue. The petitioner's contact details stay on the petition's
    page (personal data, Decree 13/2023/NĐ-CP)."""
    from openpyxl import Workbook

    now = timezone.now()
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(title)
    header_row(
        ws,
        [
            _("Code"),
            _("Title"),
            _("Agency"),
            _("Channel"),
            _("Category"),
            _("Status"),
            _("Received at"),
            _("Answer due by"),
            _("Handled at"),
            _("Published at"),
            _("Overdue"),
        ],
    )
    rows = petitions.select_related("agency")[:PETITION_EXPORT_MAX]
    for p in rows.iterator(chunk_size=1000):
        late = p.status in CLOCK_STATUSES and p.handle_due_at is not None and p.handle_due_at < now
        ws.append(
            [
                p.code,
                # a complaint's or denunciation's words stay in its restricted register
                _("Moved to the complaints register") if p.moved_to_complaints else p.title,
                p.agency.name if p.agency else "",
                p.get_channel_display(),
                p.get_category_display(),
                p.get_status_display(),
                _local(p.received_at),
                _local(p.handle_due_at),
                _local(p.handled_at),
                _local(p.published_at),
                _("Yes") if late else "",
            ]
        )
    _vietnamese_dates(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
