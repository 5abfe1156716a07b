"""What several index pages need: who may see which province (`_viewer`), the period asked
for and the 400 page of one the index cannot report on (`_period`, `planned`), the trend of
past periods (`_trend`), what a page says of a closed period (`_closed`, `_closed_notes`),
the period picker (`period_choices`) and the context every page gets (`_common`)."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.calendar import fmt as fmt_local
from cchc.core.db import unprepared
from cchc.core.errors import DomainError
from cchc.indices import reports as period_reports
from cchc.indices import scoring
from cchc.indices.forms import PeriodPickerForm
from cchc.indices.models import PeriodReport
from cchc.indices.periods import Period, current
from cchc.indices.templatetags.scores import score2, score_formatter

SCHEME = "qd766"
HISTORY = 6
HISTORY_TTL = 60


def planned(view):  # type: ignore[no-untyped-def]
    """Index pages plan their aggregates on every call (see cchc.core.db.unprepared), and answer
    a period they cannot report on with a 400 page that says why (never a 500)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            with unprepared():
                return view(request, *args, **kwargs)
        except scoring.UnreportablePeriod as exc:
            return _bad_period(request, exc)

    return wrapper


def _bad_period(request: HttpRequest, exc: scoring.UnreportablePeriod) -> HttpResponse:
    return render(
        request,
        "indices/bad_period.html",
        {
            "message": exc.message,
            "asked": request.GET.get("period", "") or request.POST.get("period", ""),
            "period_text": str(current("quarter")),
        },
        status=400,
    )


def _period(request: HttpRequest) -> Period:
    """The period asked for (default: the current quarter); UnreportablePeriod if the index
    cannot report on it (see `scoring.reportable`)."""
    text = request.GET.get("period", "")
    return scoring.reportable(text or current("quarter"), SCHEME)


def _province_of(user: Any) -> str:
    if getattr(user, "province_code", ""):
        return user.province_code
    ids = permissions.agency_ids(user)
    agency = Agency.objects.filter(pk__in=ids).first() if ids else None
    return agency.province_code if agency else ""


def _default_province() -> str:
    codes = Counter(Agency.objects.values_list("province_code", flat=True))
    return codes.most_common(1)[0][0] if codes else ""


def _viewer(request: HttpRequest) -> str:
    """The province the signed-in viewer may see; 403 for citizens."""
    user = request.user
    if not (
        user.is_superuser
        or permissions.is_staff_member(user)
        or user.kind in ("PROVINCE_ADMIN", "INSPECTOR")
    ):  # type: ignore[union-attr]
        raise PermissionDenied(
            _("The index dashboards are for staff, province administrators and inspectors.")
        )
    if user.is_superuser:
        return request.GET.get("province") or _default_province()
    return _province_of(user)


def _export(request: HttpRequest) -> str:
    fmt = request.GET.get("export", "")
    return fmt if fmt in ("xlsx", "pdf") else ""


def _summary(ps: scoring.PeriodScores) -> dict[str, Any]:
    """What a trend needs of one period: small numbers only (cheap to cache)."""
    prov = ps.province
    # a period without a dossier is a gap in a trend (null), not a score: its 16 points of
    # procedure and petition metrics and 0 for progress drew a false jump
    received = {a: (c.get("received") or 0) for a, c in ps.counters.items()}
    province_data = any(received.values())
    return {
        "label": str(ps.period),
        # each period out of its own methodology's maximum (a scheme version may change it)
        "max_points": ps.spec.max_points,
        "province_total": prov.total if province_data else None,
        "province_groups": {g.code: g.score if province_data else None for g in prov.groups},
        "total": {a: s.total if received.get(a) else None for a, s in ps.scores.items()},
        "rank": dict(ps.ranks),
        "metric": {
            a: {m.code: m.score if received.get(a) else None for g in s.groups for m in g.metrics}
            for a, s in ps.scores.items()
        },
    }


def _trend(period: Period, province: str) -> tuple[scoring.PeriodScores, list[dict[str, Any]]]:
    """The period's live scores, and the summaries of it and up to HISTORY - 1 periods before
    (those under a methodology in force), oldest first. Earlier periods are cached for
    HISTORY_TTL seconds; the period shown is always computed live from the summaries."""
    closed = PeriodReport.objects.filter(province_code=province).aggregate(
        n=Max("pk"), r=Sum("restated")
    )
    key = f"indices:trend:v3:{SCHEME}:{province}:{period}:{closed['n']}:{closed['r']}"
    past = cache.get(key)
    if past is None:
        out = scoring.period_scores_many(SCHEME, period.history(HISTORY), province_code=province)
        out = period_reports.with_frozen(SCHEME, out, province)
        if not out or out[-1].period != period:
            raise DomainError(
                _("No methodology of scheme %(s)s is in force for %(p)s.")
                % {"s": SCHEME, "p": period.label}
            )
        past = [_summary(ps) for ps in out[:-1]]
        cache.set(key, past, HISTORY_TTL)
        ps = out[-1]
    else:
        ps = period_reports.scores_for(SCHEME, period, province_code=province)
    # the label is worded per request, never cached: the past summaries are shared by every
    # viewer, and a label cached in the first viewer's language showed "Quarter 3/2026" on
    # the axis of a Vietnamese reader's chart
    return ps, [
        {**s, "period_label": Period.parse(s["label"]).label} for s in [*past, _summary(ps)]
    ]


