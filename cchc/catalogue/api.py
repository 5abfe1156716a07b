"""The procedure catalogue's endpoints of /api/v1/ (mounted by config/api.py): the list,
searchable without accents, and one procedure with its documents and steps."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from cchc.accounts import permissions
from cchc.catalogue.models import CatalogueChange, OnlineLevel, Procedure
from cchc.core.api import ERRORS, MAX_PAGE_SIZE, Page, paginate

router = Router()


class DocumentOut(Schema):
    name: str
    copies: int
    mandatory: bool
    form_name: str


class StepTemplateOut(Schema):
    order: int
    name: str
    working_hours: float
    agency: str | None


class PendingAmendmentOut(Schema):
    """An amendment of the time limit recorded with a decision that takes effect later."""

    decision: str
    signed_on: dt.date | None
    effective_from: dt.date
    processing_time: float
    time_unit: str


class ProcedureOut(Schema):
    code: str
    name: str
    field: str | None
    status: str
    # the time limit in force now: while an amendment waits for the day its decision set,
    # the one before it (a dossier received today keeps it); the new one in pending_amendments
    processing_time: float
    time_unit: str
    online_level: str
    has_fee: bool
    fee_amount: int
    charge_amount: int
    agencies: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None


class ProcedureDetailOut(ProcedureOut):
    # the Chairman's decision that announced the procedure (Quyết định công bố) and its date
    publication_decision: str
    announced_on: dt.date | None
    # the numbers of the decisions that amended the published procedure, oldest first
    amending_decisions: list[str]
    pending_amendments: list[PendingAmendmentOut]
    applicant_types: str
    submission_means: str
    steps_description: str
    conditions: str
    result_description: str
    legal_basis: str
    fee_legal_basis: str
    deciding_authority: str
    receiving_address: str
    number_of_copies: int
    required_documents: list[DocumentOut]
    steps: list[StepTemplateOut]
    missing_core_fields: list[str]


class ProcedurePage(Page):
    items: list[ProcedureOut]


def _procedure_out(p: Procedure) -> dict[str, Any]:
    # the record holds an amendment's new limit from when it is saved; a client told that
    # limit before its decision takes effect would promise dates the office does not keep
    amount, unit = p.terms_at(timezone.now())
    return {
        "code": p.code,
        "name": p.name,
        "field": p.field.name if p.field_id else None,
        "status": p.status,
        "processing_time": float(amount),
        "time_unit": unit,
        "online_level": p.online_level,
        "has_fee": p.has_fee,
        "fee_amount": p.fee_amount,
        "charge_amount": p.charge_amount,
        "agencies": [a.code for a in p.agencies.all()],
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
    }


def _pending_out(p: Procedure, change: CatalogueChange) -> dict[str, Any]:
    decision = (change.data or {}).get("decision") or {}
    amount, unit = p.terms_on(change.in_force_at)
    signed = decision.get("signed_on")
    return {
        "decision": str(decision.get("number", "")),
        "signed_on": dt.date.fromisoformat(signed) if isinstance(signed, str) else None,
        "effective_from": change.effective_from,
        "processing_time": float(amount),
        "time_unit": unit,
    }


# -- procedures ------------------------------------------------------------------------------
class ProcedureFilters(Schema):
    q: str = Field("", max_length=200)
    status: Literal["DRAFT", "PUBLISHED", "WITHDRAWN"] | None = None
    field: str | None = Field(None, max_length=40, description="field code")
    online_level: Literal["full", "partial", "none"] | None = None
    agency: str | None = Field(None, max_length=40, description="agency code")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


# operation ids as they were when these endpoints lived in cchc.dossiers.api (clients generated
# from the OpenAPI schema name their methods after them)
@router.get(
    "/procedures",
    response={200: ProcedurePage, **ERRORS},
    tags=["procedures"],
    operation_id="cchc_dossiers_api_list_procedures",
)
def list_procedures(request: HttpRequest, filters: Query[ProcedureFilters]) -> Any:
    """Procedures, searchable without accents ("dang ky khai sinh")."""
    qs = Procedure.objects.select_related("field").prefetch_related("agencies").order_by("code")
    if not (
        permissions.is_staff_member(request.auth)
        or permissions.is_province_admin(request.auth)
        or permissions.is_inspector(request.auth)
    ):
        qs = qs.published()  # applicants and integrations see what is offered to the public
    if filters.q:
        qs = qs.search(filters.q)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.online_level:
        qs = qs.filter(online_level=OnlineLevel(filters.online_level))
    if filters.agency:
        qs = qs.filter(agencies__code=filters.agency).distinct()
    items, meta = paginate(qs, filters.page, filters.page_size)
    return {**meta, "items": [_procedure_out(p) for p in items]}


@router.get(
    "/procedures/{code}",
    response={200: ProcedureDetailOut, **ERRORS},
    tags=["procedures"],
    operation_id="cchc_dossiers_api_get_procedure",
)
def get_procedure(request: HttpRequest, code: str) -> Any:
    p = Procedure.objects.select_related("field").filter(code=code).first()
    staff = (
        permissions.is_staff_member(request.auth)
        or permissions.is_province_admin(request.auth)
        or permissions.is_inspector(request.auth)
    )
    if p is None or (p.status != Procedure.Status.PUBLISHED and not staff):
        raise Http404(_("No procedure %(code)s.") % {"code": code})
    return {
        **_procedure_out(p),
        **{
            f: getattr(p, f)
            for f in (
                "publication_decision",
                "announced_on",
                "applicant_types",
                "submission_means",
                "steps_description",
                "conditions",
                "result_description",
                "legal_basis",
                "fee_legal_basis",
                "deciding_authority",
                "receiving_address",
                "number_of_copies",
            )
        },
        "amending_decisions": p.amending_decisions.split(),
        "pending_amendments": [_pending_out(p, change) for change in p.pending_amendments()],
        "required_documents": [
            {"name": r.name, "copies": r.copies, "mandatory": r.mandatory, "form_name": r.form_name}
            for r in p.required_documents.all()
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "working_hours": float(s.working_hours),
                "agency": s.agency.code if s.agency_id else None,
            }
            for s in p.step_templates.select_related("agency")
        ],
        "missing_core_fields": p.missing_core_fields(),
    }
