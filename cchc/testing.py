"""Factories and the fixed cast of users shared by every app's tests.

The cast (after healthchecks' owner/member/outsider): for each of two agencies A (a commune)
and B (a provincial department) there is a clerk, a specialist and a leader; plus a
province administrator, an inspector, a citizen and a staff member of a third agency C
(the outsider).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import factory
from django.db import connections
from django.test import Client

from cchc.accounts.models import Membership, User
from cchc.agencies.models import Agency, RankingGroup
from cchc.catalogue.models import Field, Procedure, RequiredDocument

# The page checks live in core (no app imports); every app's tests take them from here.
from cchc.core.a11y import FAILING_IMPACTS as FAILING_IMPACTS
from cchc.core.a11y import aria_references as aria_references
from cchc.core.a11y import assert_accessible as assert_accessible
from cchc.core.a11y import assert_aria_references as assert_aria_references
from cchc.core.a11y import open_page as open_page
from cchc.core.a11y import sign_in as sign_in

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


def counter_checklist(procedure: Procedure, received_as: str = "ORIGINAL") -> dict[str, str]:
    """The intake form's checklist with every mandatory component ticked as handed in (the
    counter receives only a complete dossier)."""
    return {
        f"received_{rd.pk}": received_as
        for rd in RequiredDocument.objects.filter(procedure=procedure, mandatory=True)
    }


def client_for(user: User) -> Client:
    """A Django test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def fill_counter_intake(page: Any, cast: Cast) -> None:
    """Fill the counter intake form (/staff/intake/, open in the Playwright `page`) as a clerk
    of agency A does: search and pick the cast's procedure, agency B as competent, every
    component of the checklist handed in as an original, and the applicant Nguyễn Thị Hoa."""
    with page.expect_response(lambda r: "part=procedures" in r.url):
        page.fill("input[type=search][name=q]", "khai sinh")
    page.wait_for_selector(f"#id_procedure option[value='{cast.procedure.pk}']", state="attached")
    with page.expect_response(lambda r: "part=competent" in r.url):
        page.select_option("#id_procedure", str(cast.procedure.pk))
    page.wait_for_selector(
        f"#id_competent_agency option[value='{cast.agency_b.pk}']", state="attached"
    )
    page.select_option("#id_competent_agency", str(cast.agency_b.pk))
    # the checklist of the procedure's components (loaded with the procedure)
    page.wait_for_selector("#checklist select[name^=received_]")
    for select in page.locator("#checklist select[name^=received_]").all():
        select.select_option("ORIGINAL")
    page.fill("input[name=applicant_name]", "Nguyễn Thị Hoa")
    page.fill("input[name=applicant_id]", "001199004321")
    page.fill("input[name=applicant_phone]", "0987654321")


def run_together(clients: int, work: Callable[[int], object]) -> None:
    """Run `work(i)` for i in 0…clients-1, each in a thread of its own, all released at
    once by a barrier (concurrency tests, PostgreSQL); each thread closes its database
    connections when done. Fails with every exception a thread raised."""
    barrier = threading.Barrier(clients)
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def write_bundle_files(directory: Path, files: dict[str, str | None]) -> Path:
    """Write each file of an import bundle whose content is given into `directory` (None
    leaves the file out, as a partial bundle does); the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is not None:
            (directory / name).write_text(content, encoding="utf-8")
    return directory


class FakeJsonApi:
    """An outside JSON API (the national portal, an SMS gateway) stood in for by a local HTTP
    server: each POST is recorded in `received` as (path, body, Authorization header) and
    answered with the next status of `answers` (200 once they run out)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any], str]] = []
        self.answers: list[int] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                api.received.append(
                    (
                        self.path,
                        json.loads(body.decode("utf-8")),
                        self.headers.get("Authorization", ""),
                    )
                )
                self.send_response(api.answers.pop(0) if api.answers else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        """Stop the server: a request after this finds nothing listening."""
        self.server.shutdown()
        self.server.server_close()


def work_card_counts(client: Client, card_url: str) -> dict[str, int]:
    """A module's card on the staff home page (includes/work_card.html), read as {label:
    count}, after checking each count against the list its link opens (the list's page
    object, `page.paginator.count`): the card and the list must filter alike."""
    import html
    import re

    response = client.get(card_url, headers={"HX-Request": "true"})  # as the home page loads it
    assert response.status_code == 200, (card_url, response.status_code)
    body = response.content.decode()
    lines = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="badge[^"]*">(\d+)</span></li>', body
    )
    assert lines, body
    counts = {}
    for url, label, count in lines:
        listed = client.get(html.unescape(url))
        assert listed.status_code == 200, (url, listed.status_code)
        assert listed.context["page"].paginator.count == int(count), (label, url, count)
        counts[html.unescape(label)] = int(count)
    return counts


def assert_card_is_a_page_when_opened_directly(client: Client, card_url: str) -> None:
    """A module's card opened from a bookmark or a new tab is the site's page around the card;
    the home page's htmx request gets the bare card, and caches tell the two apart."""
    page = client.get(card_url).content.decode()
    assert "<html" in page and "<h1>" in page and 'class="work-card"' in page, page
    response = client.get(card_url, headers={"HX-Request": "true"})
    card = response.content.decode()
    assert card.lstrip().startswith('<article class="work-card">') and "<html" not in card
    assert "HX-Request" in response["Vary"]


def vietnamese_entries_saying(app: str, pattern: str) -> list[str]:
    """The msgids of app `app`'s Vietnamese catalogue (cchc/<app>/locale/vi) whose translation
    matches the regular expression `pattern`, case-insensitive: what a wording test expects
    to be empty (a form of address, a second name for one body)."""
    import re

    import polib

    catalogue = (
        Path(__file__).resolve().parent / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    )
    found = re.compile(pattern, re.IGNORECASE)
    return [e.msgid for e in polib.pofile(str(catalogue)) if found.search(e.msgstr)]
