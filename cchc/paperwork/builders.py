"""The content of each official form, from the dossier, its events (the control slip) and
its steps. Each builder returns a `pdf.Document`; `pdf.render` lays it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.agencies.models import AdministrativeUnit, Agency
from cchc.catalogue.models import TimeUnit
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import NotFound, ValidationFailed
from cchc.dossiers.models import (
    RECORD_ACTIONS,
    Dossier,
    DossierEvent,
    DossierStep,
    Status,
    StepOutcome,
)
from cchc.dossiers.state import ACTION_RULES
from cchc.paperwork import pdf, register
from cchc.paperwork.pdf import Document, Styles, clock, grid, long_date, p, short

LOGBOOK_MAX_ROWS = 5000
# what stands under a signature line on the forms
SIGN = "(Ký và ghi rõ họ tên)"
SIGN_AND_SEAL = "(Ký, ghi rõ họ tên và đóng dấu)"
OUTCOME_VI = {
    StepOutcome.EARLY: "Trước hạn",
    StepOutcome.ON_TIME: "Đúng hạn",
    StepOutcome.LATE: "Quá hạn",
}


def _in_vietnamese(label: Callable[[], str]) -> str:
    """An official form is written in Vietnamese whatever the reader's language."""
    with translation.override("vi"):
        return str(label())


