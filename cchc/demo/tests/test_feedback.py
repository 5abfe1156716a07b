"""The demo's petitions have topics and its units have complaints (task 5): the petitions
the demo staff handle are filed with the feedback app's topics (never a list of the demo's
own), at every point of their handling, and each unit's leader has complaints and
denunciations in every state, so the complaints register is not empty on first start."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cchc.demo.petition_texts import TEXTS
from cchc.feedback.models import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Petition,
    PetitionStatus,
    ReceptionSlot,
    Topic,
)

pytestmark = pytest.mark.django_db


def test_every_demo_text_names_a_topic_of_the_feedback_app_in_its_category():
    topics = dict(Topic.objects.values_list("code", "category"))
    for category, texts in TEXTS.items():
        for topic, *_texts in texts:
            assert topics.get(topic) == category, (category, topic)
    # every topic of the feedback app is used by some text
    assert {t for texts in TEXTS.values() for t, *_rest in texts} >= set(topics) - {
        "CANBO-NHUNGNHIEU"
    }


@pytest.fixture
def demo():
    """`make demo`'s seed on a small bundle."""
    call_command("seed_demo", dossiers=60, petitions=30, stdout=StringIO(), stderr=StringIO())


def test_the_demo_units_have_petitions_with_topics_at_every_point_of_their_handling(demo):
    # those filed here (the bundle's history comes without topics: see the module's note)
    filed = Petition.objects.filter(events__action="file").values("pk")
    live = Petition.objects.filter(
        pk__in=filed, agency__code__in=["H26.100", "H26.01"]
    ).select_related("topic")
    assert live.count() >= 20
    assert not live.filter(topic=None).exists()
    assert all(p.topic.category == p.category for p in live)
    assert len({p.topic.code for p in live}) >= 4
    for code in ("H26.100", "H26.01"):
        statuses = set(live.filter(agency__code=code).values_list("status", flat=True))
        assert statuses >= {
            PetitionStatus.RECEIVED,
            PetitionStatus.PROCESSING,
            PetitionStatus.NEED_INFO,
            PetitionStatus.ANSWERED,
            PetitionStatus.PUBLISHED,
        }, code
    # the staff queue's tabs each list some: mine, to route, to publish, overdue
    assert live.filter(status=PetitionStatus.PROCESSING, assignee__isnull=False).exists()
    assert any(p.is_overdue for p in live)
    # answered ones have their answer; a petition about a late dossier names the dossier
    assert not live.filter(status=PetitionStatus.PUBLISHED, answer="").exists()
    assert live.filter(topic__code="TTHC-HOSO").exclude(dossier=None).exists()
    # the demo citizen sent one on the web: their own list shows it
    assert live.filter(petitioner__username="congdan").exists()


def test_each_demo_unit_has_complaints_and_denunciations_in_every_state(demo):
    for code in ("H26.100", "H26.01"):
        cases = Complaint.objects.filter(agency__code=code)
        assert set(cases.values_list("kind", flat=True)) == set(ComplaintKind.values)
        assert set(cases.values_list("status", flat=True)) >= {
            ComplaintStatus.RECEIVED,
            ComplaintStatus.ACCEPTED,
            ComplaintStatus.SETTLED,
            ComplaintStatus.NOT_ACCEPTED,
        }, code
        assert cases.filter(extensions=1).exists()
        assert not cases.filter(status=ComplaintStatus.SETTLED, outcome="").exists()
        assert not cases.filter(complainant_phone="").exists()


def test_the_public_reception_schedule_lists_the_demo_leaders_coming_sessions(demo, client):
    """/feedback/reception/ said "Chưa có lịch tiếp công dân": the demo had no session."""
    from django.utils import timezone

    coming = ReceptionSlot.objects.upcoming(timezone.localdate())
    assert set(coming.values_list("agency__code", flat=True)) == {"H26.100", "H26.01"}
    assert coming.filter(agency__code="H26.100").count() >= 4  # every week at a commune
    page = client.get("/feedback/reception/").content.decode()
    assert "Lê Minh Đức" in page and "Vũ Thị Lan" in page
