"""Documents for demo dossiers (issue 16, point 9): the counter checklist, the scanned
components and, for returned dossiers, the electronic result — small generated PDFs.

The imported history carries no files, so a sample of imported dossiers gets its records here
as rows (DigitizedDocument + DossierDocument + ReceivedComponent, bulk-written: a few hundred
dossiers in about a second). The 766 flags of those dossiers are then derived from the rows
exactly as `cchc.dossiers.services.derive_document_flags` does for a live dossier, and the
index facts are refreshed through the same bulk signal the importer sends."""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from cchc.catalogue.models import RequiredDocument
from cchc.dossiers.models import (
    DigitizedDocument,
    Dossier,
    DossierDocument,
    ReceivedAs,
    ReceivedComponent,
    Status,
)
from cchc.dossiers.signals import dossiers_bulk_changed

ONLINE = 2  # KenhThucHien: online dossiers have no counter checklist


def ascii_text(text: str) -> str:
    """Vietnamese text without diacritics (the PDF's base-14 font has no Vietnamese glyphs)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in flat if ch.isprintable() and ch not in "()\\")


def slug(text: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text(text).lower()).split()
    return "-".join(words)[:60] or "tai-lieu"


def demo_pdf(*lines: str) -> bytes:
    """A one-page PDF 1.4 with a few lines of text (valid: cross-reference table included)."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(f"({ascii_text(x)}) '" for x in lines)
    stream = f"{text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stored(name: str, content: bytes) -> dict[str, Any]:
    """Write one file to the storage; the fields of a DigitizedDocument pointing at it."""
    digest = hashlib.sha256(content).hexdigest()
    path = default_storage.save(
        f"documents/demo/{digest[:2]}/{digest}-{name}", ContentFile(content)
    )
    return {
        "name": name,
        "file": path,
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": digest,
    }


@transaction.atomic
def seed_dossier_documents(dossiers: Sequence[Dossier], *, seed: int = 16) -> dict[str, int]:
    """Give these dossiers documents: a checklist of the procedure's components (counter
    dossiers), a scan of each mandatory component (and of some optional ones), and the
    electronic result of every returned dossier (and of some finished ones). Dossiers that
    already have documents are left alone. Returns counts of the rows written."""
    rng = random.Random(seed)
    taken = set(
        DossierDocument.objects.filter(dossier__in=[d.pk for d in dossiers]).values_list(
            "dossier_id", flat=True
        )
    )
    dossiers = [d for d in dossiers if d.pk not in taken]
    components: dict[int, list[RequiredDocument]] = defaultdict(list)
    for c in RequiredDocument.objects.filter(
        procedure_id__in={d.procedure_id for d in dossiers}
    ).order_by("procedure_id", "order", "pk"):
        components[c.procedure_id].append(c)
    # one stored scan per component name (the same blank form serves every dossier of it)
    scans: dict[str, dict[str, Any]] = {}
    checklist: list[ReceivedComponent] = []
    planned: list[tuple[Dossier, RequiredDocument | None, str, dict[str, Any]]] = []
    for d in dossiers:
        for c in components[d.procedure_id]:
            handed_in = c.mandatory or rng.random() < 0.4
            if not handed_in:
                continue
            if d.channel != ONLINE:
                how = rng.choice([ReceivedAs.ORIGINAL, ReceivedAs.COPY, ReceivedAs.COPY])
                checklist.append(
                    ReceivedComponent(
                        dossier=d, required_document=c, name=c.name[:500], received_as=how
                    )
                )
            if d.channel == ONLINE or c.mandatory or rng.random() < 0.5:
                name = f"{slug(c.name)}.pdf"
                if name not in scans:
                    scans[name] = _stored(name, demo_pdf("Ban so hoa (demo)", c.name))
                planned.append((d, c, DossierDocument.Role.COMPONENT, scans[name]))
        if d.status == Status.RETURNED or (d.status == Status.FINISHED and rng.random() < 0.7):
            content = demo_pdf(
                "KET QUA GIAI QUYET THU TUC HANH CHINH (demo)",
                f"Ho so {d.code}",
                d.applicant_name,
            )
            planned.append(
                (
                    d,
                    None,
                    DossierDocument.Role.RESULT,
                    _stored(f"ket-qua-{slug(d.code)}.pdf", content),
                )
            )
    documents = DigitizedDocument.objects.bulk_create(
        DigitizedDocument(owner_id_hash=d.applicant_id_hash, **fields)
        for d, _c, _role, fields in planned
    )
    links = DossierDocument.objects.bulk_create(
        DossierDocument(dossier=d, required_document=c, document=doc, role=role)
        for (d, c, role, _fields), doc in zip(planned, documents, strict=True)
    )
    ReceivedComponent.objects.bulk_create(checklist)
    # the 766 flags as the records say (derive_document_flags, for all these dossiers at once)
    roles: dict[int, set[str]] = defaultdict(set)
    for link in links:
        roles[link.dossier_id].add(link.role)
    for d in dossiers:
        d.has_digitized_components = DossierDocument.Role.COMPONENT in roles[d.pk]
        d.has_electronic_result = DossierDocument.Role.RESULT in roles[d.pk]
        d.reused_digitized_data = False  # nothing of an earlier dossier is reused here
    Dossier.objects.bulk_update(
        dossiers,
        ["has_digitized_components", "has_electronic_result", "reused_digitized_data"],
        batch_size=500,
    )
    ids = [d.pk for d in dossiers]
    transaction.on_commit(lambda: dossiers_bulk_changed.send(sender=Dossier, dossier_ids=ids))
    return {
        "dossiers": len(dossiers),
        "documents": len(documents),
        "results": sum(1 for link in links if link.role == DossierDocument.Role.RESULT),
        "checklist lines": len(checklist),
    }


def blank_form_pdf(procedure_name: str, form_name: str) -> bytes:
    """A blank application form to print and fill in (mẫu đơn, tờ khai), as a small PDF."""
    return demo_pdf(
        "CONG HOA XA HOI CHU NGHIA VIET NAM",
        "Doc lap - Tu do - Hanh phuc",
        "",
        form_name.upper(),
        procedure_name[:90],
        "",
        "Ho va ten: ..................................................",
        "So dinh danh ca nhan: .......................................",
        "Dia chi: ....................................................",
        "So dien thoai: ..............................................",
        "Noi dung de nghi: ...........................................",
        "",
        "Nguoi khai ky, ghi ro ho ten",
    )


def seed_form_templates(procedures: Sequence[Any], *, actor: Any) -> int:
    """Attach a blank form to each component of these procedures that names one (form_name),
    through the catalogue service like an administrator's upload. Returns the files attached."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.catalogue import services as catalogue_services

    attached = 0
    for procedure in procedures:
        rows = list(procedure.required_documents.order_by("order", "pk"))
        if not any(r.form_name and not r.template_file for r in rows):
            continue
        documents = []
        for r in rows:
            row: dict[str, Any] = {
                "id": r.pk,
                "name": r.name,
                "copies": r.copies,
                "mandatory": r.mandatory,
                "form_name": r.form_name,
                "order": r.order,
            }
            if r.form_name and not r.template_file:
                row["template"] = SimpleUploadedFile(
                    f"{slug(r.form_name)}.pdf",
                    blank_form_pdf(procedure.name, r.form_name),
                    content_type="application/pdf",
                )
                attached += 1
            documents.append(row)
        catalogue_services.update_procedure(procedure, actor=actor, data={}, documents=documents)
    return attached
