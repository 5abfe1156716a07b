"""Issue 12 point 6: a retention rule as data and `manage.py apply_retention`, which blanks
the contact details of records closed longer ago than the rule says, with an event each."""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from cchc.core.actors import JOB
from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.core.models import RuleVersion
from cchc.core.retention import RULE_KEY
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent, Status
from cchc.dossiers.retention import erase_contact_details
from cchc.dossiers.services import Applicant
from cchc.feedback.models import Complaint, ComplaintStatus, Petition, PetitionStatus
from cchc.feedback.tests.factories import file, file_complaint

pytestmark = pytest.mark.django_db


def _months_ago(months):
    return timezone.now() - relativedelta(months=months)


def _dossier(cast, *, months, status=Status.RETURNED):
    at = _months_ago(months)
    dossier = services.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        competent_agency=cast.agency_b,
        applicant=Applicant(
            name="Lê Thị Hoa", phone="0912345678", email="hoa@example.vn", address="Hà Nội"
        ),
        actor=cast.clerk_a,
        at=at,
    )
    if status == Status.RETURNED:  # set-up only: the lifecycle itself is tested in dossiers
        Dossier.objects.filter(pk=dossier.pk).update(status=status, returned_at=at)
    return Dossier.objects.get(pk=dossier.pk)


def _petition(cast, *, months):
    petition = file(cast.agency_a, email="an@example.vn", at=_months_ago(months))
    Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.ANSWERED)
    return petition


def _complaint(cast, *, months):
    complaint = file_complaint(
        cast,
        complainant_phone="0987654321",
        complainant_address="Thôn 3, xã Yên Sở, Hà Nội",
        at=_months_ago(months),
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=ComplaintStatus.SETTLED)
    return complaint


def _run(*args):
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_the_rule_in_force_is_data_with_its_legal_source():
    rule = RuleVersion.objects.in_force(RULE_KEY, timezone.localdate())
    assert "13/2023" in rule.legal_source
    assert rule.params == {
        "dossier_months": 24,
        "petition_months": 24,
        "complaint_months": 24,
        "notification_months": 12,  # core 0010: the outbox (test_retention_outbox.py)
    }


def test_apply_retention_blanks_contact_details_of_records_closed_past_the_rule(cast):
    old, recent = _dossier(cast, months=30), _dossier(cast, months=3)
    still_open = _dossier(cast, months=30, status=Status.RECEIVED)
    old_petition, recent_petition = _petition(cast, months=30), _petition(cast, months=3)
    old_complaint = _complaint(cast, months=30)

    counted = _run("--dry-run")
    assert "dossiers: 1 would be erased (24 months)" in counted
    assert "petitions: 1 would be erased" in counted and "complaints: 1 would be" in counted
    assert Dossier.objects.get(pk=old.pk).applicant_phone == "0912345678"

    done = _run()
    assert "dossiers: 1 erased" in done and "petitions: 1 erased" in done

    erased = Dossier.objects.get(pk=old.pk)
    assert (erased.applicant_phone, erased.applicant_email, erased.applicant_address) == (
        "",
        "",
        "",
    )
    assert erased.applicant_phone_hash == "" and erased.applicant_name == "Lê Thị Hoa"
    event = DossierEvent.objects.filter(dossier=old).latest("seq")
    assert event.action == "personal_data_erased" and event.to_status == Status.RETURNED
    assert event.data == {
        "fields": ["applicant_phone", "applicant_email", "applicant_address"],
        "rule": f"{RULE_KEY} 2026",
        "months": 24,
    }
    assert event.actor_id is None and event.actor_label == str(JOB.label)
    for kept in (recent, still_open):
        assert Dossier.objects.get(pk=kept.pk).applicant_phone == "0912345678"

    petition = Petition.objects.get(pk=old_petition.pk)
    assert petition.petitioner_phone == petition.petitioner_email == ""
    assert petition.petitioner_phone_hash == petition.petitioner_email_hash == ""
    assert petition.events.latest("seq").action == "personal_data_erased"
    assert Petition.objects.get(pk=recent_petition.pk).petitioner_phone == "0912345678"
    complaint = Complaint.objects.get(pk=old_complaint.pk)
    assert complaint.complainant_phone == complaint.complainant_address == ""
    assert complaint.events.latest("seq").action == "personal_data_erased"

    assert "dossiers: 0 erased" in _run()  # nothing left to do: a second run changes nothing
    assert DossierEvent.objects.filter(dossier=old, action="personal_data_erased").count() == 1


def test_a_longer_period_in_the_rule_keeps_the_data(cast):
    old = _dossier(cast, months=30)
    RuleVersion.objects.filter(key=RULE_KEY).update(
        params={"dossier_months": 36, "petition_months": 36, "complaint_months": 36}
    )
    assert "dossiers: 0 erased (36 months)" in _run()
    assert Dossier.objects.get(pk=old.pk).applicant_email == "hoa@example.vn"


def test_only_the_retention_job_erases_and_only_past_the_period(cast):
    rule = RuleVersion.objects.in_force(RULE_KEY, timezone.localdate())
    old, recent = _dossier(cast, months=30), _dossier(cast, months=3)
    with pytest.raises(NotPermitted):
        erase_contact_details(old, actor=cast.province_admin, rule=rule)
    with pytest.raises(TransitionNotAllowed):
        erase_contact_details(recent, actor=JOB, rule=rule)
    assert Dossier.objects.get(pk=old.pk).applicant_phone == "0912345678"