def place_name(agency: Agency) -> str:
    unit = (
        AdministrativeUnit.objects.filter(level="PROVINCE", code=agency.province_code)
        .only("name")
        .first()
    )
    if unit is None:
        return ""
    for prefix in ("Thành phố ", "Tỉnh "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


# Agencies of the provincial People's Committee: their documents are headed by the
# committee's name above their own ("UBND THÀNH PHỐ HÀ NỘI / SỞ TƯ PHÁP", Decree 30/2020).
# Vertical agencies (police, tax, social insurance) and the communes' own committees are not.
UNDER_PROVINCE_COMMITTEE = ("PROVINCE_AGENCY", "PROVINCE_CENTRE")


def governing_body(agency: Agency) -> str:
    """The name printed above the agency's in a form's header: its parent if recorded, else
    for a department of the province the provincial People's Committee."""
    if agency.parent_id:
        return agency.parent.name
    if agency.level in UNDER_PROVINCE_COMMITTEE:
        unit = (
            AdministrativeUnit.objects.filter(level="PROVINCE", code=agency.province_code)
            .only("name")
            .first()
        )
        if unit is not None:
            return f"UBND {unit.name}"
    return ""


def processing_time(dossier: Dossier) -> str:
    """The time limit the dossier is handled within: the procedure's terms in force when it
    was received (a later edit of the procedure does not change a receipt reprinted)."""
    proc = dossier.procedure
    if dossier.received_at is not None:
        amount, time_unit = proc.terms_on(dossier.received_at)
    else:
        amount, time_unit = proc.processing_time, proc.time_unit
    if time_unit == TimeUnit.SAME_DAY:
        return "trong ngày"
    shown = Decimal(amount).normalize()
    unit = "giờ làm việc" if time_unit == TimeUnit.WORKING_HOUR else "ngày làm việc"
    return f"{shown:f} {unit}"


def _event(dossier: Dossier, action: str, seq: int | None) -> DossierEvent:
    qs = dossier.events.filter(action=action)
    event = qs.filter(seq=seq).first() if seq else qs.order_by("-seq").first()
    if event is None:
        raise NotFound(
            _("Dossier %(code)s has no such event, so this form cannot be issued.")
            % {"code": dossier.code}
        )
    return event


def _base(
    dossier: Dossier,
    key: str,
    *,
    agency: Agency | None = None,
    issued: dt.datetime | None = None,
    number: str = "",
) -> Document:
    agency = agency or dossier.receiving_agency
    return Document(
        form_key=key,
        form_set=dossier.form_set or pdf.DEFAULT_FORM_SET,
        agency_name=agency.name,
        parent_name=governing_body(agency),
        number=number,
        place=place_name(agency),
        issued_on=(issued or timezone.now()).astimezone(LOCAL_TZ).date(),
        dossier_code=dossier.code,
    )


def _you(dossier: Dossier) -> str:
    """How a form's text addresses the applicant: a person as "Ông/Bà", an organisation
    (applying under its tax code) as "Quý tổ chức", as the portal does."""
    return "Quý tổ chức" if dossier.applicant_is_organisation else "Ông/Bà"


def _applicant_lines(dossier: Dossier, st: Styles) -> list:
    if dossier.applicant_is_organisation:
        # an organisation applies under its name and tax code, through its contact person
        lines = [
            p(f"Tổ chức: {dossier.applicant_name}", st.body),
            p(f"Mã số thuế: {dossier.applicant_tax_code}", st.body),
        ]
        contact_person = (dossier.details or {}).get("contact_person")
        if contact_person:
            lines.append(p(f"Người liên hệ: {contact_person}", st.body))
    else:
        lines = [p(f"Ông/Bà: {dossier.applicant_name}", st.body)]
    if dossier.applicant_address:
        lines.append(p(f"Địa chỉ: {dossier.applicant_address}", st.body))
    contact = ", ".join(
        x
        for x in (
            f"Số điện thoại: {dossier.applicant_phone}" if dossier.applicant_phone else "",
            f"Thư điện tử: {dossier.applicant_email}" if dossier.applicant_email else "",
        )
        if x
    )
    if contact:
        lines.append(p(contact, st.body))
    lines.append(
        p(
            f"Nội dung yêu cầu giải quyết: {dossier.procedure.name} (mã thủ tục {dossier.procedure.code})",
            st.body,
        )
    )
    return lines


def form_01(dossier: Dossier, seq: int | None = None) -> Document:
    """Receipt and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả)."""
    if dossier.received_at is None:
        raise NotFound(
            _("Dossier %(code)s has not been received yet, so there is no receipt.")
            % {"code": dossier.code}
        )
    st = Styles()
    receipt = dossier.events.filter(to_status=Status.RECEIVED).order_by("seq").first()
    doc = _base(
        dossier,
        "01",
        agency=dossier.receiving_place or dossier.receiving_agency,
        issued=dossier.received_at,
    )
    doc.body = [
        p(f"{doc.agency_name} tiếp nhận hồ sơ của:", st.body),
        *_applicant_lines(dossier, st),
        p("1. Thành phần hồ sơ nộp gồm:", st.body),
    ]
    # the counter checklist: exactly the components ticked as handed in, with their form;
    # else (online, imported) the documents attached; never the catalogue's list as such,
    # which would print optional papers as received
    forms_vi = {"ORIGINAL": "bản chính", "COPY": "bản sao", "ELECTRONIC": "bản điện tử"}
    names = [f"{c.name} ({forms_vi.get(c.received_as, '')})" for c in dossier.checklist.all()]
    if not names:
        attached = dossier.documents.filter(role="COMPONENT").select_related(
            "required_document", "document"
        )
        names = [
            (d.required_document.name if d.required_document else d.document.name) for d in attached
        ]
    for i, name in enumerate(names, 1):
        doc.body.append(p(f"    ({i}) {name}", st.body))
    doc.body += [
        p(f"2. Số lượng hồ sơ: {dossier.procedure.number_of_copies:02d} bộ", st.body),
        p(f"3. Thời gian giải quyết hồ sơ theo quy định là: {processing_time(dossier)}", st.body),
        p(f"4. Thời gian nhận hồ sơ: {clock(dossier.received_at)}", st.body),
        p(
            f"5. Thời gian trả kết quả giải quyết hồ sơ: {clock(dossier.initial_appointment_at or dossier.appointment_at)}",
            st.body,
        ),
        p(
            f"6. Đăng ký nhận kết quả tại: {dossier.receiving_place.name if dossier.receiving_place else dossier.receiving_agency.name}",
            st.body,
        ),
        # the line of the receiving agency's register, derived from the reception (nothing is
        # written for it when the dossier is received)
        p(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {register.book_number(register.reception_year(dossier))}"
            f", Số thứ tự: {register.line_of(dossier)}",
            st.body,
        ),
    ]
    doc.signatures = [
        ("NGƯỜI NỘP HỒ SƠ", SIGN, dossier.applicant_name),
        ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, _signer(receipt)),
    ]
    return doc


