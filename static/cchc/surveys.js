// Behaviour of the survey pages (cchc.surveys), bound by data attributes: no inline script or
// on* handler, so the Content-Security-Policy (script-src 'self') holds. Loaded with
// <script src="{% static 'cchc/surveys.js' %}" defer> by the pages that need it.
//
//   <form data-survey-form>                 the respondent's / enumerator's / clerk's form:
//     [data-cond-item="Q8.3" data-cond-in="1,2"]  an item or section shown only when the
//                                           earlier answer to Q8.3 is one of 1, 2; while hidden
//                                           its fields are disabled, so nothing hidden is sent;
//     [data-submit-once]                    the submit button, disabled once the form is sent
//                                           (a double click sends one submission; the server's
//                                           nonce is the guarantee, this spares the round trip).
//     #survey-answered [data-answered-text="Answered {n} of {m} questions"]
//                                           (the interviewer's entry) the count of questions
//                                           shown and answered so far, kept in view at the
//                                           bottom of the screen, with a link to the first
//                                           question shown and not yet answered.
//   <div data-refresh-url="/…/progress/" data-refresh-every="15">
//                                           re-loads the fragment (fieldwork progress, quotas)
//                                           every n seconds while the page is visible and the
//                                           user is not working inside it.
(function () {
  "use strict";

  function answers(form, code) {
    var out = [];
    form.querySelectorAll('[name="a_' + code + '"]').forEach(function (el) {
      if (el.disabled) return;
      var on = (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "";
      if (on) out.push(el.value);
    });
    return out;
  }

  function applyConditions(form) {
    // document order: a condition names an earlier item, whose state is already settled
    form.querySelectorAll("[data-cond-item]").forEach(function (el) {
      var wanted = (el.dataset.condIn || "").split(",");
      var got = answers(form, el.dataset.condItem);
      el.hidden = !got.some(function (v) { return wanted.indexOf(v) >= 0; });
      el.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = field.closest("[hidden]") !== null;
      });
    });
  }

  function answered(question) {
    var fields = question.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var el = fields[i];
      if (el.disabled) continue;
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "") return true;
    }
    return false;
  }

  function countAnswered(form) {
    var box = form.querySelector("#survey-answered");
    if (!box) return;
    var shown = Array.prototype.filter.call(
      form.querySelectorAll(".survey-question"),
      function (q) { return q.closest("[hidden]") === null; });
    var done = shown.filter(answered);
    var first = shown.filter(function (q) { return !answered(q); })[0];
    box.querySelector("[data-answered-count]").textContent = box.dataset.answeredText
      .replace("{n}", done.length).replace("{m}", shown.length);
    var next = box.querySelector("[data-answered-next]");
    next.hidden = !first;
    if (first) { next.href = "#" + first.id; next.textContent = box.dataset.missingText; }
    box.hidden = false;
  }

  function bindForm(form) {
    form.addEventListener("change", function () { applyConditions(form); countAnswered(form); });
    form.addEventListener("input", function () { applyConditions(form); countAnswered(form); });
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-submit-once]");
      // after the browser has taken the submission: disabling first would drop the button
      if (button) window.setTimeout(function () { button.disabled = true; }, 0);
    });
    applyConditions(form);
    countAnswered(form);
  }

  function bindRefresh(box) {
    var seconds = parseInt(box.dataset.refreshEvery, 10) || 15;
    window.setInterval(function () {
      if (document.hidden || box.contains(document.activeElement)) return;
      window.fetch(box.dataset.refreshUrl, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) box.innerHTML = html; })
        .catch(function () { /* offline for a moment: the next tick tries again */ });
    }, seconds * 1000);
  }

  function start() {
    document.querySelectorAll("form[data-survey-form]").forEach(bindForm);
    document.querySelectorAll("[data-refresh-url]").forEach(bindRefresh);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
