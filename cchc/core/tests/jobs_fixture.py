"""Jobs used by the job-runner test (module level, as the worker imports them by path)."""

from __future__ import annotations

from cchc.core.jobs import job

CALLS: list[str] = []


@job()
def record(value: str) -> None:
    CALLS.append(value)


@job(max_attempts=3)
def flaky(value: str) -> None:
    CALLS.append(f"flaky {value} {len([c for c in CALLS if c.startswith('flaky')]) + 1}")
    raise ConnectionError("gateway down")