def _signer(event: DossierEvent | None) -> str:
    """The name under a signature: the person who recorded the event (none for a system one)."""
    return event.actor_label if event is not None and event.actor_id else ""


def _event_form(
    dossier: Dossier, key: str, action: str, seq: int | None, *, agency: Agency
) -> tuple[Document, DossierEvent, Agency]:
    """A form issued for one event (the last of its action, or the one at `seq`): headed by
    the event's agency (else `agency`) and dated on the event."""
    event = _event(dossier, action, seq)
    agency = event.agency or agency
    return _base(dossier, key, agency=agency, issued=event.at), event, agency


def _received_lines(
    dossier: Dossier, agency_name: str, received: dt.datetime | None, st: Styles
) -> list:
    return [
        p(f"Ngày {local(received):%d/%m/%Y}, {agency_name} tiếp nhận hồ sơ của:", st.body),
        *_applicant_lines(dossier, st),
    ]


def form_02(dossier: Dossier, seq: int | None = None) -> Document:
    """Supplement request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."""
    st = Styles()
    doc, event, agency = _event_form(
        dossier, "02", "request_supplement", seq, agency=dossier.receiving_agency
    )
    doc.body = [
        *_received_lines(dossier, agency.name, dossier.received_at or dossier.submitted_at, st),
        p(
            f"Sau khi xem xét, thẩm định hồ sơ, đề nghị {_you(dossier)} bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
            st.body,
        ),
        p(event.note, st.body),
        p("Lý do: hồ sơ chưa đầy đủ, hợp lệ theo quy định.", st.body),
        p("Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết.", st.body),
        p(
            f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, {_you(dossier)} liên hệ {agency.name}"
            + (f", số điện thoại {agency.phone}" if agency.phone else "")
            + " để được hướng dẫn.",
            st.body,
        ),
        p("Xin trân trọng cảm ơn!", st.body),
    ]
    doc.signatures = [("NGƯỜI HƯỚNG DẪN", SIGN, _signer(event))]
    return doc


