// A little behaviour on top of server-rendered pages.
// 1. A session that ended while a page was open: an htmx request gets the sign-in page back; show it whole.
document.addEventListener('htmx:beforeSwap', function (e) {
  var url = e.detail.xhr && e.detail.xhr.responseURL;
  if (url && url.indexOf('/login') >= 0) {
    window.location.href = '/login?expired=true';
  }
  // the refreshed block brings new canvases: free the charts of the old ones
  if (window.Chart && e.detail.target) {
    e.detail.target.querySelectorAll('canvas[data-drawn]').forEach(function (c) {
      var chart = Chart.getChart(c);
      if (chart) { chart.destroy(); }
    });
  }
});
// 2. Charts: every <canvas data-chart="id-of-json"> is drawn from the JSON in <script type="application/json" id=...>.
function mptrecCharts() {
  if (!window.Chart) { return; }
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    if (canvas.dataset.drawn) { return; }
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var legend = spec.options && spec.options.plugins && spec.options.plugins.legend;
    if (legend && legend.hideUnlabelled) {
      // JSON cannot carry a function: unnamed datasets (e.g. the edges of an interval band) stay out of the legend
      legend.labels = { filter: function (item) { return !!item.text; } };
    }
    canvas.dataset.drawn = 'true';
    new Chart(canvas, spec);
  });
}
document.addEventListener('DOMContentLoaded', mptrecCharts);
document.addEventListener('htmx:afterSettle', mptrecCharts);
