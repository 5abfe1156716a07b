"""The demo catalogue does not contradict itself. The QA walk read on record 1.000054 (Phiếu
lý lịch tư pháp) "Mức độ trực tuyến: Không trực tuyến" next to "Cách thức: Trực tiếp; trực
tuyến; …"; and a procedure flagged as charging fees showed "Phí/Lệ phí: Không"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cchc.catalogue.models import OnlineLevel, Procedure
from cchc.demo.bundle import generate, procedure_fees
from cchc.demo.management.commands.seed_demo import Command

pytestmark = pytest.mark.django_db


def test_means_of_submission_and_fees_agree_with_the_record(tmp_path):
    generate(tmp_path, dossiers=20, document_flags=False)
    call_command("import_bundle", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    Command()._finish_catalogue()
    procedures = list(Procedure.objects.all())
    assert len(procedures) > 100
    offline = [p for p in procedures if p.online_level == OnlineLevel.NONE]
    assert offline and all("trực tuyến" not in p.submission_means for p in offline)
    assert all("trực tuyến" in p.submission_means for p in procedures if p not in offline)
    lltp = Procedure.objects.get(code="1.000054")
    assert lltp.online_level == OnlineLevel.NONE
    assert lltp.submission_means == "Trực tiếp; qua dịch vụ bưu chính"
    # a fee flag goes with an amount, and the amount is what the bundle's dossiers paid
    fees = procedure_fees()
    for p in procedures:
        assert p.has_fee == bool(p.fee_amount), p.code
        assert p.fee_amount == fees[p.code], p.code
