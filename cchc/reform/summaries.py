"""The per-assessment summaries (AssessmentSummary) that let a year be computed from one row
per unit: rewritten from the Score rows by every reform service that appends an event to an
assessment, in the same transaction and under the same row lock, after the assessment's
status and `last_event_seq` are saved. `results.unit_results` reads them and falls back to the
Score rows for any assessment whose summary is missing or older than its last event.

`open_assessment` writes none: nothing is scored yet, and the first change writes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cchc.reform import results, scoring
from cchc.reform.models import Assessment, AssessmentSummary, Template


def refresh(assessments: Iterable[Assessment]) -> None:
    """Rewrite these assessments' summaries from their Score rows (one query for the scores,
    one for the templates, one upsert), as the assessment instances stand now."""
    items = list(assessments)
    if not items:
        return
    templates = Template.objects.in_bulk({a.template_id for a in items})
    for a in items:
        a.template = templates[a.template_id]
    values = results.leaf_values_by_assessment(items)
    rows = []
    for a in items:
        tree = results.tree_of(a.template)
        res = scoring.score_unit(tree, values.get(a.pk, {}))
        rows.append(
            AssessmentSummary(
                assessment_id=a.pk,
                seq=a.last_event_seq,
                pending=results.self_scores_count(a),
                layout=scoring.SUMMARY_LAYOUT,
                result=scoring.pack(tree, res),
            )
        )
    AssessmentSummary.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["assessment"],
        update_fields=["seq", "pending", "layout", "result"],
    )
