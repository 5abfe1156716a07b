"""One way to render: the form renderer's field template, the page-or-fragment helper, the
pagination partial, and the rules every template keeps (no status comparisons, no inline JS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from cchc.core.a11y import assert_aria_references
from cchc.core.htmx import redirect_page, render_page
from cchc.core.rendering import FormRenderer

ROOT = Path(settings.BASE_DIR)


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the ID card")
    code = forms.CharField(label="Code", max_length=3)
    agree = forms.BooleanField(label="I agree")
    mark = forms.ChoiceField(
        label="Mark", choices=[("1", "one"), ("2", "two")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def controls(html: str) -> dict[str, str]:
    """id → the opening tag of each input/select/textarea."""
    return {
        m.group(2): m.group(0)
        for m in re.finditer(r'<(input|select|textarea)[^>]*\bid="([^"]+)"[^>]*>', html)
    }


def test_the_project_renders_forms_through_our_renderer():
    assert settings.FORM_RENDERER == "cchc.core.rendering.FormRenderer"
    assert isinstance(SampleForm().renderer, FormRenderer)


def test_field_template_writes_every_id_the_widgets_describedby_names():
    form = SampleForm(data={"name": "", "code": "toolong", "mark": "9"})
    html = str(form)
    parsed = assert_aria_references(html)
    tags = controls(html)
    # help text and error of `name` are both named and both exist
    assert 'aria-describedby="id_name_helptext id_name_error"' in tags["id_name"]
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    # every field with an error is marked invalid; the optional valid one is not
    assert {"id_name", "id_code", "id_agree"} <= set(parsed.invalid)
    assert "aria-invalid" not in tags["id_note"] and "aria-describedby" not in tags["id_note"]
    # a radio group is a fieldset with a legend, described by its error
    assert re.search(r'<fieldset aria-describedby="id_mark_error">\s*<legend>Mark', html)
    # each visible control has its label
    for control_id in ("id_name", "id_code", "id_agree", "id_note"):
        assert f'for="{control_id}"' in html
    # errors of the whole form are announced
    assert re.search(r'role="alert"><p>Something about the whole form', html)
    # required fields say so, without a screen reader reading out "star"
    assert 'Name <span aria-hidden="true">*</span>' in html


def test_an_unbound_form_points_only_at_its_help_texts():
    html = str(SampleForm())
    parsed = assert_aria_references(html)
    assert parsed.invalid == [] and "_error" not in html
    assert [ref for _tag, attr, ref in parsed.refs if attr == "aria-describedby"] == [
        "id_name_helptext"
    ]


def test_hand_written_markup_is_what_the_check_catches():
    """The old pattern (`<label>{{ f.label }}{{ f }}</label>`) leaves aria-describedby
    pointing at ids nobody wrote: the checker must see it."""
    form = SampleForm(data={"name": ""})
    bound = form["name"]
    old = f"<label>{bound.label}{bound}</label>"
    with pytest.raises(AssertionError, match="id_name_helptext"):
        assert_aria_references(old)


def test_hidden_label_for_table_cells_keeps_the_label():
    form = SampleForm(data={"code": "toolong"})
    html = render_to_string("includes/field.html", {"field": form["code"], "hide_label": True})
    assert '<label for="id_code" class="visually-hidden">Code' in html
    assert_aria_references(html)


# -- page or fragment ---------------------------------------------------------------------
class AnonymousRequests(RequestFactory):
    def generic(self, *args, **kwargs):
        request = super().generic(*args, **kwargs)
        request.user = AnonymousUser()
        return request


@pytest.fixture
def rf():
    return AnonymousRequests()


def test_render_page_answers_the_page_or_the_fragment(rf, db):
    page = {"template": "404.html", "fragment": "includes/pagination.html"}
    full = render_page(rf.get("/"), page["template"], {}, fragment=page["fragment"])
    assert b"<html" in full.content
    htmx = rf.get("/", HTTP_HX_REQUEST="true")
    assert b"<html" not in render_page(htmx, "404.html", {}, fragment=page["fragment"]).content
    # with a target, only an htmx request aimed at that element gets the fragment
    aimed = rf.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    other = rf.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="elsewhere")
    fragment = page["fragment"]
    aimed_answer = render_page(aimed, "404.html", {}, fragment=fragment, target="results")
    other_answer = render_page(other, "404.html", {}, fragment=fragment, target="results")
    assert b"<html" not in aimed_answer.content
    assert b"<html" in other_answer.content
    assert render_page(rf.get("/"), "404.html", {}, status=400).status_code == 400
    # caches keep the page and the fragment apart
    assert "HX-Request" in full["Vary"] and "HX-Target" in aimed_answer["Vary"]


def test_redirect_page_navigates_htmx_by_header(rf):
    plain = redirect_page(rf.post("/"), "/next/")
    assert plain.status_code == 302 and plain["Location"] == "/next/"
    htmx = redirect_page(rf.post("/", HTTP_HX_REQUEST="true"), "/next/")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == "/next/"


# -- pagination -----------------------------------------------------------------------------
def test_pagination_keeps_the_filters_and_replaces_the_page(rf):
    request = rf.get("/list/", {"q": "khai sinh", "status": "2", "page": "2"})
    page = Paginator(range(100), 10).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?q=khai+sinh&amp;status=2&amp;page=1" rel="prev"' in html
    assert 'href="?q=khai+sinh&amp;status=2&amp;page=3" rel="next"' in html
    assert "<nav" in html and "aria-label" in html and 'aria-current="page"' in html
    one_page = Paginator(range(5), 10).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": one_page}).strip() == ""


# -- rules every template keeps -------------------------------------------------------------
def template_files() -> list[Path]:
    files = sorted((ROOT / "templates").rglob("*.html"))
    files += sorted((ROOT / "cchc").glob("*/templates/**/*.html"))
    assert len(files) > 40, "template discovery broke"
    return files


STATUS_COMPARISON = re.compile(r"\bstatus\s*(==|!=)\s*(\d+|\"[^\"]*\"|'[^']*')")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)
# Django's {# #} comment ends on its own line: one left open prints its text to the reader (the
# staff work queue showed a developer's note about app.css above its table)
OPEN_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


@pytest.mark.parametrize(
    ("rule", "pattern", "why"),
    [
        ("status", STATUS_COMPARISON, "ask the model (dossier.is_paused), add a property"),
        ("script", INLINE_SCRIPT, "move the script body to static/cchc/*.js"),
        ("handler", INLINE_HANDLER, "bind the behaviour in static/cchc/*.js (data attributes)"),
        ("js-url", JS_URL, "no javascript: URLs"),
        (
            "comment",
            OPEN_COMMENT,
            "a comment over several lines is {% comment %}...{% endcomment %}",
        ),
    ],
)
def test_templates_keep_the_rules(rule, pattern, why):
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0)}"
        for path in template_files()
        for text in [path.read_text(encoding="utf-8")]
        for m in pattern.finditer(text)
    ]
    assert not offenders, f"{rule}: {why}\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("snippet", "pattern"),
    [
        ("{% if dossier.status == 5 %}", STATUS_COMPARISON),
        ("{% if p.status != 'PUBLISHED' %}", STATUS_COMPARISON),
        ("<script>alert(1)</script>", INLINE_SCRIPT),
        ('<select name="l" onchange="this.form.submit()">', INLINE_HANDLER),
        ('<button hx-on:click="x()">', INLINE_HANDLER),
        ("{# a note that goes on\n   to a second line #}", OPEN_COMMENT),
    ],
)
def test_the_rules_catch_what_they_forbid(snippet, pattern):
    assert pattern.search(snippet)


def test_allowed_markup_passes_the_rules():
    for fine in (
        '<script src="/static/x.js" defer></script>',
        "{% if dossier.is_paused %}",
        '<input name="online" value="1">',
        '<div data-on-change="x">',
        "{# a note on one line #} <p>{% translate 'x' %}</p>",
    ):
        assert not OPEN_COMMENT.search(fine)
        assert not STATUS_COMPARISON.search(fine)
        assert not INLINE_SCRIPT.search(fine)
        assert not INLINE_HANDLER.search(fine)


def test_a_label_written_as_a_lower_case_field_name_starts_with_a_capital():
    """Plain forms label their fields with the models' lower-case names ("status", "received
    from"); a label starts a line, so it is shown capitalised, in any language."""

    class Filter(forms.Form):
        status = forms.CharField(label="trạng thái", required=False)
        ticked = forms.BooleanField(label="đã xem", required=False)
        mark = forms.ChoiceField(
            label="ưu tiên", choices=[("1", "một")], widget=forms.RadioSelect, required=False
        )

    html = str(Filter())
    assert '<label for="id_status">Trạng thái</label>' in html
    assert "Đã xem</span>" in html
    assert "<legend>Ưu tiên</legend>" in html
    assert "trạng thái" not in html
