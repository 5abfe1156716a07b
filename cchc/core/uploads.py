"""The one check every uploaded file passes (dossier documents at the counter, on the portal
and in a supplement; PAR evidence): type judged by its content, size limited."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed

# Magic bytes of the file types accepted for dossier documents.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def check_upload(upload) -> str:  # type: ignore[no-untyped-def]
    """Accept a PDF, JPEG or PNG no larger than MAX_UPLOAD_MB, judged by its content (not its
    name or the browser's claimed type). Returns the content type."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationFailed(
            _("The file %(name)s is larger than %(mb)s MB.")
            % {"name": upload.name, "mb": settings.MAX_UPLOAD_MB},
            field="file",
        )
    if upload.size == 0:
        raise ValidationFailed(
            _("The file %(name)s is empty.") % {"name": upload.name}, field="file"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationFailed(
            _("The file %(name)s is not a PDF, JPEG or PNG document.") % {"name": upload.name},
            field="file",
        )
    return found[0]
