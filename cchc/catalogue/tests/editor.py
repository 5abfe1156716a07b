"""What the catalogue editor posts for an existing procedure: its record as it is, its one
document kept, no steps; `over` changes fields (a string value, as a browser sends)."""

from __future__ import annotations

from typing import Any

from cchc.catalogue.models import Procedure


def editor_data(proc: Procedure, **over: Any) -> dict[str, Any]:
    doc = proc.required_documents.get()
    data = {
        "code": proc.code,
        "name": proc.name,
        "processing_time": str(proc.processing_time),
        "time_unit": proc.time_unit,
        "online_level": proc.online_level,
        "number_of_copies": "1",
        "applicant_types": proc.applicant_types,
        "submission_means": proc.submission_means,
        "steps_description": proc.steps_description,
        "agencies": [a.pk for a in proc.agencies.all()],
        "docs-TOTAL_FORMS": "1",
        "docs-INITIAL_FORMS": "1",
        "docs-MIN_NUM_FORMS": "0",
        "docs-MAX_NUM_FORMS": "1000",
        "docs-0-id": str(doc.pk),
        "docs-0-name": doc.name,
        "docs-0-copies": "1",
        "docs-0-mandatory": "on",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    data.update(over)
    return data
