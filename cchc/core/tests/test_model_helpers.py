"""The shared pieces model declarations are made of (cchc/core/models.py)."""

from __future__ import annotations

from django.db import models

from cchc.core.models import event_log_meta, status_is, user_link
from cchc.dossiers.models import Dossier, DossierEvent, Status
from cchc.feedback.models import Petition, PetitionStatus
from cchc.surveys.models import Campaign, SurveyEvent


def test_status_is_answers_by_the_rows_status():
    petition = Petition(status=PetitionStatus.ANSWERED)
    assert petition.is_answered is True
    assert petition.is_published is False
    assert petition.is_open is False
    petition.status = PetitionStatus.NEED_INFO
    assert petition.is_open is True
    assert petition.is_clock_running is False
    assert petition.awaits_information is True


def test_status_is_compares_integer_statuses_by_value():
    # the dossier's status is a number; a row read back holds a plain int, not the enum
    assert Dossier(status=int(Status.SUPPLEMENT)).is_paused is True
    assert Dossier(status=int(Status.RETURNED)).is_paused is False


def test_status_is_keeps_its_docstring_and_is_read_only():
    prop = status_is("A", "B", doc="A or B.")
    assert isinstance(prop, property)
    assert prop.__doc__ == "A or B."
    assert prop.fset is None
    assert Campaign.is_open.__doc__ == "Collecting answers (and sending invitations)."


def test_status_is_reads_class_level_transition_sets():
    campaign = Campaign(status=Campaign.Status.DRAFT)
    assert campaign.can_open is True
    assert campaign.can_close is False


def test_event_log_meta_states_only_what_it_is_given():
    meta = event_log_meta("task", "uniq_task_event_seq", "task event", "task events")
    assert meta.ordering == ["task", "seq"]
    assert meta.verbose_name == "task event"
    (constraint,) = meta.constraints
    assert constraint.fields == ("task", "seq")
    assert constraint.name == "uniq_task_event_seq"

    bare = event_log_meta("form", "uniq_paper_event_seq", ordered=False)
    assert not hasattr(bare, "ordering")
    assert not hasattr(bare, "verbose_name")
    assert event_log_meta("rulebook", "x", ordering=["-seq"]).ordering == ["-seq"]


def test_event_logs_built_with_it_keep_their_options():
    assert DossierEvent._meta.ordering == ["dossier", "seq"]
    assert [c.name for c in DossierEvent._meta.constraints] == ["uniq_event_seq"]
    assert SurveyEvent._meta.ordering == []
    assert "ordering" not in SurveyEvent._meta.original_attrs


def test_user_link_outlives_the_account():
    field = user_link("assignee", "assigned_things", db_index=False)
    assert isinstance(field, models.ForeignKey)
    assert field.remote_field.on_delete is models.SET_NULL
    assert field.null and field.blank
    assert field.remote_field.related_name == "assigned_things"
    assert field.deconstruct()[3]["db_index"] is False
    assert Petition._meta.get_field("answered_by").remote_field.on_delete is models.SET_NULL


def test_user_link_naming_who_acted_protects_the_account():
    from cchc.plans.models import Task

    field = Task._meta.get_field("assigned_by")
    assert field.remote_field.on_delete is models.PROTECT
    assert field.null and field.blank
    assert field.remote_field.related_name == "+"
