"""A person's earlier digitised documents (tái sử dụng dữ liệu) as a form offers them, at the
counter or online: each once, under the component of this procedure it fits, named for a
person (what the paper is, the day it was stored, the dossier it came with), not by its file
name; those that fit no component once, apart, with a choice of component.

The portal's online form (`cchc.portal.reuse`) holds the same rules today; they belong here,
where both forms can import them (the portal imports dossiers, never the other way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.text import fold
from cchc.dossiers.models import DossierDocument

# how many earlier documents a form looks at, newest first (a long-time applicant's list
# would otherwise fill the page)
OFFERED = 50


@dataclass(frozen=True)
class Offer:
    """One earlier document as a form offers it."""

    document: Any
    label: str


@dataclass
class Offers:
    """The earlier documents by the component they fit (`by_component`, component pk →
    offers), and those that fit none of this procedure's components (`others`, offered once,
    with a choice of component)."""

    by_component: dict[int, list[Offer]] = field(default_factory=dict)
    others: list[Offer] = field(default_factory=list)


def _first_use(**filters: Any) -> Any:
    return DossierDocument.objects.filter(document=OuterRef("pk"), **filters).order_by("pk")


def annotate(documents: Any) -> Any:
    """What `label` reads: the component the document first answered (`filed_as`), the
    procedure whose result it was (`result_of`) and the procedure of the dossier it came with
    first (`first_procedure`: its name is what a citizen remembers, not its code)."""
    filed = _first_use(required_document__isnull=False).values("required_document__name")
    result = _first_use(role=DossierDocument.Role.RESULT).values("dossier__procedure__name")
    first = _first_use().values("dossier__procedure__name")
    return documents.annotate(
        filed_as=Subquery(filed[:1]),
        result_of=Subquery(result[:1]),
        first_procedure=Subquery(first[:1]),
    )


def label(document: Any) -> str:
    """What a person reads for an earlier document, e.g. "Tờ khai (Đăng ký kết hôn),
    02/03/2026, kèm hồ sơ 000.00.01.H26-260302-0001": what the paper is (the component it was
    filed as, in which procedure, or the result of which procedure; its file name only when
    nothing else is known), the day it was stored and the dossier it came with."""
    kind = getattr(document, "filed_as", "") or ""
    if not kind and getattr(document, "result_of", ""):
        kind = _("Result: %(procedure)s") % {"procedure": document.result_of}
    kind = kind or document.name
    procedure = getattr(document, "first_procedure", "") or ""
    if procedure and not getattr(document, "result_of", ""):
        kind = _("%(kind)s (%(procedure)s)") % {"kind": kind, "procedure": procedure}
    day = timezone.localtime(document.created_at).strftime("%d/%m/%Y")
    code = getattr(document, "first_dossier_code", "") or ""
    if not code:
        return _("%(kind)s, %(day)s") % {"kind": kind, "day": day}
    return _("%(kind)s, %(day)s, with dossier %(code)s") % {"kind": kind, "day": day, "code": code}


def offers(documents: Any, components: list[Any]) -> Offers:
    """The reusable `documents` (queries.reusable_documents) for a form of these components:
    a document filed earlier as a component of the same name (compared without accents, case
    or spacing) is offered under that component only; the rest are offered once, apart."""
    by_name: dict[str, int] = {}
    for component in components:
        by_name.setdefault(fold(component.name), component.pk)
    found = Offers(by_component={c.pk: [] for c in components})
    for document in annotate(documents)[:OFFERED]:
        offer = Offer(document=document, label=label(document))
        fits = by_name.get(fold(document.filed_as)) if document.filed_as else None
        if fits is None:
            found.others.append(offer)
        else:
            found.by_component[fits].append(offer)
    return found
