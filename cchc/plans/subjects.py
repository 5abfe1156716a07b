"""What a finding is about: a dossier, a petition, a dossier's evaluation or an index metric,
named by its code. The link is checked when the finding is raised and shown as a link to the
owning module's page; this module reads those modules' rows by code and never writes them.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed


def resolve(kind: str, ref: str, *, agency_code: str = "") -> dict[str, Any]:
    """{"label", "url", "agency_code"} of the subject, or ValidationFailed when it does not
    exist. A metric reference is `METRIC_CODE` (the unit is the finding's)."""
    ref = (ref or "").strip()
    if not kind:
        return {"label": "", "url": "", "agency_code": ""}
    if not ref:
        raise ValidationFailed(
            _("Give the code of what the finding is about."), field="subject_ref"
        )
    if kind == "dossier" or kind == "evaluation":
        from cchc.dossiers.models import Dossier

        row = (
            Dossier.objects.filter(code=ref).values("id", "code", "competent_agency__code").first()
        )
        if row is None:
            raise ValidationFailed(_("No dossier %(code)s.") % {"code": ref}, field="subject_ref")
        if kind == "evaluation":
            from cchc.dossiers.models import Evaluation

            if not Evaluation.objects.filter(dossier_id=row["id"]).exists():
                raise ValidationFailed(
                    _("Dossier %(code)s has no evaluation.") % {"code": ref}, field="subject_ref"
                )
        return {
            "label": (
                _("Evaluation of dossier %(code)s")
                if kind == "evaluation"
                else _("Dossier %(code)s")
            )
            % {"code": ref},
            "url": _url("dossiers:detail", code=ref),
            "agency_code": row.get("competent_agency__code") or "",
        }
    if kind == "petition":
        from cchc.feedback.models import Petition

        prow = Petition.objects.filter(code=ref).values("code", "agency__code").first()
        if prow is None:
            raise ValidationFailed(_("No petition %(code)s.") % {"code": ref}, field="subject_ref")
        return {
            "label": _("Petition %(code)s") % {"code": ref},
            "url": _url("feedback:detail", code=ref),
            "agency_code": prow.get("agency__code") or "",
        }
    if kind == "metric":
        from cchc.indices.models import Metric

        if not Metric.objects.filter(code=ref).exists():
            raise ValidationFailed(
                _("No index metric %(code)s.") % {"code": ref}, field="subject_ref"
            )
        return {
            "label": _("Index metric %(code)s") % {"code": ref},
            "url": _url("indices:evidence", code=agency_code, metric=ref) if agency_code else "",
            "agency_code": agency_code,
        }
    raise ValidationFailed(_("Unknown kind of subject."), field="subject_kind")


def _url(name: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
