// A running job's page asks for its progress every two seconds and shows it; when the
// job ends, the page reloads to show its result, its message and what may be done next.
(function () {
  'use strict';

  var holder = document.getElementById('job-progress');
  if (!holder) {
    return;
  }

  function show(progress) {
    document.getElementById('job-state').textContent = progress.state;
    document.getElementById('job-message').textContent = progress.message;
    document.getElementById('job-rows').textContent =
      '已处理 ' + progress.done + (progress.total ? ' / ' + progress.total : '') + ' 行';
    document.getElementById('job-eta').textContent =
      progress.eta ? '预计还需' + progress.eta : '';
    var bar = document.getElementById('job-bar');
    bar.style.width = progress.percent + '%';
    bar.setAttribute('aria-valuenow', progress.percent);
  }

  function poll() {
    fetch(holder.dataset.url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) {  // the server is busy or restarting: ask again a little later
          window.setTimeout(poll, 5000);
          return;
        }
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());
