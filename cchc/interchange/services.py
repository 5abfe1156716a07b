"""Import and export of the interchange bundle (interchange.md §1): the one entry point the
commands (and any future upload page) call.

Each file is its own transaction: nothing of a file is committed if any row of it is invalid,
unless `skip_invalid`, in which case the valid rows are committed and the rejects are written
to `DIR/rejects/<file>` in the file's own format, with `DIR/rejects/<file>.reasons.csv`
giving line and reason for each. Files are loaded in the contract's order (agencies,
procedures, dossiers, petitions, survey responses, tasks, then the files other apps declare)
because later files refer to codes of earlier ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.models import Dossier
from cchc.dossiers.signals import dossiers_bulk_changed
from cchc.interchange import dossiers, petitions, reference, reform_tasks
from cchc.interchange.formats import (
    AGENCIES,
    BUNDLE_FILES,
    DOSSIERS,
    PETITIONS,
    PROCEDURES,
    SURVEY_RESPONSES,
    TASKS,
    FileResult,
    Reject,
    csv_text,
    not_utf8,
)
from cchc.interchange.models import ImportRun

REJECTS = "rejects"


def extra_loaders() -> dict:
    """Bundle files of other modules, loaded after the four of §1: an app config lists them in
    `bundle_loaders` (file name -> dotted path of `load(path, skip_invalid) -> FileResult`),
    so this module imports none of them (PAR INDEX files of §6, ...)."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    out: dict = {}
    for config in apps.get_app_configs():
        for name, dotted in getattr(config, "bundle_loaders", {}).items():
            out[name] = import_string(dotted)
    return out


def bundle_files() -> tuple[str, ...]:
    return BUNDLE_FILES + tuple(extra_loaders())


def _load(name: str, path: Path, skip_invalid: bool, trusted: bool) -> FileResult:
    extra = extra_loaders().get(name)
    if extra is not None:
        return extra(path, skip_invalid)
    if name in (AGENCIES, PROCEDURES):
        validate, apply = (
            (reference.import_agencies, reference.apply_agencies)
            if name == AGENCIES
            else (reference.import_procedures, reference.apply_procedures)
        )
        result, rows = validate(path)
        if result.rejects and (
            not skip_invalid or any(r.line == 1 and not r.raw for r in result.rejects)
        ):
            if any(r.line == 1 and not r.raw for r in result.rejects):
                result.error = result.rejects[0].reason
            return result
        apply(result, rows)
        return result
    if name == DOSSIERS:
        return dossiers.import_dossiers(path, skip_invalid=skip_invalid, trusted=trusted)
    if name == SURVEY_RESPONSES:
        from cchc.surveys.interchange import import_responses

        return import_responses(path, skip_invalid=skip_invalid)
    if name == TASKS:
        return _load_tasks(path, skip_invalid)
    return petitions.import_petitions(path, skip_invalid=skip_invalid)


def _load_tasks(path: Path, skip_invalid: bool) -> FileResult:
    """tasks.jsonl (interchange.md §7) through the plans module's own loader, its outcome
    told as every other file's (the loader keeps its own result and reject types)."""
    from cchc.plans.interchange import import_tasks

    try:
        loaded = import_tasks(path, skip_invalid=skip_invalid)
    except UnicodeDecodeError as exc:  # the loader reads text: say where, not a traceback
        data, start = path.read_bytes(), exc.start
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as whole:  # the file's offset, not a read chunk's
            start = whole.start
        line = data.count(b"\n", 0, start) + 1
        reason = not_utf8(data[start])
        return FileResult(name=TASKS, error=reason, rejects=[Reject(line, reason, None)])
    return FileResult(
        name=TASKS,
        created=loaded.created,
        updated=loaded.updated,
        unchanged=loaded.unchanged,
        rejects=[Reject(r.line, r.reason, r.raw.encode()) for r in loaded.rejects],
    )


ANALYZE_AFTER = 10_000  # changed dossiers that make the table statistics stale


def _announce(ids: list[int]) -> None:
    # Indices listen and refresh these dossiers' facts (only after the data is committed).
    transaction.on_commit(lambda: dossiers_bulk_changed.send(sender=Dossier, dossier_ids=ids))


