"""`save=` of events.append_event / append_transition: the subject's named fields are written
with the log position just advanced, and nothing else."""

from __future__ import annotations

from typing import Any, cast

import pytest

from cchc.core import events


class Subject:
    last_event_seq = 3

    def __init__(self) -> None:
        self.saved: list[list[str]] = []

    def save(self, update_fields: Any = None) -> None:
        self.saved.append(list(update_fields))


class DossierLike(Subject):
    last_event_head = "3:abc"


@pytest.mark.parametrize(
    ("subject", "save", "written"),
    [
        (Subject(), False, []),
        (Subject(), True, [["last_event_seq"]]),
        (Subject(), ["status"], [["status", "last_event_seq"]]),
        (DossierLike(), ["status"], [["status", "last_event_seq", "last_event_head"]]),
    ],
)
def test_the_named_fields_and_the_log_position_are_written(subject, save, written):
    events._save(subject, save)
    assert subject.saved == written


def test_one_field_name_must_be_given_as_a_list():
    with pytest.raises(TypeError):
        events._save(cast(Any, Subject()), "status")
