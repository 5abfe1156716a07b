"""Staff accounts from a spreadsheet (`staff.csv`): every line checked with the messages of
the one-account page, a file with a refused line writes nothing, a checked file is shown
before anything is created, and loading the same file twice changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cchc.accounts import staff_import
from cchc.accounts.models import AccountEvent, Membership, User
from cchc.accounts.staff_import import LineError
from cchc.core.jobs import run_jobs
from cchc.testing import client_for, member

R = Membership.Role
HEADER = "username,full_name,email,phone,agency_code,role\n"


def _csv(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


def test_a_province_loads_its_staff_with_several_roles_and_a_second_load_changes_nothing(
    transactional_db, cast
):
    text = _csv(
        "lan.tran,Trần Thị Lan,lan@example.vn,,H26.100,CLERK",
        "lan.tran,Trần Thị Lan,lan@example.vn,,H26.01,chuyên viên",
        "minh.do,Đỗ Văn Minh,,0912 345 678,H26.01,LEADER",
        "clerk_a,Clerk A,clerk@example.vn,,H26.01,SPECIALIST",  # an existing account: a role more
    )
    plan = staff_import.load(cast.province_admin, text)
    assert plan.ok, plan.errors
    lan = User.objects.get(username="lan.tran")
    assert sorted(lan.memberships.values_list("agency__code", "role")) == [
        ("H26.01", R.SPECIALIST),
        ("H26.100", R.CLERK),
    ]
    assert not lan.has_usable_password() and lan.kind == User.Kind.STAFF
    minh = User.objects.get(username="minh.do")
    assert minh.memberships.get().role == R.LEADER
    assert cast.clerk_a.memberships.filter(agency=cast.agency_b, role=R.SPECIALIST).exists()
    assert plan.summary() == "staff.csv: 2 accounts created, 2 roles granted, 0 unchanged, 0 errors"
    assert [e.action for e in AccountEvent.objects.filter(user=lan).order_by("seq")] == [
        "create",
        "invite",
        "grant",
    ]
    assert run_jobs() == 2  # one link each for the two new accounts, none for clerk_a

    again = staff_import.load(cast.province_admin, text)
    assert (len(again.new_accounts), len(again.new_roles), again.unchanged) == (0, 0, 4)
    assert AccountEvent.objects.filter(user=lan).count() == 3


def test_a_file_with_refused_lines_writes_nothing_and_names_every_line(db, cast):
    admin_a = member("admin_a", cast.agency_a, R.AGENCY_ADMIN)
    text = _csv(
        "ok.one,Người Một,one@example.vn,,H26.100,CLERK",
        "Bùi Hà,Bùi Hà,ha@example.vn,,H26.100,CLERK",  # accents in the user name
        "no.contact,Không Liên Lạc,,,H26.100,CLERK",  # neither e-mail nor phone
        "other.agency,Sở Khác,o@example.vn,,H26.01,CLERK",  # not an agency admin_a manages
        "bad.role,Vai Sai,r@example.vn,,H26.100,BOSS",
        "leader_a,Leader,l@example.vn,,H26.100,CLERK",  # taken (staff of agency_a: fine)
        "citizen,Công Dân,c@example.vn,,H26.100,CLERK",  # a citizen's user name
        "ok.one,Người Khác,x@example.vn,,H26.100,LEADER",  # same user name, other details
        "ok.one,Người Một,one@example.vn,,H26.100,CLERK",  # the same line twice
        "short,line",
    )
    plan = staff_import.load(admin_a, text)
    assert not plan.ok
    by_line = {(e.line, e.column) for e in plan.errors}
    assert {(3, "username"), (4, "email"), (5, "agency_code"), (6, "role")} <= by_line
    assert {(8, "username"), (9, "username"), (10, "role"), (11, "")} <= by_line
    assert not any(e.line in (2, 7) for e in plan.errors)  # leader_a gets a role: allowed
    assert not User.objects.filter(username="ok.one").exists()
    assert not cast.leader_a.memberships.filter(role=R.CLERK).exists()
    assert (
        LineError(5, "agency_code", "Cơ quan H26.01 không thuộc các cơ quan bạn quản lý cán bộ.")
        in plan.errors
    )


def test_a_header_without_the_columns_and_a_non_utf8_file_are_refused_with_a_reason(db, cast):
    plan = staff_import.check(cast.province_admin, "user,name\nx,y\n")
    assert [(e.line, e.column) for e in plan.errors] == [(1, "")]
    assert "agency_code" in plan.errors[0].message
    with pytest.raises(ValueError, match="UTF-8"):
        staff_import.decode("username;full_name\nđ".encode("cp1258"))
    # Excel's byte order mark and a semicolon list separator are both read
    text = staff_import.decode(
        (
            "\ufeff" + HEADER.replace(",", ";") + "hai.le;Lê Hai;h@example.vn;;H26.01;CLERK\n"
        ).encode()
    )
    assert len(staff_import.check(cast.province_admin, text).new_accounts) == 1


def test_the_page_shows_the_plan_then_creates_on_confirmation(transactional_db, cast):
    client = client_for(cast.province_admin)
    url = reverse("accounts:staff_import")
    assert url in client.get(reverse("accounts:staff")).content.decode()
    page = client.get(url).content.decode()
    assert "agency_code" in page and "H26.01" in page
    example = client.get(reverse("accounts:staff_import_template"))
    assert example.content.decode("utf-8-sig").startswith(HEADER.strip())

    upload = SimpleUploadedFile(
        "staff.csv", _csv("an.vu,Vũ An,an@example.vn,,H26.01,CLERK").encode(), "text/csv"
    )
    checked = client.post(url, {"file": upload}).content.decode()
    assert "Vũ An" in checked and 'name="confirm"' in checked
    assert not User.objects.filter(username="an.vu").exists()  # nothing before confirmation

    content = _csv("an.vu,Vũ An,an@example.vn,,H26.01,CLERK")
    done = client.post(url, {"content": content, "confirm": "1"})
    assert done.status_code == 302 and done.url == reverse("accounts:staff")
    assert User.objects.get(username="an.vu").memberships.get().agency == cast.agency_b

    bad = SimpleUploadedFile("staff.csv", _csv("x,,,,H26.01,CLERK").encode(), "text/csv")
    refused = client.post(url, {"file": bad}).content.decode()
    assert 'role="alert"' in refused and 'name="confirm"' not in refused
    assert "Không có gì được tạo" in refused


def test_only_those_who_manage_staff_reach_the_page(db, cast):
    assert client_for(cast.clerk_a).get(reverse("accounts:staff_import")).status_code == 403
    assert (
        client_for(cast.inspector).get(reverse("accounts:staff_import_template")).status_code == 403
    )


def test_the_command_prints_each_refused_line_and_the_summary(db, cast, tmp_path: Path, capsys):
    good = tmp_path / "staff.csv"
    good.write_text(_csv("binh.ng,Nguyễn Bình,b@example.vn,,H26.01,LEADER"), encoding="utf-8")
    call_command("import_staff", str(good), "--user", "province_admin", "--check")
    assert not User.objects.filter(username="binh.ng").exists()
    call_command("import_staff", str(good), "--user", "province_admin")
    out = capsys.readouterr().out
    assert "staff.csv: 1 accounts created, 0 roles granted, 0 unchanged, 0 errors" in out
    assert User.objects.filter(username="binh.ng").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text(_csv("c,Tên,,,H26.01,CLERK"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_staff", str(bad), "--user", "province_admin")
    assert "bad.csv:2: email:" in capsys.readouterr().err
