"""The portal addresses the citizen as "Ông/Bà" on every page. The notice of a procedure for
the other kind of applicant and the invitation to withdraw a dossier said "Bạn", while the
rest of the portal says "Ông/Bà": one site spoke to the same person in two ways. The app's
pages are a citizen's or a company's (its one staff page, a kiosk's registration, speaks
impersonally), so its whole Vietnamese catalogue is checked."""

from __future__ import annotations

from cchc.testing import vietnamese_entries_saying


def test_the_portal_never_calls_the_citizen_ban():
    assert vietnamese_entries_saying("portal", r"\bbạn\b") == []


# The accounts app speaks to staff too: its staff-only pages and messages (the staff list and
# its actions, two-step sign-in, which only staff accounts are offered, and the link that
# opens a new staff account) keep the "bạn" of a colleague. Everything else there reaches a
# citizen or a company (the sign-in, password and contact pages, the reset link, the notice
# of a sign-up with their details) and spoke to them as "bạn" while the portal says "Ông/Bà".
ACCOUNTS_STAFF_ONLY = {
    "CCHC: an account %(username)s was opened for you. Set its password at %(url)s "
    "(valid %(minutes)s minutes).",
    "You do not manage the staff of %(agency)s.",
    "You do not manage this account.",
    "You cannot withdraw your own administrator role.",
    "You cannot switch off your own account.",
    "Agency %(code)s is not one whose staff you manage.",
    "Enter the 6-digit code shown by the authenticator app on your phone.",
    "The account also serves agencies you do not manage: the Home Affairs department "
    "switches it off or sends it a new link.",
    "Agencies you manage",
    "Two-step sign-in is on for your account.",
    "Two-step sign-in is off for your account.",
    "Your e-mail and phone are kept by the administrator of your agency (or by Home "
    "Affairs): ask them to correct them.",
    "You may also turn two-step sign-in off: your account is then protected by the password alone.",
    # a staff account's landing after a sign-in whose page refused it (accounts.landing; a
    # citizen's account gets its own "Ông/Bà" message there)
    "Your account may not open the page you asked for, so you are on your work page instead. "
    "If your work needs that page, ask your agency's administrator.",
}


def test_the_accounts_messages_a_citizen_gets_never_call_them_ban():
    assert set(vietnamese_entries_saying("accounts", r"\bbạn\b")) <= ACCOUNTS_STAFF_ONLY


def test_the_accounts_staff_only_messages_do_not_call_a_colleague_ong_ba():
    assert set(vietnamese_entries_saying("accounts", r"Ông/Bà")) & ACCOUNTS_STAFF_ONLY == set()


def test_the_link_for_a_forgotten_password_speaks_to_the_citizen_as_ong_ba(
    transactional_db, client
):
    from django.core import mail
    from django.urls import reverse

    from cchc.core.jobs import run_jobs
    from cchc.testing import UserFactory

    UserFactory(username="an.nguyen", email="an@example.vn")
    client.post(reverse("portal:password_reset"), {"contact": "an@example.vn"})
    run_jobs()
    body = mail.outbox[-1].body
    assert "Ông/Bà" in body and "bạn" not in body
