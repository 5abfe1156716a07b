"""The portal addresses the citizen as "Ông/Bà" on every page. The notice of a procedure for
the other kind of applicant and the invitation to withdraw a dossier said "Bạn", while the
rest of the portal says "Ông/Bà": one site spoke to the same person in two ways. The app's
pages are a citizen's or a company's (its one staff page, a kiosk's registration, speaks
impersonally), so its whole Vietnamese catalogue is checked."""

from __future__ import annotations

from cchc.testing import vietnamese_entries_saying


def test_the_portal_never_calls_the_citizen_ban():
    assert vietnamese_entries_saying("portal", r"\bbạn\b") == []
