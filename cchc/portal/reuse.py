"""The citizen's earlier digitised documents (tái sử dụng dữ liệu) as the online form offers
them: each once, under the component of this procedure it fits, named for a person (what the
paper is, the day it was stored, the dossier it came with), not by its file name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.text import fold
from cchc.dossiers.models import DigitizedDocument, DossierDocument
from cchc.portal import services

# how many earlier documents the form looks at, newest first (a long-time applicant's list
# would otherwise fill the page)
OFFERED = 50


@dataclass(frozen=True)
class Offer:
    """One earlier document as the form offers it."""

    document: DigitizedDocument
    label: str


@dataclass
class Offers:
    """The earlier documents by the component they fit (`by_component`, component pk →
    offers), and those that fit none of this procedure's components (`others`, offered once,
    with a choice of component)."""

    by_component: dict[int, list[Offer]] = field(default_factory=dict)
    others: list[Offer] = field(default_factory=list)


def _filed_as() -> Any:
    """The name of the component the document first answered, if any."""
    uses = DossierDocument.objects.filter(document=OuterRef("pk"), required_document__isnull=False)
    return Subquery(uses.order_by("pk").values("required_document__name")[:1])


def _result_of() -> Any:
    """The procedure whose result the document was, if it was one."""
    uses = DossierDocument.objects.filter(document=OuterRef("pk"), role=DossierDocument.Role.RESULT)
    return Subquery(uses.order_by("pk").values("dossier__procedure__name")[:1])


def _first_procedure() -> Any:
    """The procedure of the dossier the document came with first (what a citizen remembers
    of an earlier dossier; its code means little to them)."""
    uses = DossierDocument.objects.filter(document=OuterRef("pk"))
    return Subquery(uses.order_by("pk").values("dossier__procedure__name")[:1])


def label(document: Any) -> str:
    """What the citizen reads for an earlier document, e.g. "Tờ khai (Đăng ký kết hôn),
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


def offers(user: Any, components: list[Any]) -> Offers:
    """The user's reusable documents for the form of these components: a document filed
    earlier as a component of the same name (compared without accents, case or spacing) is
    offered under that component only; the rest are offered once, apart."""
    documents = (
        services.reusable_documents(user).annotate(
            filed_as=_filed_as(), result_of=_result_of(), first_procedure=_first_procedure()
        )
    )[:OFFERED]
    by_name = {}
    for component in components:
        by_name.setdefault(fold(component.name), component.pk)
    found = Offers(by_component={c.pk: [] for c in components})
    for document in documents:
        offer = Offer(document=document, label=label(document))
        fits = by_name.get(fold(document.filed_as)) if document.filed_as else None
        if fits is None:
            found.others.append(offer)
        else:
            found.by_component[fits].append(offer)
    return found