def form_03(dossier: Dossier, seq: int | None = None) -> Document:
    """Refusal (Phiếu từ chối tiếp nhận giải quyết hồ sơ)."""
    st = Styles()
    doc, event, agency = _event_form(dossier, "03", "refuse", seq, agency=dossier.receiving_agency)
    doc.body = [
        p(f"{agency.name} tiếp nhận hồ sơ của:", st.body),
        *_applicant_lines(dossier, st),
        p(
            "Qua xem xét, cơ quan, đơn vị thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
            st.body,
        ),
        p(event.note, st.body),
        p(f"Xin thông báo để {_you(dossier)} được biết và thực hiện.", st.body),
    ]
    doc.signatures = [("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, _signer(event))]
    return doc


def form_04(dossier: Dossier, seq: int | None = None) -> Document:
    """Apology and extension (Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết)."""
    st = Styles()
    doc, event, agency = _event_form(
        dossier, "04", "apologize", seq, agency=dossier.competent_agency
    )
    previous = event.data.get("previous_appointment_at")
    new = event.data.get("new_appointment_at")
    previous_at = (
        dt.datetime.fromisoformat(previous) if previous else dossier.initial_appointment_at
    )
    new_at = dt.datetime.fromisoformat(new) if new else dossier.appointment_at
    doc.body = [
        *_received_lines(dossier, dossier.receiving_agency.name, dossier.received_at, st),
        p(
            f"Theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, thời gian trả kết quả là {clock(previous_at)}.",
            st.body,
        ),
        p(
            f"Tuy nhiên đến nay, {agency.name} chưa trả kết quả giải quyết hồ sơ cho {_you(dossier)} đúng hẹn.",
            st.body,
        ),
        p(f"Lý do: {event.note}", st.body),
        p(
            f"Sự chậm trễ này đã gây phiền hà cho {_you(dossier)}. {agency.name} xin lỗi {_you(dossier)} và đề nghị gia hạn thời gian "
            f"giải quyết, hẹn trả kết quả vào {clock(new_at)}.",
            st.body,
        ),
        p(f"Rất mong nhận được sự thông cảm của {_you(dossier)}. Xin trân trọng cảm ơn!", st.body),
    ]
    doc.signatures = [("THỦ TRƯỞNG CƠ QUAN", SIGN_AND_SEAL, _signer(event))]
    return doc


def form_05(dossier: Dossier, seq: int | None = None) -> Document:
    """Notice of stopping (Thông báo dừng giải quyết hồ sơ) - Circular 03/2025 only."""
    st = Styles()
    doc, event, agency = _event_form(dossier, "05", "stop", seq, agency=dossier.competent_agency)
    doc.body = [
        *_received_lines(
            dossier,
            dossier.receiving_agency.name,
            dossier.received_at or dossier.submitted_at,
            st,
        ),
        p(
            f"{agency.name} thông báo dừng giải quyết hồ sơ nêu trên kể từ {clock(event.at)}.",
            st.body,
        ),
        p(f"Lý do: {event.note}", st.body),
        p(f"Xin thông báo để {_you(dossier)} được biết.", st.body),
    ]
    doc.signatures = [("THỦ TRƯỞNG CƠ QUAN", SIGN_AND_SEAL, _signer(event))]
    return doc


# What goes from the agency to the applicant: the result, and the papers that tell them of a
# supplement to bring, a refusal, a delay, a stop or a fee; on the control slip the applicant
# receives them (the agency handing them "to itself" said nothing).
TO_APPLICANT = frozenset(
    {"return_result", "request_supplement", "refuse", "apologize", "stop", "request_payment"}
)


def form_06(dossier: Dossier, seq: int | None = None) -> Document:
    """Control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ): every hand-over with time,
    giver and receiver, and each step's early/on-time/late result."""
    st = Styles()
    doc = _base(dossier, "06", issued=dossier.received_at or dossier.submitted_at)
    doc.body = [
        p(f"Kèm theo hồ sơ của: {dossier.applicant_name}", st.body),
        p(f"Thủ tục: {dossier.procedure.name}", st.body),
        p(
            f"Ngày nhận: {short(dossier.received_at) or '—'}; hẹn trả kết quả: {short(dossier.appointment_at) or '—'}; "
            f"cơ quan chủ trì giải quyết: {dossier.competent_agency.name}",
            st.body,
        ),
        pdf.Spacer(1, 4),
    ]
    width = 175 * pdf.mm
    rows: list[list[object]] = [
        [
            "TÊN CƠ QUAN",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/Đúng hạn/Quá hạn)",
            "GHI CHÚ",
        ]
    ]
    steps = {
        s.seq: s
        for s in DossierStep.objects.filter(dossier=dossier).select_related("agency", "assignee")
    }
    # Form 06 records the hand-overs between steps and agencies: the records that leave the
    # dossier where it is (a document attached, a supplement sent online, the rating) are
    # not rows of it (they stay in the dossier's history).
    handovers = (
        dossier.events.exclude(action__in=RECORD_ACTIONS)
        .select_related("agency", "target_agency")
        .order_by("seq")
    )
    applicant = f"{dossier.applicant_name} (người nộp hồ sơ)"
    counter = dossier.receiving_place or dossier.receiving_agency
    for i, ev in enumerate(handovers, 1):
        staff = f"{ev.actor_label} ({ev.agency.name})" if ev.agency else ev.actor_label
        # the applicant's own step (an online submission) is theirs, not the agency's it went to
        giver = f"{ev.actor_label} (người nộp hồ sơ)" if ev.by_applicant else staff
        if ev.action == "receive" and not ev.by_applicant:
            # the applicant hands the dossier to the clerk who receives it
            giver, receiver = applicant, staff
        elif ev.action == "finish" and not ev.target_agency:
            # the result goes back to the counter that returns it, not to the agency itself
            receiver = counter.name
        elif ev.action in TO_APPLICANT and not ev.by_applicant:
            receiver = applicant
        else:
            receiver = (
                ev.target_agency.name if ev.target_agency else (ev.agency.name if ev.agency else "")
            )
        outcome = ""
        step = steps.get(ev.data.get("step")) if ev.action == "transfer" else None
        if step is not None:
            outcome = OUTCOME_VI.get(step.outcome, "Đang xử lý") + (
                f" (hạn {short(step.due_at)})" if step.due_at else ""
            )
            if step.assignee:
                receiver += f" - {step.assignee.display_name}"
        rows.append(
            [
                f"{i}. Giao: {giver}\nNhận: {receiver}",
                short(ev.at),
                outcome,
                _in_vietnamese(ev.action_label) + (f": {ev.note}" if ev.note else ""),
            ]
        )
    doc.body.append(grid(rows, [width * 0.38, width * 0.17, width * 0.2, width * 0.25], st))
    return doc


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL_TZ)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return begin, finish


