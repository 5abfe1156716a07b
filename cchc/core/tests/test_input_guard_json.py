"""The input guard lets a JSON object through without parsing it when its bytes cannot hold a
control character (cchc.core.middleware.JSON_CONTROL); these tests hold that shortcut to the
full check's answers: the same bodies refused, with the same field, and the same let through."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cchc.core.middleware import CONTROL, BadInput, check_request

factory = RequestFactory()


def refused_field(body: bytes, path: str = "/api/v1/dossiers") -> str | None:
    """The field the guard names when it refuses the body, "" when it lets it through."""
    request = factory.post(path, body, content_type="application/json")
    try:
        check_request(request)
    except BadInput as exc:
        return exc.field
    return ""


def first_control(value: object, path: str = "") -> str | None:
    """The field the full check names: the first key or text holding a control character."""
    if isinstance(value, str):
        return (path or None) if CONTROL.search(value) else ""
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if CONTROL.search(str(key)):
                return name
            found = first_control(item, name)
            if found != "":
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = first_control(item, f"{path}[{i}]")
            if found != "":
                return found
    return ""


texts = st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=12)
values = st.recursive(
    texts | st.integers() | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(texts, values, max_size=4), ascii_only=st.booleans())
@example(body={"name": "Phạm\x00 Thị"}, ascii_only=True)
@example(body={"name": "Phạm\x85 Thị"}, ascii_only=False)
@example(body={"note": "dòng 1\ndòng 2\tcột"}, ascii_only=True)
@example(body={"note": "\\u0000 is text here"}, ascii_only=True)
@example(body={"a": {"b\x7f": "x"}}, ascii_only=False)
@example(body={"": "\x08"}, ascii_only=True)  # written \b
@example(body={"f": ["\x0c"]}, ascii_only=True)  # written \f
def test_the_shortcut_refuses_and_lets_through_what_the_full_check_does(body, ascii_only):
    raw = json.dumps(body, ensure_ascii=ascii_only).encode()
    assert refused_field(raw) == first_control(body)


@pytest.mark.parametrize(
    "raw, field",
    [
        (b'{"name": "A\\u001F"}', "name"),  # escapes in capitals
        (b'{"name": "A\\u009f"}', "name"),
        (b'  {"name": "ok"}', ""),
        (b'{"name": "A\\\\u0000"}', ""),  # an escaped backslash, then text
        (b'{"name": "Vi\xe1\xbb\x87t"}', ""),
        (b"[]", None),  # not an object: refused by the API's rule, not named
    ],
)
def test_written_bodies(raw, field):
    assert refused_field(raw) == field
