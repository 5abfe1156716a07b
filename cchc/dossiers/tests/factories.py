"""Dossiers for the tests, through the real services: the procedure of the cast and its
first agency unless the test names others."""

from __future__ import annotations

from typing import Any

from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.services import Applicant


def _applicant(applicant: Applicant | str) -> Applicant:
    return Applicant(name=applicant) if isinstance(applicant, str) else applicant


def online_dossier(cast: Any, applicant: Applicant | str = "Trực Tuyến", **kw: Any) -> Dossier:
    """A dossier the citizen of the cast submitted online (status 1); `kw` go to
    services.submit_online (at, competent_agency, actor, ...)."""
    kw.setdefault("procedure", cast.procedure)
    kw.setdefault("receiving_agency", cast.agency_a)
    kw.setdefault("actor", cast.citizen)
    return services.submit_online(applicant=_applicant(applicant), **kw)


def counter_dossier(cast: Any, applicant: Applicant | str = "Nguyễn Văn An", **kw: Any) -> Dossier:
    """A dossier the clerk of the cast received at the counter (status 2); `kw` go to
    services.intake_at_counter (at, competent_agency, checklist, scans, ...)."""
    kw.setdefault("procedure", cast.procedure)
    kw.setdefault("receiving_agency", cast.agency_a)
    kw.setdefault("actor", cast.clerk_a)
    return services.intake_at_counter(applicant=_applicant(applicant), **kw)
