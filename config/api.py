"""The REST API /api/v1/: its root, authentication, renderer, error handling and docs.

Each app declares its endpoints on a `ninja.Router` in its own `api.py` (procedures in
`cchc.catalogue.api`, dossiers and their lifecycle actions in `cchc.dossiers.api`); they are
mounted here. Authentication: `Authorization: Bearer <token>` (tokens from
`manage.py create_api_token`) or the browser session (with its CSRF token). Every write goes
through the apps' services; errors are JSON `{"error": {"code", "message", "field"}}` with
400 (validation), 401, 403, 404, 409 (transition not allowed) or 413 (body too large).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyCookie, HttpBearer

from cchc.accounts.models import ApiToken, User
from cchc.catalogue.api import router as catalogue_router
from cchc.core import idempotency
from cchc.core.api import RENDERER, state_input_rules
from cchc.core.api_validation import validation_message
from cchc.core.errors import DomainError
from cchc.dossiers.api import router as dossiers_router
from cchc.plans.api import router as plans_router

# JSON bodies of this API are small; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 256 * 1024


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise HttpError(
            413,
            _("The request body is too large (at most %(kb)s KB).")
            % {"kb": MAX_BODY_BYTES // 1024},
        )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        _check_size(request)
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (csrf=True)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        _check_size(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class VendoredSwagger(DocsBase):
    """Swagger UI from static/vendor/swagger-ui (no CDN: government networks are closed)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "dossiers/api_docs.html",
            {
                "openapi_url": self.get_openapi_url(api, kwargs),
                "css": static("vendor/swagger-ui/swagger-ui.css"),
                "js": static("vendor/swagger-ui/swagger-ui-bundle.js"),
            },
        )


class CchcAPI(NinjaAPI):
    """The schema states what the edge enforces on input (cchc.core.api.state_input_rules), so
    a client generated from it, or a fuzzer, is told about the control-character rule."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return state_input_rules(super().get_openapi_schema(*args, **kwargs))


api = CchcAPI(
    title="CCHC API",
    version="1",
    renderer=RENDERER,
    description='One-stop dossiers and the procedure catalogue. Errors: {"error": {"code", "message", "field"}}.',
    urls_namespace="api",
    auth=[BearerToken(), Session()],
    docs=VendoredSwagger(),
    docs_url="/docs",
)


# -- errors ----------------------------------------------------------------------------------
def error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status
    )


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # pydantic's reasons are English; cchc.core.api_validation words them in the language
    message, field = validation_message(list(exc.errors))
    return error(request, 400, "invalid", message, field)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request,
        401,
        "unauthorized",
        _("Sign in or send a valid token: Authorization: Bearer <token>."),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
    }
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    if exc.status_code == 403 and message == "CSRF check Failed":
        message = _("Missing or wrong CSRF token for a session request.")
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", str(exc) if str(exc) else _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or _("You are not allowed to do this."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unforeseen: logged with its traceback (and reported like any Django error),
    answered in the documented JSON, never as an HTML page."""
    logging.getLogger("cchc.api").error(
        "API error on %s %s", request.method, request.path, exc_info=exc
    )
    got_request_exception.send(sender=None, request=request)
    return error(
        request, 500, "server_error", _("Internal error. It has been logged; please try again.")
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error(request, 413, "too_large", _("The request body is too large."))


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error(request, 400, "bad_request", _("The multipart request body cannot be read."))


@api.exception_handler(idempotency.Replay)
def _replay(request: HttpRequest, exc: idempotency.Replay) -> HttpResponse:
    return idempotency.replay_response(exc.record)


# -- safe retries: the Idempotency-Key header on every write (cchc.core.idempotency) ---------
api.add_decorator(idempotency.around_operation, mode="view")
api.add_decorator(idempotency.claim_key, mode="operation")


# -- the apps' endpoints ----------------------------------------------------------------------
api.add_router("", catalogue_router)
api.add_router("", dossiers_router)
api.add_router("/plans/", plans_router)


# -- anything else under /api/v1/ -----------------------------------------------------------------
def not_found_json(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(
        request, 404, "not_found", _("No such API endpoint: /api/v1/%(path)s") % {"path": rest}
    )


# included by config/urls.py under api/v1/
urlpatterns = [
    path("", api.urls),
    # Unknown paths under /api/v1/ answer in the API's JSON error format, not an HTML page.
    re_path(r"^(?P<rest>.*)$", not_found_json),
]
