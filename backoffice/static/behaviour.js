// What the templates' inline handlers used to do, as listeners on the document: the
// Content-Security-Policy runs no inline handler (onclick=, onchange=, onsubmit=) and
// no javascript: link. Each behaviour is named by a data- attribute:
//   data-confirm="question"    a click goes ahead only if the user confirms
//   data-autosubmit            changing the field submits its form
//   data-model-action="name"   runs Flask-Admin's list action on the ticked rows, with
//                              the version each showed
//   data-inline-add="field"    adds a child row to Flask-Admin's inline form
//   data-history-back          goes back in the tab's history, if it has any, rather
//                              than following its link
// and a file field (admin/file_input.html) shows the names of the files chosen.
// Clicks are caught on the way down (capture): Flask-Admin's dropdown script stops
// their way up without cancelling a javascript: link.
(function () {
  'use strict';

  document.addEventListener('click', function (event) {
    var element = event.target.closest(
      '[data-confirm], [data-model-action], [data-inline-add], [data-history-back],' +
      ' a[href^="javascript:"]');
    if (!element) {
      return;
    }
    if (element.dataset.confirm !== undefined) {
      if (!window.confirm(element.dataset.confirm)) {
        event.preventDefault();
      }
      return;
    }
    if (element.dataset.historyBack !== undefined) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
      return;
    }
    // A javascript: link would be refused by the policy: it only stands for a button.
    event.preventDefault();
    if (element.dataset.modelAction !== undefined) {
      carryVersions();
      window.modelActions.execute(element.dataset.modelAction);
    } else if (element.dataset.inlineAdd !== undefined) {
      window.faForm.addInlineField(element, element.dataset.inlineAdd);
    }
  }, true);

  // A list action sends the version each ticked row had on the list ("id:version"), so
  // that a bulk delete spares a row someone changed since.
  function carryVersions() {
    var form = document.getElementById('action_form');
    if (!form) {
      return;
    }
    form.querySelectorAll('input[name=row_version]').forEach(function (input) {
      input.remove();
    });
    document.querySelectorAll('input.action-checkbox:checked[data-version]').forEach(
      function (box) {
        var version = document.createElement('input');
        version.type = 'hidden';
        version.name = 'row_version';
        version.value = box.value + ':' + box.dataset.version;
        form.appendChild(version);
      });
  }

  document.addEventListener('change', function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.autosubmit !== undefined && field.form) {
      field.form.requestSubmit();
    }
    if (field.classList && field.classList.contains('custom-file-input')) {
      var names = Array.prototype.map.call(field.files, function (file) { return file.name; });
      field.nextElementSibling.textContent = names.length ? names.join('、') : '未选择文件';
    }
  });
})();
