"""File answers: an upload given to a questionnaire's file item is checked like every upload
of the platform (`cchc.portal.validators.check_upload`: type sniffed from its content, size
limited to MAX_UPLOAD_MB) and stored once by its content. The answer keeps only the stored
name, type, size and digest, never the name the file had on the respondent's device (it may
carry a name: anonymity, issue 13.5).

Every stored file has an `AnswerFile` row, written (committed) when it is stored, before the
questionnaire's own transaction: a questionnaire refused for another answer, abandoned after
the upload, or sent with another file leaves a file no response refers to.
`clean_orphan_files` deletes those once older than SURVEY_ORPHAN_FILE_HOURS (run daily:
`manage.py clean_survey_files`, or the job `clean_orphan_files_job`).

Why it never deletes a file in use: a file counts as used when a response's answers, the
history of a response (an edit keeps the answers before and after) or a paper form's keying
refers to it. A file being uploaded again while the clean-up looks at it is protected by the
row: the clean-up deletes a file only while it holds the row's lock and sees it still old;
an upload renews `uploaded_at` (waiting for that lock) before it checks the file is there, so
either the clean-up sees the new date and keeps the file, or the upload finds file and row
gone and stores both again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.core.errors import ValidationFailed
from cchc.core.jobs import job
from cchc.core.uploads import check_upload

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
FOLDER = "surveys/files"

log = logging.getLogger(__name__)


def is_upload(value: Any) -> bool:
    return hasattr(value, "read") and hasattr(value, "size") and hasattr(value, "chunks")


def _renew(name: str, sha: str, content_type: str, size: int) -> None:
    """Record (or renew) the stored file's row; waits while a clean-up holds it."""
    from cchc.surveys.models import AnswerFile

    now = timezone.now()
    for _attempt in range(3):
        if AnswerFile.objects.filter(name=name).update(uploaded_at=now):
            return
        try:
            with transaction.atomic():
                AnswerFile.objects.create(
                    name=name, sha256=sha, content_type=content_type, size=size, uploaded_at=now
                )
            return
        except IntegrityError:  # another upload (or a clean-up's adoption) made it first
            continue
    raise RuntimeError(f"could not record the survey file {name}")


def store_answer_file(upload: Any, *, field: str) -> dict[str, Any]:
    """Check the upload (raises ValidationFailed with the platform's Vietnamese message, on
    the item's field) and store it under its digest. Returns the answer's value."""
    try:
        content_type = check_upload(upload)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=field) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    sha = digest.hexdigest()
    name = f"{FOLDER}/{sha[:2]}/{sha}{EXTENSIONS.get(content_type, '')}"
    _renew(name, sha, content_type, upload.size)
    if not default_storage.exists(name):
        name = default_storage.save(name, upload)
    return {"file": name, "type": content_type, "size": upload.size, "sha256": sha}


def store_uploads(file_codes: Iterable[str], answers: Any) -> Any:
    """The answers with each upload given to one of the file items stored and replaced by
    its stored value. Called by the collection services before their transaction, so the
    file's row is committed even when the questionnaire is then refused."""
    if not isinstance(answers, dict):
        return answers
    codes = set(file_codes)
    return {
        code: store_answer_file(value, field=code) if code in codes and is_upload(value) else value
        for code, value in answers.items()
    }


# -- clean-up of files no response refers to ------------------------------------------------
def file_names(value: Any) -> Iterator[str]:
    """The stored names of the file answers anywhere in a set of answers (or an event's data
    holding answers)."""
    if isinstance(value, dict):
        name = value.get("file")
        if isinstance(name, str) and "sha256" in value:
            yield name
        for v in value.values():
            if isinstance(v, (dict, list)):
                yield from file_names(v)
    elif isinstance(value, list):
        for v in value:
            yield from file_names(v)


