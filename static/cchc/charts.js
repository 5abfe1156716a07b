// Charts of the index pages (Chart.js), drawn from data in the page: no inline script, so a
// strict Content-Security-Policy can forbid them. Labels come translated from the canvas'
// data-* attributes: data-label-* name the series, data-x-title / data-y-title / data-y2-title
// name the axes. Every chart has a legend (except the table's small trend lines) and one
// colour per series from a palette readable by colour-blind people (Okabe-Ito); a
// period without data (null: no dossiers) is a gap in the line, never joined across.
(function () {
  "use strict";
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
  var TARGET = "#767676";  // the target line: grey and dashed, never one of the series' colours
  function colour(i) { return PALETTE[i % PALETTE.length]; }
  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var value = JSON.parse(el.textContent);
    // the views hand json_script an already encoded JSON text
    return typeof value === "string" ? JSON.parse(value) : value;
  }
  function axis(title, extra) {
    var a = {title: {display: !!title, text: title || ""}};
    Object.keys(extra || {}).forEach(function (k) { a[k] = extra[k]; });
    return a;
  }
  function line(label, data, i, extra) {
    var s = {label: label, data: data, borderColor: colour(i), backgroundColor: colour(i),
      spanGaps: false, tension: 0};
    Object.keys(extra || {}).forEach(function (k) { s[k] = extra[k]; });
    return s;
  }
  var LEGEND = {legend: {display: true, position: "bottom"}};
  // an axis's top as the page gives it (data-y-max: the scheme version's maximum, from the rule
  // data); without it, Chart.js scales to the data
  function top(value) { return Number(value) || undefined; }
  function provinceTrend() {
    var canvas = document.getElementById("trend");
    var d = readJson("chart-data");
    if (!canvas || !d) return;
    var sets = [
      line(canvas.dataset.labelTotal, d.total, 0, {borderWidth: 3, yAxisID: "y"}),
      line(canvas.dataset.labelTarget, d.target, 0, {borderDash: [6, 4], pointRadius: 0, yAxisID: "y",
        borderColor: TARGET, backgroundColor: TARGET})
    ];
    Object.entries(d.groups).forEach(function (entry, i) {
      sets.push(line(d.group_names[entry[0]], entry[1], i + 1, {yAxisID: "y2", borderWidth: 1.5}));
    });
    new Chart(canvas, {type: "line", data: {labels: d.labels, datasets: sets},
      options: {animation: false, plugins: LEGEND, scales: {
        x: axis(canvas.dataset.xTitle),
        y: axis(canvas.dataset.yTitle, {min: 0, max: top(canvas.dataset.yMax), position: "left"}),
        y2: axis(canvas.dataset.y2Title, {min: 0, max: top(canvas.dataset.y2Max), position: "right", grid: {drawOnChartArea: false}})}}});
  }
  function agencyTrend() {
    var canvas = document.getElementById("agency-trend");
    var labels = readJson("labels"), totals = readJson("totals");
    if (!canvas || !labels || !totals) return;
    new Chart(canvas, {type: "line",
      data: {labels: labels, datasets: [line(canvas.dataset.labelTotal, totals, 0, {borderWidth: 2})]},
      options: {animation: false, plugins: LEGEND, scales: {
        x: axis(canvas.dataset.xTitle), y: axis(canvas.dataset.yTitle, {min: 0, max: top(canvas.dataset.yMax)})}}});
  }
  // a long agency name on a phone: wrapped on word boundaries into at most two lines of
  // `width` characters, the rest cut from the right with "…" (the tooltip's title keeps the
  // whole name); Chart.js would otherwise clip it from the left ("ác Khu công nghiệp…")
  function wrapLabel(text, width) {
    var words = String(text).split(/\s+/), lines = [], current = "";
    words.forEach(function (word) {
      if (current && (current + " " + word).length > width) { lines.push(current); current = word; }
      else { current = current ? current + " " + word : word; }
    });
    if (current) lines.push(current);
    lines = lines.map(function (l) { return l.length > width ? l.slice(0, width - 1) + "…" : l; });
    if (lines.length > 2) {
      var second = lines[1];
      lines = [lines[0], (second.length > width - 1 ? second.slice(0, width - 1) : second) + "…"];
    }
    return lines.length === 1 ? lines[0] : lines;
  }
  function publicBars() {
    var canvas = document.getElementById("public-chart");
    var d = readJson("public-chart-data");
    if (!canvas || !d || !d.labels.length) return;
    // about 40 % of the chart's width for the names, at some 7 px a character
    var width = Math.max(12, Math.floor((canvas.parentNode.clientWidth || 320) * 0.4 / 7));
    new Chart(canvas, {type: "bar",
      data: {labels: d.labels, datasets: [
        {label: canvas.dataset.labelTotal, data: d.total, backgroundColor: colour(0)},
        {label: canvas.dataset.labelOnTime, data: d.on_time, backgroundColor: colour(1)}]},
      options: {animation: false, indexAxis: "y", maintainAspectRatio: false, plugins: LEGEND,
        scales: {x: axis(canvas.dataset.xTitle, {min: 0, max: 100}),
          y: axis(canvas.dataset.yTitle, {ticks: {autoSkip: false, callback: function (value) {
            return wrapLabel(this.getLabelForValue(value), width);
          }}})}}});
  }
  function sparklines() {
    document.querySelectorAll("canvas.spark").forEach(function (c) {
      var values = JSON.parse(c.dataset.values);
      var max = c.dataset.max ? (Number(c.dataset.max) || 1) : 100;
      new Chart(c, {type: "line",
        data: {labels: values.map(function (_, i) { return i; }),
          datasets: [line("", values, 0, {borderWidth: 1.5, pointRadius: 0})]},
        options: {animation: false, responsive: false, plugins: {legend: {display: false}, tooltip: {enabled: false}},
          scales: {x: {display: false}, y: {display: false, min: 0, max: max}}}});
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) return;
    provinceTrend();
    agencyTrend();
    publicBars();
    sparklines();
  });
})();
