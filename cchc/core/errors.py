"""Domain errors raised by service functions; views and APIs turn them into messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action. `message` is user-facing (translated)."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.field = field


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400
