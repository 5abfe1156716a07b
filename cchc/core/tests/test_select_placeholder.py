"""A select's blank choice says "Chọn…", not Django's "---------" (the citizen's petition form
opened its "Chủ đề" and "Cơ quan bị phản ánh" lists on a row of dashes): every select of
every form renders its options through the project's FORM_RENDERER, which finds
templates/django/forms/widgets/select_option.html first."""

from __future__ import annotations

import pytest
from django.utils import translation

from cchc.feedback.forms import PetitionForm

pytestmark = pytest.mark.django_db


def test_the_blank_choice_reads_choose_in_vietnamese():
    with translation.override("vi"):
        html = str(PetitionForm()["topic"])
    assert "---------" not in html
    assert '<option value="" selected>Chọn…</option>' in html


def test_a_choice_labelled_otherwise_is_untouched(cast):
    with translation.override("vi"):
        html = str(PetitionForm()["agency"])
    assert f">{cast.agency_a.name}</option>" in html or cast.agency_a.name in html
    assert html.count("Chọn…") == 1
