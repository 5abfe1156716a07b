"""Reconciliation that reconciles (issue 17 point 4): the national portal's published 766
figures set against the platform's own figures for the same period, agency by agency and
metric by metric, each gap explained by the dossiers behind it.

`reconcile.py` re-checks the portal's formula on the portal's own numbers; this module asks
the other question: does the portal count what we count? The portal's report files (the JSON
responses of dichvucong.gov.vn, reference/dvcqg-766-phu-tho/, both layouts) carry a numerator
and a denominator per unit and metric but no dossier list, so a gap is explained from our side:

- the portal counts more in the denominator → records it has that we do not hold (not
  imported, or received in another system);
- we count more → our records the portal does not have (not synchronised, DongBoDVCQG);
- same denominator, different numerator → the same records judged differently (e.g. counted
  late by the portal, on time by us): our list of those counted (or not counted) is the list
  to check, linked to the metric's evidence page and its first codes written out.

A file that is not a portal report (not JSON, no `data` object, no group of the scheme) is
refused with a message; nothing is written to the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.text import fold
from cchc.indices import counters, reconcile, scoring
from cchc.indices.engine import GroupSpec, SchemeSpec
from cchc.indices.periods import Period

SCHEME = "qd766"
LISTED = 10  # codes written out per gap; the evidence page lists them all
# a list no evidence page shows (ours the portal lacks) is written out whole behind its first
# codes, up to this many, the number beyond it said: it stopped at the first ten with "…"
SHOWN = 500


@dataclass
class Gap:
    agency_code: str
    agency_name: str
    group: str
    metric: str
    portal: tuple[int | None, int | None]
    ours: tuple[int | None, int | None]
    explanation: str = ""
    which: str = ""  # the evidence list to check: "numerator" or "missing"
    url: str = ""
    records: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # the rest of a list no page shows whole
    # what the list holds, in words, with its full size: the portal publishes counts, not
    # records, so the list is never "the N records of the gap" and must say what it is
    listed: str = ""
    listed_count: int = 0
    source: str = ""  # what `records` are codes of (counters.DOSSIER, PETITION...)

    @property
    def counted(self) -> str:
        """What the gap's list holds, in words ("hồ sơ", "thủ tục hành chính"...)."""
        return counted_noun(self.source)

    @property
    def metric_label(self) -> str:
        """The metric's name for people (cchc.indices.labels); the code stays in `metric`."""
        from cchc.indices.labels import metric_label

        return metric_label(self.metric)

    @property
    def unshown(self) -> int:
        """How many listed records are written out nowhere on the page (beyond SHOWN, or
        on the evidence page behind `url`)."""
        return max(self.listed_count - len(self.records) - len(self.more), 0)


@dataclass
class Comparison:
    period: Period
    files: list[str] = field(default_factory=list)
    compared: int = 0  # (agency, metric) pairs present on both sides
    matching: int = 0
    gaps: list[Gap] = field(default_factory=list)
    unmatched_units: list[str] = field(default_factory=list)  # portal units we do not know
    errors: list[str] = field(default_factory=list)


