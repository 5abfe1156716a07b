"""The public portal's pages (thin views: they parse input, call services and render).

Which module holds what:

- `catalogue`: the home page, the procedure catalogue (searched without diacritics), a
  procedure's page and its templates, the agencies.
- `account`: citizens' sign-up with a one-time code, and "My dossiers" with the messages sent
  about them.
- `submission`: online submission, with drafts and documents (uploaded or reused).
- `status`: the look-up by code and proof, the status page, and the files it offers (receipt,
  result, QR code, documents); what the applicant proved is remembered in the session
  (`remember_lookup`, `may_view_as_applicant`), the proof itself is `proven_dossier`.
- `evaluation`: rating a handled dossier, on the status page and at a registered kiosk.
"""
