"""`manage.py run_worker` outlives a database restart. Found by bench/bench_faults.py: the
worker exited with a traceback on its first query after the database restarted, and nothing
more was sent or refreshed until someone started it again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import OperationalError

from cchc.portal.management.commands import run_worker


class Stop(Exception):
    """Ends the endless loop once the test has seen what it needs."""


def test_the_loop_survives_a_lost_database_and_once_still_fails(monkeypatch):
    calls = []

    def drain(batch):
        calls.append(batch)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        raise Stop

    monkeypatch.setattr(run_worker, "drain", drain)
    monkeypatch.setattr(run_worker.time, "sleep", lambda seconds: None)
    with pytest.raises(Stop):
        call_command("run_worker", "--interval", "0")
    assert len(calls) == 2  # the round after the error ran

    calls.clear()
    with pytest.raises(OperationalError):  # a one-off drain reports the failure
        call_command("run_worker", "--once")