def referenced_names() -> set[str]:
    """Every stored name a response, a response's history or a paper keying refers to."""
    from cchc.surveys.models import Item, Keying, Response, ResponseEvent

    codes = sorted(set(Item.objects.filter(type=Item.Type.FILE).values_list("code", flat=True)))
    names: set[str] = set()
    if not codes:
        return names
    for answers in (
        Response.objects.filter(answers__has_any_keys=codes)
        .values_list("answers", flat=True)
        .iterator(chunk_size=2000)
    ):
        names.update(file_names(answers))
    for answers in (
        Keying.objects.filter(answers__has_any_keys=codes)
        .values_list("answers", flat=True)
        .iterator(chunk_size=2000)
    ):
        names.update(file_names(answers))
    # corrections (and a bundle's updates) keep the answers before and after: a file once
    # part of a response stays
    for data in (
        ResponseEvent.objects.filter(action__in=("edit", "import_update"))
        .values_list("data", flat=True)
        .iterator(chunk_size=2000)
    ):
        names.update(file_names(data))
    return names


def _stored_files() -> Iterator[str]:
    """The names of every file in the survey files' folder of the storage."""
    try:
        shards = default_storage.listdir(FOLDER)[0]
    except (FileNotFoundError, NotImplementedError):
        return
    for shard in shards:
        for filename in default_storage.listdir(f"{FOLDER}/{shard}")[1]:
            yield f"{FOLDER}/{shard}/{filename}"


@dataclass
class Cleaned:
    deleted: int = 0
    kept_in_use: int = 0
    kept_recent: int = 0


def clean_orphan_files(*, older_than: dt.timedelta | None = None, dry_run: bool = False) -> Cleaned:
    """Delete the survey files (and their rows) no response refers to whose last upload is
    older than `older_than` (default SURVEY_ORPHAN_FILE_HOURS). A file in the storage with no
    row (stored before rows were kept, or by a transaction that rolled back) is judged by the
    storage's modification time and adopted as a row first, so the upload protocol above
    protects it too."""
    from cchc.surveys.models import AnswerFile

    if older_than is None:
        older_than = dt.timedelta(hours=settings.SURVEY_ORPHAN_FILE_HOURS)
    cutoff = timezone.now() - older_than
    out = Cleaned()
    # adopt old files of the storage that have no row
    known = set(AnswerFile.objects.values_list("name", flat=True))
    for name in _stored_files():
        if name in known:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified >= cutoff:
            out.kept_recent += 1
            continue
        if not dry_run:
            try:
                with transaction.atomic():
                    AnswerFile.objects.create(
                        name=name,
                        sha256=name.rsplit("/", 1)[-1].split(".")[0],
                        content_type="",
                        size=default_storage.size(name),
                        uploaded_at=modified,
                    )
            except IntegrityError:  # an upload of the same content recorded it meanwhile
                continue
    out.kept_recent += AnswerFile.objects.filter(uploaded_at__gte=cutoff).count()
    candidates = list(AnswerFile.objects.filter(uploaded_at__lt=cutoff).values_list("pk", "name"))
    if not candidates:
        return out
    in_use = referenced_names()
    for pk, name in candidates:
        if name in in_use:
            out.kept_in_use += 1
            continue
        if dry_run:
            out.deleted += 1
            continue
        with transaction.atomic():
            row = (
                AnswerFile.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, uploaded_at__lt=cutoff)
                .first()
            )
            if row is None:  # uploaded again meanwhile (or being uploaded now)
                out.kept_recent += 1
                continue
            default_storage.delete(row.name)
            row.delete()
            out.deleted += 1
    if out.deleted:
        log.info("survey files: %s orphan file(s) deleted", out.deleted)
    return out


@job(max_attempts=3)
def clean_orphan_files_job() -> dict[str, int]:
    """The clean-up on the job runner (enqueue it daily, e.g. from `clean_survey_files
    --enqueue` in cron, or run it in-process with the command)."""
    done = clean_orphan_files()
    return {"deleted": done.deleted, "kept_in_use": done.kept_in_use}
