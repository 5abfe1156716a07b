// The online submission form keeps nothing until "Save draft" or "Submit" is pressed: a
// citizen who follows a link or the menu after typing or choosing a file lost it all without
// a word. Once a named field has changed, leaving the page asks the browser's own "leave
// this page?" question (its wording is the browser's, in the browser's language). Static
// file, no inline script (the Content-Security-Policy allows none).
(function () {
  "use strict";
  document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
    var changed = false;
    function mark(event) {
      // the agency list's search box (static/cchc/ui.js) has no name: typing in it is not
      // an entry of the form
      if (event.target && event.target.name) changed = true;
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      changed = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = "";
    });
  });
})();
