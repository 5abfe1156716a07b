"""Factories and the fixed cast of users shared by every app's tests.

The cast (after healthchecks' owner/member/outsider): for each of two agencies A (a commune)
and B (a provincial department) there is a clerk, a specialist and a leader; plus a
province administrator, an inspector, a citizen and a staff member of a third agency C
(the outsider).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import factory

from cchc.accounts.models import Membership, User
from cchc.agencies.models import Agency, RankingGroup
from cchc.catalogue.models import Field, Procedure, RequiredDocument

PROVINCE = "01"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingGroup
        django_get_or_create = ("name",)

    name = "Sở, ban, ngành"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H26.{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    level = "PROVINCE_AGENCY"
    province_code = PROVINCE
    identity_code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H26")
    valid_from = dt.date(2020, 1, 1)
    group = factory.SubFactory(GroupFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username.title())
    kind = User.Kind.STAFF
    province_code = PROVINCE
    password = factory.PostGenerationMethodCall("set_password", "pw")


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "HT"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.{n + 1:06d}")
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    status = Procedure.Status.PUBLISHED
    processing_time = Decimal(3)
    time_unit = "working_day"
    online_level = "full"
    applicant_types = "Công dân Việt Nam"
    submission_means = "Trực tiếp, trực tuyến, bưu chính"
    steps_description = "Tiếp nhận, thẩm định, trả kết quả"

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)
            RequiredDocument.objects.get_or_create(
                procedure=self, order=1, defaults={"name": "Tờ khai"}
            )


@dataclass
class Cast:
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    clerk_a: User
    specialist_a: User
    leader_a: User
    clerk_b: User
    specialist_b: User
    leader_b: User
    outsider: User
    province_admin: User
    inspector: User
    citizen: User
    procedure: Procedure


def member(username: str, agency: Agency, role: str) -> User:
    user = UserFactory(username=username, full_name=username.replace("_", " ").title())
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def make_cast() -> Cast:
    communes = GroupFactory(name="Xã, phường")
    agency_a = AgencyFactory(
        code="H26.100",
        name="UBND phường Hoàn Kiếm",
        level="COMMUNE",
        identity_code="000.01.01.H26",
        group=communes,
    )
    agency_b = AgencyFactory(code="H26.01", name="Sở Tư pháp", identity_code="000.00.01.H26")
    agency_c = AgencyFactory(code="H26.02", name="Sở Xây dựng", identity_code="000.00.02.H26")
    R = Membership.Role
    cast = Cast(
        agency_a=agency_a,
        agency_b=agency_b,
        agency_c=agency_c,
        clerk_a=member("clerk_a", agency_a, R.CLERK),
        specialist_a=member("specialist_a", agency_a, R.SPECIALIST),
        leader_a=member("leader_a", agency_a, R.LEADER),
        clerk_b=member("clerk_b", agency_b, R.CLERK),
        specialist_b=member("specialist_b", agency_b, R.SPECIALIST),
        leader_b=member("leader_b", agency_b, R.LEADER),
        outsider=member("outsider", agency_c, R.LEADER),
        province_admin=UserFactory(username="province_admin", kind=User.Kind.PROVINCE_ADMIN),
        inspector=UserFactory(username="inspector", kind=User.Kind.INSPECTOR),
        citizen=UserFactory(username="citizen", kind=User.Kind.CITIZEN, email="citizen@example.vn"),
        procedure=ProcedureFactory(code="1.001193", agencies=[agency_a, agency_b]),
    )
    return cast


# -- rendering and accessibility checks --------------------------------------------------------
class _IdRefs(HTMLParser):
    """Collects the ids of a page and every reference to an id (aria-describedby,
    aria-labelledby, aria-controls, label for, href="#...")."""

    REF_ATTRS = ("aria-describedby", "aria-labelledby", "aria-controls", "for")

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.invalid: list[str] = []  # ids of form controls with aria-invalid="true"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.append(a["id"])
        for name in self.REF_ATTRS:
            if name == "for" and tag != "label":
                continue
            for ref in a.get(name, "").split():
                self.refs.append((tag, name, ref))
        if tag == "a" and a.get("href", "").startswith("#") and len(a["href"]) > 1:
            self.refs.append((tag, "href", a["href"][1:]))
        if a.get("aria-invalid") == "true":
            self.invalid.append(a.get("id", ""))


def aria_references(html: str) -> _IdRefs:
    parser = _IdRefs()
    parser.feed(html)
    return parser


def assert_aria_references(html: str) -> _IdRefs:
    """Every id a page refers to (aria-describedby, aria-labelledby, label for, #fragment
    links) exists, and no id is used twice. Returns the parsed references for more checks."""
    parsed = aria_references(html)
    ids = set(parsed.ids)
    dangling = [f'<{tag} {attr}="{ref}">' for tag, attr, ref in parsed.refs if ref not in ids]
    assert not dangling, f"references to ids that do not exist: {dangling}"
    twice = sorted({i for i in parsed.ids if parsed.ids.count(i) > 1})
    assert not twice, f"ids used more than once: {twice}"
    return parsed


AXE_JS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"
# axe-core's impact levels that fail a test; "moderate" and "minor" are reported, not failed
FAILING_IMPACTS = ("serious", "critical")


def sign_in(page: Any, user: User) -> None:
    """Sign a Playwright page in as `user` (a session made by Django's test client)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def assert_accessible(page: Any, *, disable: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core (vendored, static/vendor/axe-core) on the page as it is now and fail on
    serious or critical violations of WCAG 2.1 A/AA and best practices. `disable` turns off
    named rules, each of which needs a reason at the call site. Returns the lesser violations.

    axe is evaluated through the DevTools protocol, so a strict Content-Security-Policy on the
    page does not stop it."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (disable) => {
            const rules = Object.fromEntries(disable.map((id) => [id, {enabled: false}]));
            return await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                rules,
                resultTypes: ["violations"],
            });
        }""",
        list(disable),
    )
    failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        lines = [f"axe-core: {len(failing)} serious/critical violation(s) on {page.url}"]
        for v in failing:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"      {summary[:300]}")
        raise AssertionError("\n".join(lines))
    return [v for v in result["violations"] if v["impact"] not in FAILING_IMPACTS]
