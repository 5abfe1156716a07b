"""The Vietnamese catalogue of the survey module passes `msgfmt -c`, and the strings with a
literal "%" ("95 % interval") still show as one "%" on the pages and in the PDF report.

xgettext reads "95 % interval" as a Python directive ("% i"), so it used to flag the entry
python-format, and msgfmt -c rejected the translation "Khoảng tin cậy 95 %" (a directive
cut short). The source now says `# xgettext:no-python-format` before those strings."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.utils import translation

from cchc.surveys.tests.conftest import enter_phone_responses
from cchc.surveys.tests.test_report import text_of

CATALOGUE = Path(__file__).resolve().parents[1] / "locale/vi/LC_MESSAGES/django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_msgfmt_check_passes(tmp_path):
    run = subprocess.run(
        ["msgfmt", "-c", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_no_python_format_entry_has_a_lone_percent():
    """What msgfmt -c checks, without gettext installed: in an entry flagged python-format,
    every "%" of the msgid and msgstr is a directive or "%%"."""
    import re

    directive = re.compile(r"%(\([^)]*\))?[#0 +-]*\d*(\.\d+)?[diouxXeEfFgGcrsa%]")
    for entry in polib.pofile(str(CATALOGUE)):
        if "python-format" not in entry.flags:
            continue
        for text in (entry.msgid, entry.msgstr):
            assert "%" not in directive.sub("", text), (entry.msgid, text)


def test_pages_and_report_show_one_percent_sign(cast, campaign, method, client):
    enter_phone_responses(campaign, method, (5, 4, 2), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)
    with translation.override("vi"):
        assert translation.gettext("95 % interval") == "Khoảng tin cậy 95 %"
        for url in (
            f"/surveys/c/{campaign.code}/results/",
            f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/",
        ):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
            assert "Khoảng tin cậy 95 %" in page and "95 %%" not in page, url
        report = client.get(f"/surveys/c/{campaign.code}/results.pdf")
    text = text_of(report.content)
    # the table heading, the note under it, and the province line (a %-formatted string)
    assert text.count("Khoảng tin cậy 95 %") >= 2 and "khoảng tin cậy 95 % " in text
    assert "%%" not in text