def _trend_text(trend: list[dict[str, Any]], values: list[Any]) -> str:
    """A trend line's values in words, for a screen reader (the sparkline's aria-label):
    "Tháng 7/2026: không có dữ liệu; Tháng 8/2026: 29,79"."""
    fmt2 = score_formatter()
    no_data = _("no data")
    return "; ".join(
        f"{t['period_label']}: {no_data if v is None else fmt2(v)}"
        for t, v in zip(trend, values, strict=True)
    )


def _group_names(ps: scoring.PeriodScores) -> list[tuple[str, str, float]]:
    return [(g.code, g.label, g.max_points) for g in ps.spec.groups]


def _closed(ps: scoring.PeriodScores | None, *, named: bool = True) -> dict[str, Any] | None:
    """What a page says of a closed period: its figures are frozen, and by how much the live
    figures now differ. `named=False` (the public page, which promises no personal data)
    leaves out the official who closed it."""
    if ps is None or not isinstance(ps, scoring.FrozenScores):
        return None
    report = ps.report
    return {
        "at": report.closed_at,
        "by": report.closed_by.display_name if report.closed_by and named else "",
        "restated": report.restated,
        # when and why the frozen figures were restated: a reader who saw other figures
        # before is told what changed them (the public page too: no one is named)
        "restatements": (
            list(report.restatements.order_by("at").values("at", "reason"))
            if report.restated
            else []
        ),
        "province_difference": ps.province_live_difference,
        "live_province_total": ps.live.province.total,
    }


def _closed_notes(ps: scoring.PeriodScores, *, named: bool = True) -> list[str]:
    """The export's lines saying the figures are frozen, with the live difference."""
    closed = _closed(ps, named=named)
    if closed is None:
        return []
    if closed["by"]:
        first = _(
            "Frozen figures of a closed period (closed %(at)s by %(who)s, restated %(n)s times)."
        ) % {"at": fmt_local(closed["at"]), "who": closed["by"], "n": closed["restated"]}
    else:
        first = _("Frozen figures of a closed period (closed %(at)s, restated %(n)s times).") % {
            "at": fmt_local(closed["at"]),
            "n": closed["restated"],
        }
    notes = [first]
    for restatement in closed["restatements"]:
        notes.append(
            _("Restated %(at)s: %(reason)s")
            % {"at": fmt_local(restatement["at"]), "reason": restatement["reason"]}
        )
    if closed["province_difference"] is not None:
        notes.append(
            _("Live figures differ: province total %(live)s, difference %(d)s points.")
            % {
                "live": score2(closed["live_province_total"]),
                "d": score2(closed["province_difference"]),
            }
        )
    return notes


def period_choices(shown: Period | None = None) -> list[tuple[str, list[Period]]]:
    """The period picker's option groups (quarters, months, then years, newest first: see
    `scoring.reportable_periods`), with the period shown added when it is not among them
    (the current quarter, still running, or a year). Cached per day and methodology."""
    from django.utils import timezone

    from cchc.indices.models import SchemeVersion

    today = timezone.localdate()
    versions = SchemeVersion.objects.filter(scheme__code=SCHEME).values_list(
        "pk", "valid_from", "valid_to", "status"
    )
    signature = hashlib.sha256(repr(list(versions.order_by("pk"))).encode()).hexdigest()[:16]
    key = f"indices:periods:{SCHEME}:{today}:{signature}"
    found = cache.get(key)
    if found is None:
        found = scoring.reportable_periods(SCHEME, today=today)
        cache.set(key, found, 3600)
    groups = [
        (_("Quarters"), list(found["quarter"])),
        (_("Months"), list(found["month"])),
        (_("Years"), list(found.get("year", []))),
    ]
    if shown is not None and not any(shown in periods for _n, periods in groups):
        groups.insert(0, (_("Period shown"), [shown]))
    return [(name, periods) for name, periods in groups if periods]


def _common(
    request: HttpRequest,
    period: Period,
    ps: scoring.PeriodScores | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "period": period,
        "period_text": str(period),
        "period_form": PeriodPickerForm(period_choices(period), period),
        "scheme": SCHEME,
        "closed": _closed(ps),
        "ps": ps,
        **extra,
    }
