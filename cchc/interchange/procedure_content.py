"""The published content of a procedure in procedures.csv: optional columns after the
contract's (interchange.md §1), so export → import keeps what the 766 metric
PUBLIC_CONTENT_FULL measures (applicants, means of submission, steps, required documents;
catalogue.models.Procedure.missing_core_fields).

A bundle written by another system has none of these columns: then the content already in
the database is left as it is. A bundle that has them (ours) sets the content: text as
given, the required documents as the names listed one per line, in that order.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cchc.catalogue.models import Procedure, RequiredDocument, StepTemplate
from cchc.interchange.formats import text

CONTENT_COLUMNS = ("applicant_types", "submission_means", "steps_description", "required_documents")
TEXTS = ("applicant_types", "submission_means", "steps_description")


def parse(row: dict[str, str]) -> dict[str, Any] | None:
    """The content a row carries, or None when the file has none of the columns."""
    if not any(c in row for c in CONTENT_COLUMNS):
        return None
    return {
        "applicant_types": text(
            row.get("applicant_types"), "applicant_types", max_length=300, required=False
        ),
        "submission_means": text(
            row.get("submission_means"), "submission_means", max_length=5000, required=False
        ),
        "steps_description": text(
            row.get("steps_description"), "steps_description", max_length=20000, required=False
        ),
        "required_documents": [
            text(name, "required_documents", max_length=500)
            for name in (row.get("required_documents") or "").splitlines()
            if name.strip()
        ],
    }


def apply(procs: dict[str, Procedure], contents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Set each procedure's content (code -> parsed content); the changes by code, for the
    catalogue's audit trail. Runs in the caller's transaction."""
    changes: dict[str, Any] = {}
    docs: dict[int, list[RequiredDocument]] = {}
    for doc in RequiredDocument.objects.filter(
        procedure_id__in=[procs[c].pk for c in contents]
    ).order_by("order", "pk"):
        docs.setdefault(doc.procedure_id, []).append(doc)
    steps: dict[int, list[str]] = {}
    for procedure_id, name in (
        StepTemplate.objects.filter(procedure_id__in=[procs[c].pk for c in contents])
        .order_by("procedure_id", "order")
        .values_list("procedure_id", "name")
    ):
        steps.setdefault(procedure_id, []).append(name)
    texts_changed = []
    for code, content in contents.items():
        proc = procs[code]
        # our own export writes step templates as their names: the same, not a change
        shown = {f: getattr(proc, f) for f in TEXTS}
        shown["steps_description"] = shown["steps_description"] or "\n".join(steps.get(proc.pk, []))
        diff = {f: [shown[f], content[f]] for f in TEXTS if shown[f] != content[f]}
        if diff:
            for f in TEXTS:
                setattr(proc, f, content[f])
            texts_changed.append(proc)
        current = docs.get(proc.pk, [])
        wanted = content["required_documents"]
        if [d.name for d in current] != wanted:
            diff["required_documents"] = [[d.name for d in current], wanted]
            _set_documents(proc, current, wanted)
        if diff:
            changes[code] = diff
    Procedure.objects.bulk_update(texts_changed, list(TEXTS), batch_size=500)
    return changes


def _set_documents(proc: Procedure, current: list[RequiredDocument], wanted: list[str]) -> None:
    """Keep the documents still named (with their forms), in the new order; add the new
    names; delete the others (their form files once the import is committed)."""
    by_name: dict[str, list[RequiredDocument]] = {}
    for doc in current:
        by_name.setdefault(doc.name, []).append(doc)
    kept = []
    for order, name in enumerate(wanted, 1):
        same = by_name.get(name)
        if same:
            doc = same.pop(0)
            if doc.order != order:
                doc.order = order
                doc.save(update_fields=["order"])
            kept.append(doc.pk)
        else:
            RequiredDocument.objects.create(procedure=proc, order=order, name=name)
    for doc in current:
        if doc.pk not in kept:
            if doc.template_file:
                storage, name = doc.template_file.storage, doc.template_file.name
                transaction.on_commit(lambda s=storage, n=name: s.delete(n))
            doc.delete()


def export_cells(proc: Procedure, documents: dict[int, list[str]]) -> list[str]:
    """The content columns of a procedure's row. Steps described only as step templates are
    written as their names, one per line (the published steps a citizen reads)."""
    steps = proc.steps_description or "\n".join(
        s.name for s in sorted(proc.step_templates.all(), key=lambda s: s.order)
    )
    return [
        proc.applicant_types,
        proc.submission_means,
        steps,
        "\n".join(documents.get(proc.pk, [])),
    ]


def document_names() -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for procedure_id, name in RequiredDocument.objects.order_by(
        "procedure_id", "order", "pk"
    ).values_list("procedure_id", "name"):
        names.setdefault(procedure_id, []).append(name)
    return names
