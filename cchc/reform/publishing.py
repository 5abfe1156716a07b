"""The year's results: frozen by Home Affairs (ResultSet), restated with a reason as a new
version; and the rebuild of the per-assessment summaries after an upgrade."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.reform import results, summaries
from cchc.reform.access import require_home_affairs
from cchc.reform.models import Assessment, ReformEvent, ResultSet

# the actions that change an appraised score (cchc.reform.appraisal)
APPRAISAL_ACTIONS = ("accept", "adjust", "finalise")


def rebuild_summaries(*, actor: Any, year: int | None = None, batch: int = 200) -> int:
    """Rewrite the summaries of every assessment (of one year): after an upgrade, for
    assessments last changed before summaries existed or under an older layout (until then
    they are scored from their Score rows). Derived data: no event. Each batch of assessments
    is locked while its summaries are written."""
    require_home_affairs(actor)
    qs = Assessment.objects.order_by("pk")
    if year is not None:
        qs = qs.filter(template__year=year)
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            locked = list(
                Assessment.objects.select_for_update(of=("self",)).filter(
                    pk__in=ids[start : start + batch]
                )
            )
            summaries.refresh(locked)
    return len(ids)


def changed_since_publication(year: int, province_code: str | None = None) -> list[dict[str, Any]]:
    """The units whose appraisal changed after the year's current results were published
    (units published unfinished, appraised since): the published figures do not include
    these changes until Home Affairs restates the results with a reason. Oldest first."""
    province_code = province_code or settings.CCHC_PROVINCE_CODE
    current = results.published(year, province_code)
    if current is None:
        return []
    out: dict[str, dict[str, Any]] = {}
    for code, name, at, node in (
        ReformEvent.objects.filter(
            assessment__template__year=year,
            assessment__agency__province_code=province_code,
            action__in=APPRAISAL_ACTIONS,
            at__gt=current.published_at,
        )
        .order_by("at", "pk")
        .values_list("assessment__agency__code", "assessment__agency__name", "at", "node_code")
    ):
        unit = out.setdefault(
            code, {"code": code, "name": name, "changes": 0, "items": [], "last_at": at}
        )
        unit["changes"] += 1
        unit["last_at"] = at
        if node and node not in unit["items"]:
            unit["items"].append(node)
    return list(out.values())


def unfinished_message(counts: dict[str, int]) -> str:
    """What is still missing from a year's results, in words (`results.readiness`)."""
    return _(
        "%(n)s units are not finished: %(not_started)s have not started their "
        "self-assessment, %(draft)s have not submitted it, %(appraising)s are still "
        "under appraisal."
    ) % {
        "n": counts["unfinished"],
        "not_started": counts["not_started"],
        "draft": counts["draft"],
        "appraising": counts["appraising"],
    }


def publish_results(
    year: int,
    *,
    actor: Any,
    province_code: str | None = None,
    reason: str = "",
    confirm_incomplete: bool = False,
) -> ResultSet:
    """Freeze the year's results. A later call is a restatement and needs a reason.

    The results are complete when every unit a template of the year is meant for has
    submitted and been appraised (domain.md §7). Publishing before that freezes units without
    a result and self scores nobody appraised: Home Affairs must say so
    (`confirm_incomplete`), having been shown what is missing."""
    require_home_affairs(actor)
    province_code = province_code or settings.CCHC_PROVINCE_CODE
    with transaction.atomic():
        current = (
            ResultSet.objects.select_for_update()
            .filter(year=year, province_code=province_code, current=True)
            .defer("document", "summary")
            .first()
        )
        if current is not None and not reason.strip():
            raise ValidationFailed(
                _("The results of %(year)s are already published: a restatement needs a reason.")
                % {"year": year},
                field="reason",
            )
        # a restatement corrects a year already published, with its reason
        counts = results.readiness(year, province_code)
        if current is None and counts["unfinished"] and not confirm_incomplete:
            raise ValidationFailed(
                unfinished_message(counts)
                + " "
                + _("Confirm that the results are to be published without them."),
                field="confirm_incomplete",
            )
        # the frozen figures come from the Score rows themselves, not from the summaries
        doc = results.compute_year(year, province_code, fresh=True)
        if not doc["agencies"]:
            raise ValidationFailed(
                _("There are no results to publish for %(year)s.") % {"year": year}
            )
        if current is not None:
            current.current = False
            current.save(update_fields=["current"])
        return ResultSet.objects.create(
            year=year,
            province_code=province_code,
            version=(current.version + 1) if current else 1,
            document=doc,
            summary=results.summarise(doc["agencies"]),
            published_at=timezone.now(),
            published_by=str(getattr(actor, "display_name", actor))[:200],
            reason=reason.strip(),
        )


def restate_results(
    year: int, *, actor: Any, reason: str, province_code: str | None = None
) -> ResultSet:
    if not reason.strip():
        raise ValidationFailed(_("A restatement needs a reason."), field="reason")
    if results.published(year, province_code) is None:
        raise TransitionNotAllowed(
            _("The results of %(year)s are not published yet.") % {"year": year}
        )
    return publish_results(year, actor=actor, province_code=province_code, reason=reason)
