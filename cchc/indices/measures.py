"""Named platform measures: one figure per unit and period, with the records behind it.

Other modules (PAR INDEX evidence, task progress) ask for "the on-time rate of H26.100 in
2026-Q3" by name, not by reaching into this app's tables. A measure answers a `Measure`:
numerator, denominator, value in percent and the link to the evidence page that lists the
records behind the figure. Measures of other modules (SIPAS from surveys, tasks on time from
plans) are registered in `settings.PLATFORM_MEASURES` as dotted paths to a function of the
same signature, so this module needs none of them.

    from cchc.indices.measures import measure
    m = measure("dossiers_on_time", agency_code="H26.100", period="2026-Q3")
    m.value  # 94.2 (percent) or None when there is no data
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from cchc.core.errors import NotFound, ValidationFailed

# measure name -> (label, 766 metric code whose counters give numerator and denominator)
QD766_MEASURES: dict[str, tuple[Any, str]] = {
    "dossiers_on_time": (_("Dossiers handled on time"), "DOSSIER_ON_TIME"),
    "online_share": (_("Share of dossiers submitted online"), "ONLINE_DOSSIERS"),
    "digitised": (_("Dossiers digitised with their result"), "SO_HOA_GIAY_TO_GIAI_QUYET"),
    "electronic_result": (_("Dossiers with an electronic result"), "ORIGINAL_RESULT_AVAILABLE"),
    "paid_online": (_("Dossiers paid online"), "PAYMENT_ONLINE_DOSSIERS"),
    "petitions_on_time": (_("Petitions handled on time"), "PETITION_PROCESSING_ON_TIME"),
    "dossier_satisfaction": (
        _("Satisfaction with dossier handling"),
        "DOSSIER_RECEIVING_SATISFACTION",
    ),
}


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    agency_code: str
    period: str
    numerator: float | None
    denominator: float | None
    value: float | None  # percent, None without data
    evidence_url: str = ""  # the page listing the records behind the figure
    source: str = ""  # "qd766:DOSSIER_ON_TIME", "sipas:<campaign>" ...

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def available() -> dict[str, str]:
    """Every measure name with its label (for pickers in templates and task forms)."""
    names = {name: str(label) for name, (label, _code) in QD766_MEASURES.items()}
    for name, path in getattr(settings, "PLATFORM_MEASURES", {}).items():
        names[name] = str(getattr(import_string(path), "label", name))
    return names


def measure(name: str, *, agency_code: str, period: str) -> Measure:
    """The measure `name` of one unit over one period (`2026`, `2026-Q3`, `2026-08`)."""
    external = getattr(settings, "PLATFORM_MEASURES", {}).get(name)
    if external:
        return import_string(external)(agency_code=agency_code, period=period)
    if name not in QD766_MEASURES:
        raise ValidationFailed(_("Unknown measure: %(name)s.") % {"name": name}, field="measure")
    label, metric_code = QD766_MEASURES[name]
    from cchc.agencies.models import Agency
    from cchc.indices.periods import Period
    from cchc.indices.scoring import period_scores

    parsed = Period.parse(period)
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound(_("No unit %(code)s.") % {"code": agency_code})
    scores = period_scores("qd766", parsed, province_code=agency.province_code)
    score = scores.scores.get(agency.pk)
    numerator = denominator = value = None
    if score is not None:
        for group in score.groups:
            for metric in group.metrics:
                if metric.code == metric_code:
                    numerator, denominator = metric.numerator, metric.denominator
                    value = (
                        (100.0 * numerator / denominator)
                        if numerator is not None and denominator
                        else None
                    )
    try:
        url = (
            reverse("indices:evidence", kwargs={"code": agency_code, "metric": metric_code})
            + f"?period={parsed}"
        )
    except Exception:  # noqa: BLE001 - the link is a convenience; the figure stands without it
        url = ""
    return Measure(
        name=name,
        label=str(label),
        agency_code=agency_code,
        period=str(parsed),
        numerator=numerator,
        denominator=denominator,
        value=value,
        evidence_url=url,
        source=f"qd766:{metric_code}",
    )