def logbook_dossiers(
    agency: Agency, start: dt.date, end: dt.date, q: str = ""
) -> QuerySet[Dossier]:
    begin, finish = period(start, end)
    rows = Dossier.objects.filter(
        receiving_agency=agency, received_at__gte=begin, received_at__lt=finish
    )
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
    return rows.select_related("procedure", "competent_agency").order_by(*register.ORDER)


def form_07(
    agency: Agency,
    start: dt.date,
    end: dt.date,
    form_set_name: str | None = None,
    q: str = "",
) -> Document:
    """Dossier log book (Sổ theo dõi hồ sơ) of one agency for a date range (the dossiers
    whose code or applicant contains `q` if given), each under its line in the register (its
    "STT", the number form 01 prints: the book of the year, not a count from the period's
    start)."""
    if end < start:
        raise ValidationFailed(_("The end date must not be before the start date."), field="end")
    st = Styles()
    dossiers = logbook_dossiers(agency, start, end, q)
    total = dossiers.count()
    if total > LOGBOOK_MAX_ROWS:
        raise ValidationFailed(
            _("%(n)s dossiers in this period: please choose a shorter period (at most %(max)s).")
            % {"n": total, "max": LOGBOOK_MAX_ROWS},
            field="start",
        )
    transfers = dict(
        DossierEvent.objects.filter(dossier__in=dossiers, action="transfer")
        .order_by("dossier_id", "-seq")
        .values_list("dossier_id", "at")
    )
    doc = Document(
        form_key="07",
        form_set=form_set_name or pdf.DEFAULT_FORM_SET,
        agency_name=agency.name,
        parent_name=governing_body(agency),
        place=place_name(agency),
        issued_on=timezone.now().astimezone(LOCAL_TZ).date(),
        landscape=True,
        subtitle=(
            (f"Quyển số {register.book_number(start.year)} — " if start.year == end.year else "")
            + f"Từ {long_date(start)} đến {long_date(end)} — {total} hồ sơ"
            + (f" có “{q}” trong mã hồ sơ hoặc tên" if q else "")
        ),
    )
    header = [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Trả kết quả",
        "Ghi chú",
    ]
    rows: list[list[object]] = [header]
    lines = register.lines_between(agency, *period(start, end)) if total else {}
    for d in dossiers:
        note = (
            Status(d.status).label
            if d.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)
            else _lateness(d)
        )
        rows.append(
            [
                str(lines[d.pk]),
                code_cell(d.code),
                d.procedure.name,
                str(d.procedure.number_of_copies),
                d.applicant_name,
                ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
                d.competent_agency.name,
                short(d.received_at),
                short(d.appointment_at),
                short(transfers.get(d.pk)),
                short(d.finished_at),
                short(d.returned_at),
                str(note),
            ]
        )
    if total == 0:
        rows.append(["", "", "Không có hồ sơ trong kỳ", "", "", "", "", "", "", "", "", "", ""])
    # Landscape A4 leaves 262 mm: each date column holds "HH:MM" over "dd/mm/yyyy" and the
    # code its two halves, so no number is cut across lines (checked by a test).
    widths = [8, 24, 34, 11, 26, 28, 26, 18, 18, 18, 18, 18, 15]
    scale = (297 - 35) / sum(widths)
    doc.body = [grid(rows, [w * scale * pdf.mm for w in widths], st, narrow=True)]
    doc.signatures = [("NGƯỜI LẬP SỔ", SIGN, "")]
    return doc


