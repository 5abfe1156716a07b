// Charts of the index pages (Chart.js), drawn from data in the page: no inline script, so a
// strict Content-Security-Policy can forbid them. Dataset labels come translated from the
// canvas' data-label-* attributes.
(function () {
  "use strict";
  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var value = JSON.parse(el.textContent);
    // the views hand json_script an already encoded JSON text
    return typeof value === "string" ? JSON.parse(value) : value;
  }
  function provinceTrend() {
    var canvas = document.getElementById("trend");
    var d = readJson("chart-data");
    if (!canvas || !d) return;
    var sets = [
      {label: canvas.dataset.labelTotal, data: d.total, borderWidth: 3, yAxisID: "y"},
      {label: canvas.dataset.labelTarget, data: d.target, borderDash: [6, 4], pointRadius: 0, yAxisID: "y"}
    ];
    Object.entries(d.groups).forEach(function (entry) {
      sets.push({label: d.group_names[entry[0]], data: entry[1], yAxisID: "y2", hidden: false});
    });
    new Chart(canvas, {type: "line", data: {labels: d.labels, datasets: sets},
      options: {animation: false, scales: {y: {min: 0, max: 100, position: "left"},
        y2: {min: 0, max: 22, position: "right", grid: {drawOnChartArea: false}}}}});
  }
  function agencyTrend() {
    var canvas = document.getElementById("agency-trend");
    var labels = readJson("labels"), totals = readJson("totals");
    if (!canvas || !labels || !totals) return;
    new Chart(canvas, {type: "line",
      data: {labels: labels, datasets: [{label: canvas.dataset.labelTotal, data: totals}]},
      options: {animation: false, scales: {y: {min: 0, max: 100}}}});
  }
  function sparklines() {
    document.querySelectorAll("canvas.spark").forEach(function (c) {
      var values = JSON.parse(c.dataset.values);
      var max = c.dataset.max ? (Number(c.dataset.max) || 1) : 100;
      new Chart(c, {type: "line",
        data: {labels: values.map(function (_, i) { return i; }), datasets: [{data: values, borderWidth: 1.5, pointRadius: 0}]},
        options: {animation: false, responsive: false, plugins: {legend: {display: false}, tooltip: {enabled: false}},
          scales: {x: {display: false}, y: {display: false, min: 0, max: max}}}});
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) return;
    provinceTrend();
    agencyTrend();
    sparklines();
  });
})();
