"""Feedback and petitions pages (thin views: every write is a call to a service module:
intake, petitions, complaints, reception; their DomainError messages are shown as they are).

Which module holds what:

- `public`: citizens' pages, no login: file a petition, find it again by code and contact,
  follow it, read the published answers and rate them.
- `reception`: the citizen reception schedule (lịch tiếp công dân) and a new session.
- `staff`: the petitions work queue and the home page's card, logging a hotline call or a
  letter, one petition's page and its handling actions, attachments, the dashboard.
- `complaints`: the complaints and denunciations register (khiếu nại, tố cáo).
- `_shared`: the paginator, the form page, filing a petition from a form's fields, and who
  may open the staff pages.
"""
