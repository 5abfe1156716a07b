"""Files given to file questions but never attached to a submitted response (a form refused
and abandoned, a file replaced before sending, a file stored before rows were kept) are
deleted with their rows once older than SURVEY_ORPHAN_FILE_HOURS, by the command and by the
job; a file a response, a correction's history or a paper keying refers to never is."""

import datetime as dt
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from cchc.core.errors import ValidationFailed
from cchc.surveys import collection
from cchc.surveys.files import clean_orphan_files
from cchc.surveys.models import AnswerFile, Mode, Response
from cchc.surveys.tests.conftest import all_items
from cchc.surveys.tests.test_item_types import PDF, PNG, typed  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def pdf(tag: str) -> SimpleUploadedFile:
    """A distinct small PDF (files are stored by content)."""
    return SimpleUploadedFile(f"{tag}.pdf", PDF + tag.encode(), content_type="application/pdf")


def good(method, **extra):
    return all_items(method, 4, M1={"1": 4, "2": 5}, **extra)


def stored_name(upload: SimpleUploadedFile) -> str:
    return AnswerFile.objects.get(sha256=_sha(upload)).name


def _sha(upload) -> str:
    import hashlib

    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return digest


def age(name: str, hours: float) -> None:
    AnswerFile.objects.filter(name=name).update(
        uploaded_at=timezone.now() - dt.timedelta(hours=hours)
    )


def enter(cast, campaign, answers):
    return collection.enter_response(
        campaign, agency=cast.agency_a, mode=Mode.PHONE, answers=answers, actor=cast.clerk_a
    )


def test_refused_form_leaves_a_recorded_file_that_is_cleaned_once_old(
    cast,
    typed,  # noqa: F811
    method,
    settings,
):
    settings.SURVEY_ORPHAN_FILE_HOURS = 24
    upload = pdf("abandoned")
    with pytest.raises(ValidationFailed):
        enter(cast, typed, good(method, R1=[1, 1], F1=upload))  # refused: R1 twice the same
    assert Response.objects.count() == 0
    name = stored_name(upload)  # the row survived the refused questionnaire
    assert default_storage.exists(name)

    # younger than the threshold: kept
    done = clean_orphan_files()
    assert done.deleted == 0 and default_storage.exists(name)
    age(name, 23)
    assert clean_orphan_files().deleted == 0
    # older: file and row deleted
    age(name, 25)
    done = clean_orphan_files()
    assert done.deleted == 1
    assert not default_storage.exists(name)
    assert not AnswerFile.objects.filter(name=name).exists()


def test_files_in_use_are_never_deleted(cast, typed, method):  # noqa: F811
    # a submitted response's file
    kept = pdf("kept")
    response = enter(cast, typed, good(method, F1=kept))
    kept_name = response.answers["F1"]["file"]
    # a correction replacing the file: the old one stays in the response's history
    replaced = pdf("replaced")
    first = enter(cast, typed, good(method, F1=replaced))
    replaced_name = first.answers["F1"]["file"]
    replacement = pdf("replacement")
    first = collection.edit_response(
        first,
        answers={**first.answers, "F1": replacement},
        actor=cast.province_admin,
        reason="Ảnh đúng của giấy hẹn",
    )
    replacement_name = first.answers["F1"]["file"]
    # a paper form keyed once (waiting for its second keying)
    keyed = pdf("keyed")
    collection.key_paper_form(
        typed,
        number="P-7",
        agency=cast.agency_a,
        mode=Mode.PAPER_POST,
        answers=good(method, F1=keyed),
        actor=cast.clerk_a,
    )
    keyed_name = stored_name(keyed)
    # and one orphan: a file replaced in the browser before the form was sent (the first
    # attempt was refused, the respondent chose another file)
    orphan = pdf("first-choice")
    with pytest.raises(ValidationFailed):
        enter(cast, typed, good(method, R1=[2, 2], F1=orphan))
    orphan_name = stored_name(orphan)

    in_use = [kept_name, replaced_name, replacement_name, keyed_name]
    for name in [*in_use, orphan_name]:
        age(name, 24 * 30)
    done = clean_orphan_files()
    assert done.deleted == 1 and done.kept_in_use == 4
    assert not default_storage.exists(orphan_name)
    for name in in_use:
        assert default_storage.exists(name), name
        assert AnswerFile.objects.filter(name=name).exists(), name
    # a second run finds nothing more
    assert clean_orphan_files().deleted == 0


def test_uploading_the_same_content_again_renews_the_file(cast, typed, method):  # noqa: F811
    upload = pdf("twice")
    with pytest.raises(ValidationFailed):
        enter(cast, typed, good(method, R1=[1, 1], F1=upload))
    name = stored_name(upload)
    age(name, 24 * 7)
    # the same file given again (another respondent, or the same one coming back): the row is
    # renewed, so the clean-up running now keeps it, and the response refers to it
    response = enter(cast, typed, good(method, F1=pdf("twice")))
    assert response.answers["F1"]["file"] == name
    assert AnswerFile.objects.get(name=name).uploaded_at > timezone.now() - dt.timedelta(hours=1)
    age(name, 24 * 7)
    assert clean_orphan_files().deleted == 0 and default_storage.exists(name)


def test_a_file_without_a_row_is_judged_by_its_age_in_the_storage(cast, typed, method):  # noqa: F811
    old = default_storage.save("surveys/files/ab/" + "ab" * 32 + ".png", io.BytesIO(PNG))
    new = default_storage.save("surveys/files/cd/" + "cd" * 32 + ".png", io.BytesIO(PNG + b"1"))
    past = (timezone.now() - dt.timedelta(days=3)).timestamp()
    os.utime(default_storage.path(old), (past, past))
    done = clean_orphan_files()
    assert done.deleted == 1
    assert not default_storage.exists(old) and default_storage.exists(new)
    assert not AnswerFile.objects.filter(name=old).exists()


@pytest.mark.django_db(transaction=True)  # the job runner's worker commits and reconnects
def test_the_command_and_the_job(cast, typed, method, settings):  # noqa: F811
    from cchc.core.jobs import run_jobs

    settings.SURVEY_ORPHAN_FILE_HOURS = 2
    upload = pdf("command")
    with pytest.raises(ValidationFailed):
        enter(cast, typed, good(method, R1=[1, 1], F1=upload))
    name = stored_name(upload)
    age(name, 3)

    out = io.StringIO()
    call_command("clean_survey_files", "--dry-run", stdout=out)
    assert "1 orphan file(s) would be deleted" in out.getvalue()
    assert default_storage.exists(name)
    out = io.StringIO()
    call_command("clean_survey_files", "--hours", "4", stdout=out)  # a longer threshold
    assert "0 orphan file(s) deleted" in out.getvalue() and default_storage.exists(name)

    out = io.StringIO()
    call_command("clean_survey_files", "--enqueue", stdout=out)
    assert "enqueued" in out.getvalue() and default_storage.exists(name)
    assert run_jobs() >= 1
    assert not default_storage.exists(name)
    assert not AnswerFile.objects.filter(name=name).exists()
