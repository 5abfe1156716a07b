"""File answers: an upload given to a questionnaire's file item is checked like every upload
of the platform (`cchc.portal.validators.check_upload`: type sniffed from its content, size
limited to MAX_UPLOAD_MB) and stored once by its content. The answer keeps only the stored
name, type, size and digest, never the name the file had on the respondent's device (it may
carry a name: anonymity, issue 13.5)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.storage import default_storage

from cchc.core.errors import ValidationFailed
from cchc.core.uploads import check_upload

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def is_upload(value: Any) -> bool:
    return hasattr(value, "read") and hasattr(value, "size") and hasattr(value, "chunks")


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
    name = f"surveys/files/{sha[:2]}/{sha}{EXTENSIONS.get(content_type, '')}"
    if not default_storage.exists(name):
        name = default_storage.save(name, upload)
    return {"file": name, "type": content_type, "size": upload.size, "sha256": sha}
