"""Index pages (thin views: figures come from scoring, reports and summaries).

Who sees what: province administrators and inspectors see their province; staff see the
province's scores and the evidence (dossier lists) of their own agencies only; the public
transparency page shows per-agency scores and on-time rates, no personal data, no login.

Which module holds what:

- `province`: the province overview (dashboard) and the ranking of its agencies.
- `agency`: one agency's scores, point by point, and the evidence (the dossiers, procedures
  or petitions) behind one of its metrics.
- `losses`: where the province loses the most points, metric by metric.
- `public`: the public transparency page (no login).
- `reconciliation`: the two reconciliations with the national portal: the portal's report
  checked against the methodology (`reconcile_upload`) and compared with our own figures
  (`reconcile_portal`).
- `periods`: closing a period (its figures frozen) and restating a closed one.
- `figures`: entering the published figures of counters the platform holds no data for.
- `_shared`: what several of these pages need: who may see which province, the period asked
  for, the trend of past periods, the notes of a closed period, the period picker and the
  context every page gets.
"""
