"""django-csp's middleware with the policy strings kept between responses.

django-csp 4.0 builds both policies (enforced and report-only) from the settings for every
response: a `dataclasses.asdict` deep copy of the per-response parts and a walk over every
directive, twice, to arrive at the same two strings each time. That was 5 % of the CPU of
an API call (docs/performance.md, issue 11). A response that carries a policy of its own
(django-csp's decorators), an exemption, or a page that used a nonce goes the library's way
unchanged; every other response gets the strings the library built for the settings in force
(rebuilt when the settings object changes, as under `override_settings`).
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# what django-csp's decorators set on a response
_OWN_POLICY = tuple(
    f"_csp_{part}{suffix}"
    for part in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class CSPMiddleware(LibraryCSPMiddleware):
    _built: tuple[Any, Any, str, str] | None = None

    def _policies(self) -> tuple[str, str]:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        config_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not config or built[1] is not config_ro:
            built = (config, config_ro, build_policy(), build_policy(report_only=True))
            self._built = built
        return built[2], built[3]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or settings.DEBUG
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        for header, policy, setting in zip(
            (HEADER, HEADER_REPORT_ONLY),
            self._policies(),
            ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
            strict=True,
        ):
            excluded = tuple(
                (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # as the library does: a nonce asked for after the header went out is an error
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
