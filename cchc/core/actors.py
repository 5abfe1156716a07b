"""Who performs an action: a user, or an explicit system actor.

Every service function takes `actor`. Passing `None` is a programming error, never a way to
skip the permission check: imports, background jobs and management commands pass one of the
system actors below, which a service recognises with `is_system(actor)` and records by name
on the event (zulip's "acting user" rule: no anonymous writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SystemActor:
    """A non-human actor. It has no database row: events record its label, not a user."""

    name: str
    label: str | Promise

    pk = None
    id = None
    is_authenticated = False
    is_active = True
    is_superuser = False
    is_staff = False

    @property
    def display_name(self) -> str:
        return str(self.label)

    def __str__(self) -> str:
        return str(self.label)


SYSTEM = SystemActor("system", _("System"))
IMPORT = SystemActor("import", _("Data import"))
JOB = SystemActor("job", _("Background job"))


class MissingActor(TypeError):
    """A service was called without an actor."""


def require_actor(actor: Any) -> Any:
    """The actor, or a loud failure when a caller passed nothing."""
    if actor is None:
        raise MissingActor(
            "every write names its actor: a user or a system actor from cchc.core.actors"
        )
    return actor


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def actor_label(actor: Any) -> str:
    """The name an event shows for its actor (kept even if the user is renamed later)."""
    require_actor(actor)
    if not is_system(actor) and not getattr(actor, "is_authenticated", False):
        return str(_("Member of the public"))  # an anonymous visitor (public petition form)
    return (getattr(actor, "display_name", None) or str(actor))[:200]


def actor_user(actor: Any) -> Any:
    """The user row to reference from an event, or None for a system actor or anonymous user."""
    require_actor(actor)
    return actor if getattr(actor, "pk", None) is not None else None


def recorded_by(actor: Any, field: str = "created_by") -> dict[str, Any]:
    """The two columns of a record that say who did `field`: the user (None for a system
    actor) and the label kept if the account is renamed or goes (`<field>_label`)."""
    return {field: actor_user(actor), f"{field}_label": actor_label(actor)}