def _lateness(d: Dossier) -> str:
    """The log book's note on time: a dossier still open past its due time (pauses counted)
    is overdue as of printing; one finished after it was finished late. The keeper marks
    these by hand on a paper book; without them a late dossier looked like any other."""
    if d.is_overdue:
        return "Quá hạn"
    if d.finished_at and d.due_at and d.finished_at > d.due_at:
        return "Giải quyết trễ hạn"
    return ""


def code_cell(code: str) -> str:
    """The dossier code on two lines at its first hyphen (agency part, then date and
    sequence), so a narrow column never splits it inside a number."""
    agency_part, sep, rest = code.partition("-")
    return f"{agency_part}{sep}\n{rest}" if sep else code


def local(moment: dt.datetime | None) -> dt.datetime:
    return (moment or timezone.now()).astimezone(LOCAL_TZ)


BUILDERS = {
    "01": form_01,
    "02": form_02,
    "03": form_03,
    "04": form_04,
    "05": form_05,
    "06": form_06,
}


def dossier_form(dossier: Dossier, key: str, seq: int | None = None) -> bytes:
    """Render form `key` for this dossier in the form set it was received under."""
    available = pdf.form_set(dossier.form_set)["forms"]
    if key not in BUILDERS or key not in available:
        raise NotFound(
            _("Form %(key)s does not exist in the form set %(set)s.")
            % {"key": key, "set": dossier.form_set or pdf.DEFAULT_FORM_SET}
        )
    return pdf.render(BUILDERS[key](dossier, seq))


# The forms issued for an event of the dossier: one per supplement request, refusal,
# apology or stop, so the second supplement request prints its own form, not only the last.
# Read from the actions' declaration (state.ActionRule.form), which the staff page reads too.
EVENT_FORMS = {rule.form: name for name, rule in ACTION_RULES.items() if rule.form}


def available_forms(dossier: Dossier) -> list[tuple[str, str, int | None]]:
    """The forms that can be issued for this dossier now: (key, printed title, event seq),
    one row per event for the forms an event issues (the seq goes to the form's address as
    `?event=`), one row for the others."""
    forms = pdf.form_set(dossier.form_set)["forms"]
    by_action: dict[str, list[DossierEvent]] = {}
    for event in dossier.events.filter(action__in=EVENT_FORMS.values()).order_by("seq"):
        by_action.setdefault(event.action, []).append(event)
    rows: list[tuple[str, str, int | None]] = []
    for key in BUILDERS:
        if key not in forms:
            continue
        title = f"{forms[key][0]}: {forms[key][1]}"
        if key in EVENT_FORMS:
            issued = by_action.get(EVENT_FORMS[key], [])
            for n, event in enumerate(issued, start=1):
                day = local(event.at).strftime("%d/%m/%Y")
                label = (
                    _("%(title)s (no. %(n)s, %(day)s)") % {"title": title, "n": n, "day": day}
                    if len(issued) > 1
                    else _("%(title)s (%(day)s)") % {"title": title, "day": day}
                )
                rows.append((key, label, event.seq))
        elif key != "01" or dossier.received_at is not None:
            rows.append((key, title, None))
    return rows
