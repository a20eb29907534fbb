// Draw the dashboard's charts from the figures the page carries as JSON; a bar or slice
// that carries a URL (its customdata) opens that list when clicked.
(function () {
  'use strict';

  var figures = JSON.parse(document.getElementById('figures').textContent);
  document.querySelectorAll('.chart').forEach(function (element) {
    var figure = JSON.parse(figures[element.dataset.key]);
    Plotly.newPlot(element, figure.data, figure.layout,
                   {displaylogo: false, responsive: true, locale: 'zh-CN'})
      .then(function () {
        element.on('plotly_click', function (event) {
          var url = event.points[0].customdata;
          if (typeof url === 'string' && url.charAt(0) === '/') {
            window.location.assign(url);
          }
        });
        if (figure.data[0].customdata) {
          element.classList.add('chart-linked');
        }
        element.dataset.rendered = '1';
      });
  });
})();
