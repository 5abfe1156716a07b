// A refused form comes back at the top of the page, under "correct the items marked below";
// on a phone the first marked item (often a missing file, or the supplement form halfway
// down the status page) is one or two screens down, and the citizen had to hunt for it. The
// form's first invalid field is focused (its label and message are read out) and brought to
// the middle of the screen. Static file, no inline script (the CSP allows none).
(function () {
  "use strict";
  // the first marked field of any such form (the status page has two: supplement, withdraw)
  var field = document.querySelector("form[data-focus-first-error] [aria-invalid=true]");
  if (!field) return;
  var details = field.closest("details");
  if (details) details.open = true;
  field.focus({ preventScroll: true });
  field.scrollIntoView({ block: "center" });
})();