def parse_upload(name: str, raw: bytes) -> dict[str, Any]:
    """The `data` object of an uploaded portal file, or PortalFileError with a message."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise reconcile.PortalFileError(
            _("%(f)s is not in the national portal's format (a JSON report file).") % {"f": name}
        ) from exc
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or not ("evaluation" in data or "children" in data):
        raise reconcile.PortalFileError(
            _(
                "%(f)s is not in the national portal's format: no 'data' object with the "
                "units' rows."
            )
            % {"f": name}
        )
    return data


def _rows(group: GroupSpec, data: dict[str, Any]) -> list[dict[str, Any]]:
    key = "evaluation" if group.portal_layout == "metrics" else "children"
    return [r for r in data.get(key) or [] if isinstance(r, dict)]


def _portal_values(group: GroupSpec, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    if group.portal_layout == "metrics":
        return {
            m.get("code"): (m.get("numerator"), m.get("denominator"))
            for m in row.get("metrics") or []
        }
    return {
        m.code: (
            reconcile._field(row, m.portal_numerator) if m.portal_numerator else None,
            reconcile._field(row, m.portal_denominator) if m.portal_denominator else None,
        )
        for m in group.metrics
    }


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def counted_noun(source: str) -> str:
    """What a metric counts, in words, from its denominator counter (rule data, counters.
    source_of): a gap of "Tỷ lệ TTHC kết nối dữ liệu dân cư" is in procedures, not records."""
    if source == counters.PROCEDURE:
        return pgettext("what a metric counts", "procedures")
    if source == counters.PETITION:
        return pgettext("what a metric counts", "petitions")
    return pgettext("what a metric counts", "records")


def _record_label(item: Any) -> str:
    for attr in ("dossier", "petition"):
        obj = getattr(item, attr, None)
        if obj is not None and getattr(obj, "code", None):
            return str(obj.code)
    return str(getattr(item, "code", item))


def compare(
    files: list[tuple[str, dict[str, Any]]],
    period: Period,
    *,
    province_code: str = "",
    every: bool = False,
) -> Comparison:
    """Compare portal files (name, data) with our figures of `period`. `every`: each gap's
    list written out whole (records + more), for the command a reviewer reads or saves; the
    page writes out the first codes and links to the evidence page for the rest."""
    result = Comparison(period=period, files=[n for n, _d in files])
    scores = scoring.period_scores(SCHEME, period, province_code=province_code)
    spec: SchemeSpec = scores.spec
    by_code = {a.code: a for a in scores.agencies}
    by_name = {fold(a.name): a for a in scores.agencies}
    identified: list[tuple[str, GroupSpec, dict[str, Any]]] = []
    ids: dict[str, str] = {}  # portal departmentId -> departmentCode, from files that have both
    for name, data in files:
        try:
            group = reconcile.identify(spec, data, hint=PurePath(name).parent.name)
        except reconcile.PortalFileError:
            result.errors.append(
                _("%(f)s is not in the national portal's format: no index group of %(s)s fits.")
                % {"f": name, "s": spec.scheme}
            )
            continue
        identified.append((name, group, data))
        for row in _rows(group, data):
            if row.get("departmentId") and row.get("departmentCode"):
                ids[str(row["departmentId"])] = str(row["departmentCode"])
    unmatched: set[str] = set()
    for _name, group, data in identified:
        for row in _rows(group, data):
            code = str(row.get("departmentCode") or ids.get(str(row.get("departmentId")), ""))
            # by name only a row with no code: a code we do not hold is another unit, even
            # one of the same name (Phú Thọ's "UBND Xã Liên Minh", H44.185, had been set
            # against Hà Nội's, H26.185, figure by figure)
            agency = (
                by_code.get(code)
                if code
                else by_name.get(fold(str(row.get("departmentName") or "")))
            )
            if agency is None:
                unmatched.add(f"{code or '?'} {row.get('departmentName') or ''}".strip())
                continue
            ours_group = scores.scores[agency.pk].group(group.code)
            ours = {m.code: (m.numerator, m.denominator) for m in ours_group.metrics}
            for metric, (pnum, pden) in _portal_values(group, row).items():
                if metric not in ours:
                    continue
                portal = (_int(pnum), _int(pden))
                if portal == (None, None):
                    continue  # the portal publishes no figure (e.g. certified copies)
                result.compared += 1
                mine = ours[metric]
                if (portal[0] or 0, portal[1] or 0) == (mine[0] or 0, mine[1] or 0):
                    result.matching += 1
                    continue
                result.gaps.append(
                    _explain(spec, group, metric, agency, period, portal, mine, every=every)
                )
    result.unmatched_units = sorted(unmatched)
    return result


def openable_dossiers(result: Comparison, viewer: Any) -> set[str]:
    """The codes of the gaps' listed dossiers that `viewer` may open on the staff dossier page
    (the page answers 404 to the others): a reader checks a gap on the dossier behind it."""
    from cchc.dossiers.models import Dossier

    codes = {
        code for g in result.gaps if g.source == counters.DOSSIER for code in (*g.records, *g.more)
    }
    if not codes:
        return set()
    return set(
        Dossier.objects.visible_to(viewer).filter(code__in=codes).values_list("code", flat=True)
    )


def _explain(
    spec: SchemeSpec,
    group: GroupSpec,
    metric: str,
    agency: Any,
    period: Period,
    portal: tuple[int | None, int | None],
    ours: tuple[int | None, int | None],
    *,
    every: bool = False,
) -> Gap:
    pnum, pden = portal[0] or 0, portal[1] or 0
    onum, oden = ours[0] or 0, ours[1] or 0
    gap = Gap(agency.code, agency.name, group.code, metric, portal, ours)
    ev = counters.evidence(spec, metric, agency.pk, period)
    gap.source = ev.source
    what = counted_noun(ev.source)
    if pden > oden:
        gap.explanation = _(
            "The portal counts %(n)s more %(what)s than we hold: %(what)s missing here (not "
            "imported, or held in another system)."
        ) % {"n": pden - oden, "what": what}
        gap.which = "missing"
    elif oden > pden:
        gap.explanation = _(
            "We count %(n)s more %(what)s than the portal: ours that the portal lacks (not "
            "synchronised to the national portal)."
        ) % {"n": oden - pden, "what": what}
        gap.which = "numerator" if onum - pnum >= oden - pden else "missing"
    elif pnum < onum:
        gap.explanation = _(
            "Same number of %(what)s, %(n)s counted by us and not by the portal (e.g. late at "
            "the portal, on time here): check our counted list."
        ) % {"n": onum - pnum, "what": what}
        gap.which = "numerator"
    else:
        gap.explanation = _(
            "Same number of %(what)s, %(n)s counted by the portal and not by us (e.g. on time "
            "at the portal, late here): check our not-counted list."
        ) % {"n": pnum - onum, "what": what}
        gap.which = "missing"
    items: Any
    if pden > oden:
        # the portal's extra records are not here: no list of ours can show them
        gap.which = ""
        gap.listed = _(
            "These %(what)s are not on this platform, so no list here can show them: ask "
            "the national portal for their codes."
        ) % {"what": what}
        return gap
    if oden > pden and ev.source == counters.DOSSIER:
        # ours that the portal lacks: our records of the metric not synchronised to it
        counted: Any = ev.numerator  # querysets of facts for a dossier metric
        not_counted: Any = ev.missing
        items = (counted.filter(synced=False) | not_counted.filter(synced=False)).order_by(
            "received_at", "pk"
        )
        gap.listed_count = items.count()
        gap.which = ""
        gap.listed = _(
            "Listed: our %(k)s records of this metric not synchronised to the national "
            "portal (the portal counts %(n)s fewer)."
        ) % {"k": gap.listed_count, "n": oden - pden}
    elif oden > pden:
        items = [*ev.numerator, *ev.missing]
        gap.listed_count = len(items)
        gap.which = ""
        gap.listed = _(
            "Listed: all our %(k)s %(what)s of this metric; the portal publishes no list, "
            "compare them with its %(what)s by code."
        ) % {"k": gap.listed_count, "what": what}
    elif gap.which == "numerator":
        items = ev.numerator
        gap.listed_count = ev.numerator_count
        gap.listed = _(
            "Listed: the %(k)s %(what)s we count; the %(n)s judged differently by the portal "
            "are among them."
        ) % {"k": gap.listed_count, "n": onum - pnum, "what": what}
    else:
        items = ev.missing
        gap.listed_count = ev.denominator_count - ev.numerator_count
        gap.listed = _(
            "Listed: the %(k)s %(what)s we do not count; the %(n)s judged differently by the "
            "portal are among them."
        ) % {"k": gap.listed_count, "n": pnum - onum, "what": what}
    shown = [
        _record_label(i) for i in list(items if every else items[: LISTED if gap.which else SHOWN])
    ]
    gap.records, gap.more = shown[:LISTED], shown[LISTED:]
    if gap.which:
        gap.url = (
            reverse("indices:evidence", kwargs={"code": agency.code, "metric": metric})
            + f"?period={period}&which={gap.which}"
        )
    return gap
