"""The survey templates: state shown through model properties (never a raw status value),
no inline script (CSP `script-src 'self'`), behaviour from the static file surveys.js."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cchc.core.errors import TransitionNotAllowed
from cchc.surveys import services
from cchc.surveys.models import Campaign

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "surveys"
STATIC = Path(__file__).resolve().parents[3] / "static" / "cchc"


def templates() -> list[Path]:
    found = sorted(TEMPLATES.glob("*.html"))
    assert found, TEMPLATES
    return found


def test_templates_compare_no_raw_status_or_type_value():
    raw = re.compile(r"""\.(status|type|kind)\s*(==|!=)\s*["']""")
    offending = [
        f"{path.name}:{n}: {line.strip()[:120]}"
        for path in templates()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if raw.search(line)
    ]
    assert not offending, offending


def test_templates_have_no_inline_script_nor_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
    offending = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        offending += [f"{path.name}: {m.group(0)}" for m in inline_script.finditer(text)]
        offending += [f"{path.name}: {m.group(0)}" for m in handler.finditer(text)]
        offending += [f"{path.name}: javascript: URL" for _ in re.finditer("javascript:", text)]
    assert not offending, offending


def test_the_static_files_the_pages_load_exist():
    for name in ("surveys.js", "surveys.css"):
        assert (STATIC / name).is_file(), name
    js = (STATIC / "surveys.js").read_text(encoding="utf-8")
    # the data attributes the templates rely on are the ones the script binds
    for attribute in ("data-survey-form", "data-cond-item", "data-submit-once", "data-refresh-url"):
        assert attribute in js, attribute
        assert any(attribute in p.read_text(encoding="utf-8") for p in templates()), attribute


@pytest.mark.parametrize("status", [s for s, _label in Campaign.Status.choices])
def test_campaign_properties_say_what_the_services_allow(cast, campaign, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()
    assert campaign.is_open == (status == Campaign.Status.OPEN)
    assert campaign.is_published == (status == Campaign.Status.PUBLISHED)
    for allowed, step in (
        (campaign.can_open, services.open_campaign),
        (campaign.can_close, services.close_campaign),
        (campaign.can_publish, services.publish_results),
    ):
        fresh = Campaign.objects.get(pk=campaign.pk)
        try:
            step(fresh, actor=cast.province_admin)
        except TransitionNotAllowed:
            done = False
        else:
            done = True
        assert done == allowed, (status, step.__name__)
        Campaign.objects.filter(pk=campaign.pk).update(status=status)


def test_campaign_page_buttons_follow_the_state(cast, campaign, client):
    client.force_login(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/"
    html = client.get(url).content.decode()
    assert 'value="close"' in html and 'value="open"' not in html
    assert 'value="publish"' not in html
    assert "cchc/surveys.js" in html and "data-refresh-url" in html
    services.close_campaign(campaign, actor=cast.province_admin)
    html = client.get(url).content.decode()
    assert 'value="open"' in html and 'value="publish"' in html and 'value="close"' not in html
