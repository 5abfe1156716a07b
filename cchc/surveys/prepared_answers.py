"""The whole campaign's raw answers as a prepared file (CSV, SPSS .sav, JSONL).

A province's file is too heavy to build in a request (Hà Nội: 12,000+ questionnaires a year;
the SPSS file goes through a pandas frame and pyreadstat), so Home Affairs and the province's
inspectors ask for it on the results page (`request_answers_file`), the job runner builds it
(`build_answers_file`, the same `interchange.export_responses` the command and the one-unit
downloads use) into the file storage, and the page then offers it with its time and size.
The file is read again only through the download view, which checks the reader's right to
every unit's answers (`can_see_all_answers`): the stored name is random and outside any
public folder. A file read before answers were recorded, reviewed or corrected is marked out
of date (`PreparedAnswers.is_stale`, from the campaign's `figures_changes` counter); it
stays downloadable until it is prepared again, which replaces it.

One unit's answers (a few hundred questionnaires) stay a direct download.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.jobs import job
from cchc.surveys.models import Campaign, PreparedAnswers, Response, SurveyEvent
from cchc.surveys.policies import can_see_all_answers

# the formats prepared as files (open data, the published CSV, stays a direct download)
FORMATS = ("csv", "sav", "jsonl")
FOLDER = "surveys/answers"
# a preparation still unfinished after this long is taken as lost (a worker that died, a job
# that failed all its attempts) and may be asked for again
LOST_AFTER = dt.timedelta(minutes=30)


def request_answers_file(campaign: Campaign, *, fmt: str, actor: Any) -> PreparedAnswers:
    """Ask the job runner for the campaign's every-unit answers file in `fmt`; logged on the
    campaign ("raw answers file requested"). While one is being prepared another request
    returns it unchanged (no second job), unless it is older than LOST_AFTER."""
    if not can_see_all_answers(actor, campaign.province_code):
        raise NotPermitted(
            _(
                "Only the Home Affairs department and the inspectors of the province read "
                "every unit's raw answers."
            )
        )
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown export format %(fmt)s.") % {"fmt": fmt}, field="format")
    with transaction.atomic():
        campaign = events.lock(campaign)
        prepared, _created = PreparedAnswers.objects.select_for_update().get_or_create(
            campaign=campaign, format=fmt, defaults={"requested_at": timezone.now()}
        )
        now = timezone.now()
        if not _created and prepared.is_preparing and now - prepared.requested_at < LOST_AFTER:
            return prepared
        prepared.status = PreparedAnswers.Status.PREPARING
        prepared.requested_at = now
        prepared.requested_by = actor if getattr(actor, "pk", None) else None
        prepared.failure = ""
        prepared.save()
        events.append_event(
            SurveyEvent,
            campaign,
            action="answers_file",
            actor=actor,
            data={"format": fmt},
            save=True,
        )
        build_answers_file.enqueue(prepared.pk)
        return prepared


@job(max_attempts=3)
def build_answers_file(prepared_id: int) -> None:
    """Write the file and record it. Idempotent: a file no longer being prepared (already
    built, or its row gone) is left alone; a retry after a crash builds it again."""
    from cchc.surveys import interchange

    prepared = (
        PreparedAnswers.objects.select_related("campaign__method").filter(pk=prepared_id).first()
    )
    if prepared is None or not prepared.is_preparing:
        return
    campaign = prepared.campaign
    # read before the answers: a change while the file is written marks it out of date
    state = Campaign.objects.values_list("figures_changes", flat=True).get(pk=campaign.pk)
    extension, _content_type = interchange.EXPORT_FORMATS[prepared.format]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers.{extension}"
        try:
            count = interchange.export_responses(
                Response.objects.filter(campaign=campaign),
                fmt=prepared.format,
                path=path,
                campaign=campaign,
                method=campaign.method,
            )
        except interchange.NothingToExport as exc:
            PreparedAnswers.objects.filter(pk=prepared.pk, status=prepared.status).update(
                status=PreparedAnswers.Status.FAILED, failure=str(exc)
            )
            return
        name = f"{FOLDER}/{campaign.pk}/{secrets.token_hex(16)}.{extension}"
        with path.open("rb") as handle:
            name = default_storage.save(name, File(handle))
    replaced = ""
    with transaction.atomic():
        current = PreparedAnswers.objects.select_for_update().filter(pk=prepared.pk).first()
        if current is None or not current.is_preparing:  # removed meanwhile
            transaction.on_commit(lambda: default_storage.delete(name))
            return
        replaced = current.file_name
        current.status = PreparedAnswers.Status.READY
        current.file_name = name
        current.size = default_storage.size(name)
        current.questionnaires = count
        current.built_at = timezone.now()
        current.answers_state = state
        current.save()
    if replaced:
        default_storage.delete(replaced)


def open_answers_file(campaign: Campaign, *, fmt: str, actor: Any) -> tuple[PreparedAnswers, Any]:
    """The prepared file and an open handle to it, for a reader of every unit's answers."""
    if not can_see_all_answers(actor, campaign.province_code):
        raise NotPermitted(_("You may not read every unit's raw answers."))
    prepared = PreparedAnswers.objects.filter(campaign=campaign, format=fmt).first()
    if prepared is None or not prepared.file_name:
        raise PreparedAnswers.DoesNotExist
    return prepared, default_storage.open(prepared.file_name, "rb")


def files_of(campaign: Campaign) -> list[dict[str, Any]]:
    """What the results page shows of each format: its row (or None) and whether it is
    current, being prepared, or may be asked for again."""
    rows = {
        p.format: p
        for p in PreparedAnswers.objects.filter(campaign=campaign).select_related("campaign")
    }
    now = timezone.now()
    labels = {"csv": "CSV", "sav": "SPSS (.sav)", "jsonl": "JSONL"}
    shown = []
    for fmt in FORMATS:
        prepared = rows.get(fmt)
        preparing = prepared is not None and prepared.is_preparing
        shown.append(
            {
                "format": fmt,
                "label": labels[fmt],
                "prepared": prepared,
                "preparing": preparing,
                "may_request": prepared is None
                or not preparing
                or now - prepared.requested_at >= LOST_AFTER,
                "stale": prepared is not None and prepared.is_stale,
            }
        )
    return shown
