// Draw the dashboard's charts from the figures the page carries as JSON.
(function () {
  'use strict';

  var figures = JSON.parse(document.getElementById('figures').textContent);
  document.querySelectorAll('.chart').forEach(function (element) {
    var figure = JSON.parse(figures[element.dataset.key]);
    Plotly.newPlot(element, figure.data, figure.layout,
                   {displaylogo: false, responsive: true, locale: 'zh-CN'})
      .then(function () { element.dataset.rendered = '1'; });
  });
})();
