"""The citizen's earlier documents as the online form offers them: each once, under the
component it was filed as, with a name a person reads. The rules are the counter's too
(cchc.dossiers.reuse); here only whose documents they are."""

from __future__ import annotations

from typing import Any

from cchc.dossiers.reuse import Offers
from cchc.dossiers.reuse import offers as offered
from cchc.portal import services


def offers(user: Any, components: list[Any]) -> Offers:
    """The user's reusable documents for the form of these components."""
    return offered(services.reusable_documents(user), components)
