"""Input guard at the edge (issue 12.3): control characters never reach a service, the
database or an XML document.

Every request's path, query string, form fields (names and values) and JSON body is checked
before any view runs. C0 control characters other than tab, line feed and carriage return,
DEL and the C1 controls (U+0080-U+009F) are refused with a 400 that says so in the
request's language: the API's JSON error (`{"error": {"code", "message", "field"}}`), the
Open311 error list, or a plain page. PostgreSQL cannot store NUL in text, XML 1.0 cannot
carry most of these characters, and no form has a use for them.

A JSON body of the API must be an object: `[]`, `null`, a number or a string is refused
with a 400 instead of being read as an empty object. Files are not inspected here (their
names and contents are checked where they are stored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Where such a character can hide in a JSON body's bytes: written as an escape (\u0000-\u001f,
# \u007f-\u009f, and the short \b and \f; tab, line feed and carriage return included, which
# the full check lets through) or raw (a C0 byte, DEL, or a C1 character's UTF-8 bytes). A
# body with none of these holds no control character, so it is not parsed here: only a match
# is parsed and walked, to name the field (or let it through when the match was an allowed
# one, or an escaped backslash followed by "u00…"). test_input_guard_json holds the shortcut
# to the full check's answers.
JSON_CONTROL = re.compile(
    rb"\\(?:[bf]|u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]))|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]"
)
API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"


class BadInput(Exception):
    def __init__(self, message: str, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def _check_text(value: str, field: str | None) -> None:
    if CONTROL.search(value):
        raise BadInput(
            _("%(field)s contains a control character (such as NUL), which is not accepted.")
            % {"field": field or _("The request")},
            field,
            "invalid_characters",
        )


def _check_json(value: Any, path: str) -> None:
    if isinstance(value, str):
        _check_text(value, path or None)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            _check_text(str(key), name)
            _check_json(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]")


def check_request(request: HttpRequest) -> None:
    _check_text(request.path, "path")
    for key in request.GET:
        _check_text(key, key)
        for value in request.GET.getlist(key):
            _check_text(value, key)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            request.POST  # noqa: B018 - parse now, so a malformed body is a 400 here
        except MultiPartParserError:
            raise BadInput(
                _("The request body is malformed (multipart without a valid boundary)."),
                None,
                "bad_request",
            ) from None
        for key in request.POST:
            _check_text(key, key)
            for value in request.POST.getlist(key):
                _check_text(value, key)
        for key in request.FILES:
            for upload in request.FILES.getlist(key):
                _check_text(getattr(upload, "name", "") or "", key)
    elif content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if not body.strip():
            return
        if body.lstrip()[:1] == b"{" and not JSON_CONTROL.search(body):
            return  # an object (or malformed JSON, which the API answers) with nothing to refuse
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # the API answers malformed JSON itself, in its own format
        if request.path.startswith(API_PREFIX) and not isinstance(data, dict):
            raise BadInput(_("The request body must be a JSON object."), None, "invalid")
        _check_json(data, "")


def open311_error(request: HttpRequest, message: str) -> HttpResponse:
    """GeoReport v2's error list (cchc.feedback.open311 uses the same shape), in the format
    the URL asks for."""
    from xml.etree import ElementTree as ET

    if request.path.rstrip("/").endswith(".xml"):
        root = ET.Element("errors")
        error = ET.SubElement(root, "error")
        ET.SubElement(error, "code").text = "400"
        ET.SubElement(error, "description").text = message
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
        return HttpResponse(body, status=400, content_type="text/xml; charset=utf-8")
    return JsonResponse([{"code": 400, "description": message}], status=400, safe=False)


def bad_input_response(request: HttpRequest, exc: BadInput) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}, status=400
        )
    if request.path.startswith(OPEN311_PREFIX):
        return open311_error(request, exc.message)
    return render(request, "core/bad_input.html", {"message": exc.message}, status=400)


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as exc:
            return bad_input_response(request, exc)
        except (RequestDataTooBig, TooManyFieldsSent, UnreadablePostError):
            pass  # the view (or Django) answers these in its own format
        return self.get_response(request)
