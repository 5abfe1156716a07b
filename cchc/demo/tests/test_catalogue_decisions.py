"""The demo shows what the catalogue and the portal gained: every published procedure names
the decision that announced it (the procedure page showed an empty "Quyết định công bố"), a
few drafts wait for a keeper to publish them, the applicants differ by procedure (all said
"Cá nhân, tổ chức", so the portal's note for the wrong kind of account never showed), and a
company's account `doanhnghiep` has dossiers it submitted online, and so has the citizen's
account `congdan` (its "Hồ sơ của tôi" was empty), each waiting on something the portal offers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from cchc.accounts.models import User
from cchc.catalogue import services as catalogue
from cchc.catalogue.models import CatalogueChange, Procedure
from cchc.demo.bundle import generate
from cchc.demo.catalogue_data import DRAFT_PROCEDURES, PROCEDURES, PUBLICATION_DECISIONS
from cchc.demo.management.commands.seed_demo import PASSWORD, Command
from cchc.dossiers.models import ApplicantKind, Channel, Dossier
from cchc.portal.applicant_types import for_individuals_only, for_organisations_only, mismatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path, django_capture_on_commit_callbacks):
    generate(tmp_path, dossiers=60, document_flags=False)
    call_command("import_bundle", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    command = Command(stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        command._finish_catalogue()
        command._publication_decisions()
        command._draft_procedures()
        command._users()
        command._organisation_dossiers()
        command._citizen_dossiers()
    return command


def test_every_field_is_announced_by_one_decision():
    announced = Counter(f for _n, _d, fields in PUBLICATION_DECISIONS for f in fields)
    assert set(announced) == set(PROCEDURES) and set(announced.values()) == {1}


def test_published_procedures_name_their_decision_dated_before_the_dossiers(seeded):
    published = list(Procedure.objects.published())
    assert len(published) > 100
    assert [p.code for p in published if not p.publication_decision or not p.announced_on] == []
    # a few decisions, each announcing many procedures, as Hà Nội does
    per_decision = Counter(p.publication_decision for p in published)
    assert 3 <= len(per_decision) <= 6 and min(per_decision.values()) >= 10
    first = Dossier.objects.aggregate(Min("submitted_at"))["submitted_at__min"]
    assert first is not None
    assert max(p.announced_on for p in published) < timezone.localdate(first)
    # written by the import through the catalogue's service: the history says so
    change = CatalogueChange.objects.filter(procedure=published[0]).order_by("-seq").first()
    assert change.actor_label and change.data["publication_decision"][1] == (
        published[0].publication_decision
    )


def test_drafts_wait_for_a_keeper_who_publishes_them_with_a_decision(seeded):
    drafts = list(Procedure.objects.filter(status=Procedure.Status.DRAFT).order_by("code"))
    assert [p.code for p in drafts] == [row[0] for row in DRAFT_PROCEDURES]
    assert all(p.missing_core_fields() == [] and not p.publication_decision for p in drafts)
    keeper = User.objects.get(username="quantri.tuphap")  # Sở Tư pháp's administrator
    own = next(p for p in drafts if p.agencies.filter(code="H26.01").exists())
    published = catalogue.publish_procedure(
        own, actor=keeper, decision="3150/QĐ-UBND", announced_on=dt.date(2026, 1, 5)
    )
    assert published.is_published and published.publication_decision == "3150/QĐ-UBND"


def test_applicants_differ_so_the_portal_warns_the_wrong_kind_of_account(seeded):
    procedures = list(Procedure.objects.published())
    texts = Counter(p.applicant_types for p in procedures)
    assert len(texts) >= 5 and texts["Cá nhân, tổ chức"] < len(procedures) / 2
    birth = Procedure.objects.get(name="Đăng ký khai sinh")
    capital = Procedure.objects.get(name="Đăng ký thay đổi vốn điều lệ")
    assert for_individuals_only(birth) and for_organisations_only(capital)
    company, citizen = (
        User.objects.get(username="doanhnghiep"),
        User.objects.get(username="congdan"),
    )
    assert mismatch(birth, company) and not mismatch(birth, citizen)
    assert mismatch(capital, citizen) and not mismatch(capital, company)


def test_the_company_account_signs_in_and_has_its_online_dossiers(seeded):
    company = User.objects.get(username="doanhnghiep")
    assert company.is_active and company.check_password(PASSWORD)
    assert company.is_organisation and company.kind == User.Kind.CITIZEN
    assert (company.organisation_name, company.tax_code) == ("Công ty TNHH Sao Mai", "0100233488")
    assert company.full_name == "Trần Thị Hương"  # the contact person
    dossiers = list(Dossier.objects.filter(applicant=company))
    assert len(dossiers) == 2
    assert {d.receiving_agency.code for d in dossiers} == {"H26.01", "H26.03"}
    for d in dossiers:
        assert d.applicant_kind == ApplicantKind.ORGANISATION
        assert d.applicant_name == "Công ty TNHH Sao Mai" and d.applicant_tax_code == "0100233488"
        assert for_organisations_only(d.procedure)
    out = StringIO()
    seeded.stdout = out
    seeded._print_logins()
    assert "doanhnghiep" in out.getvalue() and "Công ty TNHH Sao Mai" in out.getvalue()


def test_the_citizen_account_has_online_dossiers_at_each_point_the_portal_asks_of_them(
    seeded, client
):
    from cchc.dossiers.models import Status

    citizen = User.objects.get(username="congdan")
    dossiers = list(Dossier.objects.filter(applicant=citizen).order_by("pk"))
    assert [d.status for d in dossiers] == [Status.SUBMITTED, Status.SUPPLEMENT, Status.RETURNED]
    for d in dossiers:
        assert d.receiving_agency.code == "H26.100" and d.channel == Channel.ONLINE
        assert d.applicant_kind == ApplicantKind.PERSON
        assert not for_organisations_only(d.procedure)
    client.force_login(citizen)
    page = client.get("/my/").content.decode()
    assert all(d.code in page for d in dossiers)
