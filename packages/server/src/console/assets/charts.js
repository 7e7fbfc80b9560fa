// Draws every <div data-chart="{...}"> with uPlot (served beside this file): on load, and on
// whatever htmx swaps in. The data comes from the server (components.tsx, <Chart>):
// {"x": [unix seconds...], "series": [{"label": "...", "values": [...]}], "y": "unit"}.
(function () {
  'use strict';
  var COLORS = ['#0b5cad', '#d1495b', '#2a9d8f', '#e9a03b', '#6a4c93'];
  function draw(root) {
    if (typeof uPlot === 'undefined' || !root.querySelectorAll) return;
    root.querySelectorAll('[data-chart]:not([data-drawn])').forEach(function (el) {
      var data;
      try { data = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
      el.setAttribute('data-drawn', '');
      var width = function () { return Math.max(200, el.clientWidth); };
      var plot = new uPlot({
        width: width(),
        height: 220,
        series: [{}].concat(data.series.map(function (s, i) { return { label: s.label, stroke: COLORS[i % COLORS.length], width: 2 }; })),
        axes: [{}, { label: data.y || '' }],
      }, [data.x].concat(data.series.map(function (s) { return s.values; })), el);
      if (typeof ResizeObserver !== 'undefined') new ResizeObserver(function () { plot.setSize({ width: width(), height: 220 }); }).observe(el);
    });
  }
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:load', function (event) { draw(event.target); });
})();
