// Small behaviours of the pages, bound by data attributes (no inline script or on* handler, so
// a strict Content-Security-Policy can forbid them):
//   <button data-print>                    prints the page;
//   <select data-fill-target="id">         copies the chosen option's data-body into #id.
(function () {
  "use strict";
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