def import_file(
    directory: Path,
    name: str,
    *,
    skip_invalid: bool = False,
    initiated_by: str = "",
    trusted: bool = False,
) -> FileResult:
    """Load one bundle file in one transaction. `trusted`: the bundle comes from a source the
    operator vouches for, so the PostgreSQL loader may skip the row-by-row foreign-key
    triggers (it checks the references set-based instead); off by default."""
    path = directory / name
    run = ImportRun.objects.create(
        file_name=name,
        directory=str(directory),
        initiated_by=initiated_by,
        skip_invalid=skip_invalid,
        started_at=timezone.now(),
    )
    with transaction.atomic():
        result = _load(name, path, skip_invalid, trusted)
        if result.error or (result.rejects and not skip_invalid):
            result.refused = True
            result.changed_ids = []
            transaction.set_rollback(True)
        elif result.changed_ids:
            _announce(result.changed_ids)
    if (
        not result.refused
        and name == DOSSIERS
        and len(result.changed_ids) >= ANALYZE_AFTER
        and connection.vendor == "postgresql"
    ):
        # Fresh statistics: right after a bulk load the planner guesses thousands of events per
        # dossier and plans parallel scans for one dossier's history (13 ms instead of 0.1 ms).
        with connection.cursor() as cur:
            cur.execute("ANALYZE dossiers_dossier, dossiers_dossierevent")
    _write_rejects(directory, result, skip_invalid)
    run.finished_at = timezone.now()
    run.refused = result.refused
    run.error = result.error
    run.rejected = result.rejected
    if not result.refused:
        run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.save()
    return result


def import_bundle(
    directory: Path, *, skip_invalid: bool = False, initiated_by: str = "", trusted: bool = False
) -> list[FileResult]:
    """Load every bundle file present in `directory`, in the contract's order."""
    return [
        import_file(
            directory, name, skip_invalid=skip_invalid, initiated_by=initiated_by, trusted=trusted
        )
        for name in bundle_files()
        if (directory / name).is_file()
    ]


def _write_rejects(directory: Path, result: FileResult, skip_invalid: bool) -> None:
    target = directory / REJECTS
    data, reasons = target / result.name, target / f"{result.name}.reasons.csv"
    for stale in (data, reasons):  # an earlier run's rejects would mislead
        stale.unlink(missing_ok=True)
    if not skip_invalid or not result.rejects:
        return
    target.mkdir(exist_ok=True)
    rejects = sorted(result.rejects, key=lambda r: r.line)
    if result.header is not None:
        # surrogateescape: a row rejected for bytes that are not UTF-8 goes back as it came
        data.write_text(
            csv_text(result.header, [r.raw for r in rejects if r.raw]),
            encoding="utf-8",
            errors="surrogateescape",
        )
    else:
        data.write_bytes(b"".join(bytes(r.raw) + b"\n" for r in rejects if r.raw is not None))
    # with a byte order mark: the reasons are read by a person, in Excel, which takes a CSV
    # without one for the Windows code page and garbles the Vietnamese
    with reasons.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["line", "reason"])
        writer.writerows([r.line, r.reason] for r in rejects)


def _records(text: str) -> int:
    """Rows of a CSV text after its header (a cell may hold line breaks: not a line count)."""
    return sum(1 for _row in csv.reader(io.StringIO(text))) - 1


def export_bundle(directory: Path, *, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Write the bundle: all agencies and procedures (the reference data an empty database
    needs), the dossiers received in the range, the petitions, survey responses and reform
    tasks of the range, and the PAR INDEX templates of its years with their final scores."""
    if date_to < date_from:
        raise ValueError(_("The end date is before the start date."))
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    agencies = reference.export_agencies()
    (directory / AGENCIES).write_text(agencies, encoding="utf-8")
    counts[AGENCIES] = _records(agencies)
    procedures = reference.export_procedures()
    (directory / PROCEDURES).write_text(procedures, encoding="utf-8")
    counts[PROCEDURES] = _records(procedures)
    with (directory / DOSSIERS).open("w", encoding="utf-8", newline="\n") as handle:
        counts[DOSSIERS] = dossiers.export_dossiers(handle, date_from, date_to)
    with (directory / PETITIONS).open("w", encoding="utf-8", newline="\n") as handle:
        counts[PETITIONS] = petitions.export_petitions(handle, date_from, date_to)
    # §5 and §7: without them an export taken to a new installation lost its SIPAS results
    # and its reform tasks.
    counts[SURVEY_RESPONSES] = _export_survey_responses(directory, date_from, date_to)
    with (directory / TASKS).open("w", encoding="utf-8", newline="\n") as handle:
        counts[TASKS] = reform_tasks.export_tasks(handle, date_from, date_to)
    # §6: the PAR INDEX templates of the range's years and their final scores
    from cchc.reform.exports import par_files

    for name, text in par_files(range(date_from.year, date_to.year + 1)).items():
        (directory / name).write_text(text, encoding="utf-8")
        counts[name] = _records(text)
    return counts


def _export_survey_responses(directory: Path, date_from: dt.date, date_to: dt.date) -> int:
    """The questionnaires collected in the range (local days), in the surveys module's own
    bundle form."""
    from cchc.surveys.interchange import export_responses
    from cchc.surveys.models import Response

    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    responses = Response.objects.filter(collected_at__gte=start, collected_at__lt=end)
    return export_responses(responses, fmt="jsonl", path=directory / SURVEY_RESPONSES)
