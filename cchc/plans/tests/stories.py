"""Small stories the plans tests share: a dossier taken, handled, returned and rated; a
finding's corrective task completed."""

import datetime as dt

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services as dossiers
from cchc.dossiers.models import Dossier, Evaluation
from cchc.dossiers.services import Applicant
from cchc.plans import services as plans
from cchc.plans.inspection_models import Finding
from cchc.plans.models import Task


def at(day: int, hh: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hh, tzinfo=LOCAL_TZ)


def returned_and_rated(cast, *, satisfaction: int, comment: str, score: str = "1") -> Dossier:  # type: ignore[no-untyped-def]
    """A dossier of agency A returned in March 2026, rated at the kiosk with `satisfaction`
    out of 5, every criterion scored `score`, and `comment`."""
    from cchc.portal import services as portal

    d = dossiers.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Trần Thị Bình", phone="0987654321"),
        actor=cast.clerk_a,
        at=at(2, 9),
    )
    d = dossiers.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2, 10)
    )
    d = dossiers.finish(d, actor=cast.specialist_a, at=at(3, 9), note="Quyết định số 12/QĐ")
    d = dossiers.return_result(d, actor=cast.clerk_a, at=at(3, 10))
    portal.evaluate(
        d,
        actor=cast.clerk_a,
        scores={key: score for key, _label in Evaluation.criteria()},
        satisfaction=str(satisfaction),
        comment=comment,
        channel="KIOSK",
    )
    return d


def complete_corrective_task(finding: Finding, **report) -> Task:  # type: ignore[no-untyped-def]
    """The responsible unit completes the corrective task `finding` was raised with (`report`:
    complete()'s actor, result, evidence link...)."""
    assert finding.corrective_task is not None
    return plans.complete(finding.corrective_task, **report)
