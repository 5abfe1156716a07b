// Small behaviours of the pages, bound by data attributes (no inline script or on* handler, so
// a strict Content-Security-Policy can forbid them):
//   <button data-print>                    prints the page;
//   <select data-fill-target="id">         copies the chosen option's data-body into #id;
//   <button data-menu-toggle aria-controls="id"> folds and unfolds the site menu on a phone.
(function () {
  "use strict";
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
    var menu = document.querySelector(".site-menu.open");
    if (!menu) return;
    menu.classList.remove("open");
    var toggle = document.querySelector('[data-menu-toggle][aria-controls="' + menu.id + '"]');
    if (toggle) { toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
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
    if (target && option && option.value) { target.value = option.dataset.body || ""; }
  });
})();
