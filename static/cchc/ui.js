// Small behaviours of the pages, bound by data attributes (no inline script or on* handler, so
// a strict Content-Security-Policy can forbid them):
//   <button data-print>                    prints the page;
//   <select data-fill-target="id" data-fill-confirm="question">
//                                          copies the chosen option's data-body into #id,
//                                          asking first when #id holds text of one's own;
//   <button data-menu-toggle aria-controls="id"> folds and unfolds the site menu on a phone;
//   <details data-menu-group>              a group of the staff menu: one open at a time;
//   <select data-filterable="label">       gets a search box above it that hides the options
//                                          not matching what is typed, insensitive to case and
//                                          Vietnamese diacritics ("ha noi" finds "Hà Nội"); so
//                                          does <div data-filterable="label"> holding one
//                                          checkbox per child (several units among many),
//                                          with data-chosen-label="Chosen" naming the ticked
//                                          ones below it (a tick the filter hides stays);
//                                          only over a list of FILTER_FROM choices or more
//                                          (a box over one or two agencies is in the way);
//   a <select> whose options htmx swaps in keeps a value chosen while they were on their way
//                                          if the new options hold it;
//   <button data-confirm="question">       sends its form only if the person agrees (a step
//                                          that cannot be undone: closing, publishing);
//   <input name="form_key">                ({% form_key %}) comes back with the form on Back.
(function () {
  "use strict";
  // On Back a browser loads the form again (with a new key) and puts back only the boxes
  // whose value differs from the one in the page's HTML. The key is moved out of the HTML
  // here (its value kept, its default emptied), so the browser keeps it with the form and
  // puts the first key back on Back: the page sent again carries the key it was first sent
  // with, and once_per_form shows what it made instead of making a second one.
  Array.prototype.forEach.call(document.querySelectorAll("input[name=form_key]"), function (box) {
    var key = box.value;  // the first key when the browser put it back, else this page's
    box.value = key;
    box.defaultValue = "";
  });
  // the phone menu is folded only when this script runs: without it the menu stays open
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    var open = !menu.classList.contains("open");
    menu.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (document.querySelector("details[data-menu-group][open]")) return;  // the group first
    var menu = document.querySelector(".site-menu.open");
    if (!menu) return;
    menu.classList.remove("open");
    var toggle = document.querySelector('[data-menu-toggle][aria-controls="' + menu.id + '"]');
    if (toggle) { toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
  });
  // the staff menu's groups (<details data-menu-group>): one open at a time, closed by a click
  // elsewhere or by Escape (focus back on the group's summary)
  document.addEventListener("click", function (event) {
    var inside = event.target.closest("details[data-menu-group]");
    Array.prototype.forEach.call(document.querySelectorAll("details[data-menu-group][open]"), function (group) {
      if (group !== inside) group.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var group = document.querySelector("details[data-menu-group][open]");
    if (!group) return;
    group.removeAttribute("open");
    group.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-fill-target]");
    if (!select) return;
    var option = select.options[select.selectedIndex];
    var target = document.getElementById(select.dataset.fillTarget);
    if (!target || !option || !option.value) return;
    // text the person typed (not the template chosen before) is replaced only if they agree
    var typed = target.value.trim() && target.value !== (target.dataset.filledWith || "");
    if (typed && !window.confirm(select.dataset.fillConfirm || "?")) {
      select.value = select.dataset.chosen || "";
      return;
    }
    target.value = option.dataset.body || "";
    target.dataset.filledWith = target.value;
    select.dataset.chosen = select.value;
  });
  // a list whose options htmx fetches again (the transfer's assignees when the agency changes)
  // keeps the person's choice when the new options still hold it: a choice made while the
  // answer was on its way is not lost to the swap. A value the list already had when the
  // request left is the server's to keep or replace (the intake's competent agency follows
  // a corrected receiving agency unless the clerk chose it)
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = event.detail.target;
    if (list && list.tagName === "SELECT") { list.dataset.sent = list.value; }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var list = event.detail.target;
    if (list && list.tagName === "SELECT" && list.value !== list.dataset.sent) {
      list.dataset.keep = list.value;
    }
    if (list && list.tagName === "SELECT") { delete list.dataset.sent; }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || list.tagName !== "SELECT" || list.dataset.keep === undefined) return;
    var keep = list.dataset.keep;
    delete list.dataset.keep;
    if (keep && Array.prototype.some.call(list.options, function (o) { return o.value === keep; })) {
      list.value = keep;
    }
  });
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase();
  }
  // a filter box over a <select data-filterable> or over a list of checkboxes
  // (<div data-filterable>, one option per child element: several units picked among many);
  // a choice hidden by the filter stays chosen and is sent with the form
  // a list shorter than this is read at a glance: typing in a box above it helps no one
  var FILTER_FROM = 8;
  Array.prototype.forEach.call(document.querySelectorAll("[data-filterable]"), function (list) {
    var isSelect = list.tagName === "SELECT";
    // the options: a select's (not its empty "all" option), a list's children
    var options = Array.prototype.filter.call(isSelect ? list.options : list.children, function (option) {
      return isSelect ? option.value : option.querySelector("input");
    });
    // the choices counted are those one can make: not a disabled option or check box
    var choosable = options.filter(function (option) {
      return isSelect ? !option.disabled : !option.querySelector("input").disabled;
    });
    if (choosable.length < FILTER_FROM) return;
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = list.dataset.filterable;
    box.setAttribute("aria-label", list.dataset.filterable);
    if (list.id) { box.setAttribute("aria-controls", list.id); }
    box.className = "select-filter";
    var status = document.createElement("small");
    status.setAttribute("aria-live", "polite");
    status.className = "muted";
    list.parentNode.insertBefore(box, list);
    list.parentNode.insertBefore(status, list.nextSibling);
    // Enter in the box filters, it does not send the form
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    box.addEventListener("input", function () {
      var query = fold(box.value.trim());
      var shown = 0;
      var only = null;
      options.forEach(function (option) {
        var match = !query || fold(option.textContent).indexOf(query) !== -1;
        option.hidden = !match;
        if (match) { shown += 1; only = option; }
      });
      // a group of a select whose every option the filter hides goes with them: no heading
      // left standing over nothing
      if (isSelect) {
        Array.prototype.forEach.call(list.querySelectorAll("optgroup"), function (group) {
          group.hidden = !Array.prototype.some.call(group.children, function (option) {
            return !option.hidden;
          });
        });
      }
      // one match left in a single choice list is chosen; a multiple choice keeps its choices
      if (isSelect && !list.multiple && shown === 1 && only) { list.value = only.value; }
      status.textContent = query ? shown + " / " + options.length : "";
    });
    // a checkbox list with data-chosen-label names what is ticked below it, hidden or not
    if (isSelect || !list.dataset.chosenLabel) return;
    var chosen = document.createElement("p");
    chosen.className = "filter-chosen";
    chosen.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(chosen, status.nextSibling);
    function name(option) { return option.textContent.trim(); }
    function showChosen() {
      var names = options.filter(function (option) {
        return option.querySelector("input").checked;
      }).map(name);
      chosen.textContent = names.length ? list.dataset.chosenLabel + " (" + names.length + "): " + names.join("; ") : "";
    }
    list.addEventListener("change", showChosen);
    showChosen();
  });
})();
