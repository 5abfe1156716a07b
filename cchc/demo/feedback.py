"""Petitions and complaints the demo's staff handle through the feedback services.

The bundle's petitions are history (handled, answered, published) and carry no topic (the
interchange format has no column for it); no complaint or denunciation comes in a bundle. So
the counters of UBND Phường Ba Đình and Sở Tư pháp get work of their own, recorded as staff
record it: petitions logged from the hotline, the counter and the post, each with the topic
a clerk chooses (the feedback app's topics) and, for a late dossier, the dossier's code; one
sent on the web by the demo citizen; then confirmed, asked for information, answered and
published by the unit's staff. Each unit's leader registers complaints and denunciations:
one waiting to be accepted, accepted ones (one extended), one settled and one refused.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import F
from django.utils import timezone

from cchc.accounts.models import User
from cchc.agencies.models import Agency
from cchc.core.calendar import WorkingCalendar
from cchc.demo.bundle import working_moment
from cchc.demo.petition_texts import topic_and_text
from cchc.dossiers.models import Dossier
from cchc.feedback import complaints, intake, petitions, reception
from cchc.feedback.models import Category, ComplaintKind, PetitionChannel, Topic

HOUR = 3600
# agency code, clerk, specialist, leader (the demo logins, seed_demo.DEMO_USERS)
UNITS = (
    ("H26.100", "motcua.badinh", "chuyenvien.badinh", "lanhdao.badinh"),
    ("H26.01", "motcua.tuphap", "chuyenvien.tuphap", "lanhdao.tuphap"),
)
# where each petition of a unit stands: logged only (the classification to confirm), being
# handled, waiting for the petitioner's information, answered (to publish), published
STAGES = ("received", "processing", "need_info", "answered", "published", "published")
CHANNELS = (PetitionChannel.HOTLINE, PetitionChannel.COUNTER, PetitionChannel.MAIL)
CATEGORIES = (Category.TTHC, Category.TTHC, Category.CANBO, Category.KHAC)
NAMES = (
    "Nguyễn Thị Thanh",
    "Trần Văn Quang",
    "Lê Thị Hồng",
    "Phạm Văn Tài",
    "Vũ Thị Hạnh",
    "Đặng Văn Hải",
    "Bùi Thị Yến",
    "Hoàng Văn Nam",
)
# what the specialist asks a petitioner; why a denunciation's settlement is extended
QUESTION = "Đề nghị Ông/Bà cho biết ngày nộp hồ sơ và số giấy tiếp nhận."
EXTENSION = "Vụ việc phức tạp, cần xác minh thêm tại cơ quan liên quan"
# (kind, complainant, subject, content, outcome or refusal reason)
COMPLAINTS = (
    (
        ComplaintKind.COMPLAINT,
        "Trần Văn Thắng",
        "Quyết định từ chối cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Tôi khiếu nại quyết định từ chối cấp giấy phép xây dựng nhà ở riêng lẻ của gia đình "
        "tôi với lý do chưa phù hợp quy hoạch, trong khi các hộ liền kề đã được cấp phép. Đề "
        "nghị xem xét lại.",
        "Giữ nguyên quyết định: thửa đất nằm trong chỉ giới mở đường theo quy hoạch chi tiết "
        "đã được phê duyệt; hướng dẫn Ông/Bà xin giấy phép xây dựng có thời hạn.",
    ),
    (
        ComplaintKind.COMPLAINT,
        "Nguyễn Thị Lan Anh",
        "Việc không tiếp nhận hồ sơ đăng ký khai sinh quá hạn",
        "Bộ phận một cửa không tiếp nhận hồ sơ đăng ký khai sinh quá hạn cho con tôi vì thiếu "
        "giấy chứng sinh, dù tôi đã có văn bản của người làm chứng theo quy định.",
        "Khiếu nại đúng: công chức đã tiếp nhận hồ sơ và đăng ký khai sinh cho cháu; đơn vị "
        "nhắc nhở công chức tiếp nhận.",
    ),
    (
        ComplaintKind.DENUNCIATION,
        "Lê Văn Thành",
        "Hành vi đòi tiền ngoài quy định của cán bộ tiếp nhận hồ sơ",
        "Tôi tố cáo cán bộ tiếp nhận hồ sơ chứng thực đã đề nghị tôi nộp thêm tiền để được "
        "giải quyết nhanh, không có biên lai.",
        "",
    ),
    (
        ComplaintKind.COMPLAINT,
        "Phạm Thị Thu Trang",
        "Thông báo yêu cầu bổ sung hồ sơ đăng ký hộ kinh doanh",
        "Tôi khiếu nại việc yêu cầu bổ sung hồ sơ đăng ký hộ kinh doanh lần thứ hai với giấy "
        "tờ không có trong thành phần hồ sơ đã công bố.",
        "",
    ),
    (
        ComplaintKind.COMPLAINT,
        "Đỗ Văn Hiếu",
        "Việc xử lý hồ sơ của hàng xóm",
        "Tôi khiếu nại việc cấp bản sao trích lục hộ tịch cho hàng xóm của tôi.",
        "Không thụ lý: Ông/Bà không có quyền, lợi ích hợp pháp liên quan trực tiếp đến việc "
        "cấp bản sao trích lục cho người khác (Luật Khiếu nại 2011, điều 11).",
    ),
)
# what each of COMPLAINTS comes to at a unit: settled (twice), accepted as a complicated
# case and extended (Law on Denunciations 2018 art. 30), waiting to be accepted, refused
COMPLAINT_STAGES = ("settled", "settled", "extended", "received", "refused")


def _staff(*usernames: str) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def seed_live_petitions(out: Any = None, *, seed: int = 2026) -> int:
    """Petitions at each demo unit at every point of their handling, with their topics."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    cal = WorkingCalendar()
    now = timezone.now()
    topics = {t.code: t for t in Topic.objects.filter(active=True)}
    citizen = User.objects.filter(username="congdan").first()
    made = 0
    for agency_code, clerk_name, specialist_name, leader_name in UNITS:
        agency = Agency.objects.filter(code=agency_code).first()
        staff = _staff(clerk_name, specialist_name, leader_name)
        if agency is None or len(staff) < 3:
            continue
        clerk, specialist, leader = staff[clerk_name], staff[specialist_name], staff[leader_name]
        # the unit's late dossiers first (what "Hồ sơ … quá hạn" petitions are about)
        dossiers = Dossier.objects.filter(receiving_agency=agency).order_by("-received_at")
        late = list(
            dossiers.filter(finished_at__gt=F("due_at")).values_list("code", flat=True)[:20]
        )
        late += list(dossiers.values_list("code", flat=True)[:20])
        for i in range(2 * len(STAGES)):
            stage = STAGES[i % len(STAGES)]
            category = CATEGORIES[i % len(CATEGORIES)]
            code, texts = topic_and_text(rng, category, answered=True)
            topic = topics.get(code)
            days_ago = rng.randint(1 if stage == "received" else 4, 12)
            if stage == "processing" and i >= len(STAGES):
                days_ago = 30  # past its 15 working days: the overdue tab has one
            day = (now - dt.timedelta(days=days_ago)).date()
            received = min(working_moment(rng, cal, day), now)
            web = citizen is not None and i == 1
            # as filed, so confirmed (the topic a clerk chooses, the unit's own agency)
            classified: dict[str, Any] = {"category": category, "topic": topic, "agency": agency}
            petition = intake.file_petition(
                channel=PetitionChannel.WEB if web else CHANNELS[i % len(CHANNELS)],
                title=texts["TieuDe"],
                description=texts["NoiDung"],
                petitioner=intake.Petitioner(
                    name=citizen.full_name if web and citizen else rng.choice(NAMES),
                    phone=f"09{rng.randint(10000000, 99999999)}",
                    user=citizen if web else None,
                ),
                actor=citizen if web else clerk,
                receiving_agency=None if web else agency,
                # a petition about a late dossier names it (the topic asks for its code)
                dossier_code=late[i % len(late)] if code == "TTHC-HOSO" and late else "",
                at=received,
                **classified,
            )
            made += 1
            if stage == "received":
                continue
            t = min(cal.add_working_seconds(received, 2 * HOUR), now)
            petition = petitions.confirm_routing(
                petition, actor=clerk, assignee=specialist, at=t, **classified
            )
            if stage == "processing":
                continue
            t = min(cal.add_working_seconds(t, rng.uniform(4, 16) * HOUR), now)
            if stage == "need_info":
                petitions.request_info(petition, actor=specialist, question=QUESTION, at=t)
                continue
            petition = petitions.answer(petition, actor=specialist, text=texts["TraLoi"], at=t)
            if stage == "published":
                t = min(cal.add_working_seconds(t, rng.uniform(2, 8) * HOUR), now)
                petitions.publish(petition, actor=leader, at=t)
    if out is not None:
        out.write(f"Live petitions with their topics at the demo units: {made}")
    return made


