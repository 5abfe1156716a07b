"""cchc.core.csp: django-csp's middleware with the policy strings kept between responses.
Every response must carry exactly the headers the library's own middleware gives it."""

from __future__ import annotations

from unittest import mock

import pytest
from csp.constants import NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory, override_settings

from cchc.core import csp as kept

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _through(middleware_class, path="/api/v1/dossiers", response=None, *, nonce=False):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda r: response or JsonResponse({"ok": True}))
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)  # type: ignore[attr-defined]  # a template that used the nonce
    answer = middleware.process_response(request, middleware.get_response(request))
    return request, {h: answer.get(h) for h in HEADERS}


def test_a_plain_response_gets_the_same_headers_as_from_the_library() -> None:
    for path in ("/api/v1/dossiers", "/", "/open311/v2/services.json"):
        assert _through(kept.CSPMiddleware, path)[1] == _through(LibraryCSPMiddleware, path)[1]
    assert "frame-ancestors 'none'" in _through(kept.CSPMiddleware)[1][HEADERS[0]]


def test_the_policy_is_built_once_for_many_responses() -> None:
    middleware = kept.CSPMiddleware(lambda r: HttpResponse("x"))
    with mock.patch.object(kept, "build_policy", wraps=kept.build_policy) as build:
        for _ in range(5):
            request = RequestFactory().get("/")
            middleware.process_request(request)
            middleware.process_response(request, HttpResponse("x"))
    assert build.call_count == 2  # the enforced policy and the report-only one, once


def test_changed_settings_are_followed() -> None:
    middleware = kept.CSPMiddleware(lambda r: HttpResponse("x"))
    request = RequestFactory().get("/")
    before = middleware.process_response(request, HttpResponse("x"))["Content-Security-Policy"]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        request = RequestFactory().get("/")
        answer = middleware.process_response(request, HttpResponse("x"))
        assert answer["Content-Security-Policy"] == "default-src 'none'"
        assert answer["Content-Security-Policy-Report-Only"] == "default-src 'none'"
        with_library = _through(LibraryCSPMiddleware, "/")[1]
        assert {h: answer.get(h) for h in HEADERS} == with_library
    request = RequestFactory().get("/")
    after = middleware.process_response(request, HttpResponse("x"))
    assert after["Content-Security-Policy"] == before
    assert "Content-Security-Policy-Report-Only" not in after


def test_a_page_that_used_a_nonce_gets_it_in_its_policy() -> None:
    policy = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        request, headers = _through(kept.CSPMiddleware, "/", nonce=True)
        assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in headers[HEADERS[0]]
        other, _headers = _through(kept.CSPMiddleware, "/", nonce=True)
        assert other._csp_nonce != request._csp_nonce


def test_a_response_with_a_policy_of_its_own_keeps_it() -> None:
    own = HttpResponse("x")
    own._csp_replace = {"img-src": ["https://tiles.example"]}  # type: ignore[attr-defined]  # what @csp_replace sets
    headers = _through(kept.CSPMiddleware, "/", own)[1]
    assert "img-src https://tiles.example" in headers[HEADERS[0]]
    exempt = HttpResponse("x")
    exempt._csp_exempt = True  # type: ignore[attr-defined]  # what @csp_exempt sets
    assert _through(kept.CSPMiddleware, "/", exempt)[1][HEADERS[0]] is None


def test_a_nonce_asked_for_after_the_header_went_out_is_an_error() -> None:
    request, _headers = _through(kept.CSPMiddleware, "/")
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_the_setting_names_this_middleware() -> None:
    from django.conf import settings

    assert "cchc.core.csp.CSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
