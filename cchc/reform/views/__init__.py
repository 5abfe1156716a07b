"""PAR INDEX pages (Chỉ số CCHC), one module per concern; `cchc/reform/urls.py` points at each.

Thin: every write calls a service module (criteria, assessments, appraisal, publishing,
external) and shows its Vietnamese DomainError message; reads check who may see what (a unit
never sees another unit's self-assessment before the year's results are published).

- `home`: the start page (templates, my units' self-assessments, those I appraise, the
  templates my units may open).
- `templates`: a template (bộ chỉ số): create or copy, its page and forms (nodes, settings,
  deadline, appraisal teams), publish, survey scores, the units' progress, criteria export.
- `sheets`: a unit's self-assessment and its scoring sheet: open, score, evidence, submit,
  appraise, explanation, finalise, reopen, the sheet's export, evidence files.
- `rankings`: results: the year's ranking, publishing, a unit's result page (charts, what-if),
  the public results.
- `external_indices`: PAPI, the national PAR INDEX and SIPAS as published, and the targets.
- `_shared`: what several of them use (the province, the Home Affairs and results checks,
  refusal and form-error messages, spreadsheet/PDF downloads).
"""
