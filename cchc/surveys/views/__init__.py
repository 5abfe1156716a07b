"""Survey pages, one module per concern (urls.py points at each). Views are thin: writes go
through services.

- `respondents`: the respondent's form (works on a phone): a sampled person's personal
  link, and the open link or kiosk of a unit, limited per device.
- `campaigns`: the surveys list, a new campaign, a campaign's page (open, close, publish,
  draw samples, invite, set quotas) with its live returns table, the published campaigns,
  the invitation letters. Survey staff and the province's inspectors read a campaign's page;
  only Home Affairs act on it.
- `campaign_settings`: correcting a campaign's settings after its creation, and every
  unit's quota on one page (Home Affairs).
- `entry`: an enumerator's interview or a clerk's keying of a paper form; the supervisor's
  decision on forms whose two keyings differ.
- `answers`: a unit's raw answers with review, one response with its log and correction,
  the answers as files (CSV, .sav, JSON lines, open data).
- `results`: the ranking with intervals and the bias check, one unit's profile and trend,
  and the PDF report.
- `result_files`: the indices as files (Excel workbook, CSV, SPSS .sav) with the answers'
  split, the province's figures and last year's.
- `evaluations`: the per-dossier evaluation per unit and criterion (issue 13.9).
- `builder`: a new questionnaire, the builder (sections, questions, publication, versions,
  log) and the preview.
- `_shared`: the helpers several of them use: the questionnaire's questions and sections,
  the questionnaire page of a campaign, a campaign the user may collect for.
"""