def seed_complaints(out: Any = None, *, seed: int = 2026) -> int:
    """Complaints and denunciations each demo unit's leader registers and handles."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    cal = WorkingCalendar()
    now = timezone.now()
    made = 0
    for agency_code, _clerk, _specialist, leader_name in UNITS:
        agency = Agency.objects.filter(code=agency_code).first()
        leader = _staff(leader_name).get(leader_name)
        if agency is None or leader is None:
            continue
        for (kind, name, subject, content, outcome), stage in zip(
            COMPLAINTS, COMPLAINT_STAGES, strict=True
        ):
            day = (now - dt.timedelta(days=rng.randint(8, 40))).date()
            received = min(working_moment(rng, cal, day), now)
            complaint = complaints.file_complaint(
                actor=leader,
                agency=agency,
                at=received,
                kind=kind,
                complainant_name=name,
                subject=subject,
                content=content,
                complainant_phone=f"09{rng.randint(10000000, 99999999)}",
                complainant_address=f"Số {rng.randint(2, 120)} phố Kim Mã, Hà Nội",
            )
            made += 1
            t = min(cal.add_working_seconds(received, rng.uniform(8, 40) * HOUR), now)
            if stage == "refused":
                complaints.refuse_complaint(complaint, actor=leader, reason=outcome, at=t)
                continue
            if stage == "received":
                continue
            complaint = complaints.accept_complaint(
                complaint,
                actor=leader,
                complexity=1 if stage == "extended" else None,
                at=t,
            )
            t = min(cal.add_working_seconds(t, rng.uniform(16, 60) * HOUR), now)
            if stage == "settled" and outcome:
                complaints.settle_complaint(complaint, actor=leader, outcome=outcome, at=t)
            elif stage == "extended":
                complaints.extend_complaint(complaint, actor=leader, reason=EXTENSION, at=t)
    if out is not None:
        out.write(f"Complaints and denunciations at the demo units: {made}")
    return made


# agency code, leader's login, position, place, weekday (0 = Monday), weeks between sessions:
# a commune's chairman receives citizens every week, a department's director at least twice a
# month (Law on Citizen Reception 2013, art. 15 and 18)
RECEPTION = (
    (
        "H26.100",
        "lanhdao.badinh",
        "Chủ tịch UBND phường",
        "Phòng tiếp công dân, trụ sở UBND phường Ba Đình",
        3,
        1,
    ),
    (
        "H26.01",
        "lanhdao.tuphap",
        "Giám đốc Sở Tư pháp",
        "Phòng tiếp công dân, trụ sở Sở Tư pháp",
        1,
        2,
    ),
)


def seed_reception_schedule(out: Any = None, *, weeks: int = 8) -> int:
    """The demo leaders' citizen-reception sessions over the coming `weeks`, published by each
    leader as the schedule page lets them."""
    cal = WorkingCalendar()
    today = timezone.localdate()
    made = 0
    for agency_code, leader_name, title, place, weekday, every in RECEPTION:
        agency = Agency.objects.filter(code=agency_code).first()
        leader = _staff(leader_name).get(leader_name)
        if agency is None or leader is None:
            continue
        first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
        for week in range(0, weeks, every):
            day = first + dt.timedelta(weeks=week)
            if not cal.is_working_day(day):
                continue  # a holiday: no session that week
            reception.schedule_reception(
                actor=leader,
                agency=agency,
                leader_name=leader.full_name,
                leader_title=title,
                day=day,
                start_time=dt.time(8, 0),
                end_time=dt.time(11, 30),
                location=place,
            )
            made += 1
    if out is not None:
        out.write(f"Citizen reception sessions of the demo leaders: {made}")
    return made
