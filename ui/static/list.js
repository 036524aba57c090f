// The appeal list's bulk bar (no inline script is allowed): select all rows of the page,
// count the selection, and show only the fields the chosen action takes.
(function () {
  'use strict';

  var form = document.querySelector('[data-bulk-form]');
  if (!form) return;
  var all = document.querySelector('[data-select-all]');
  var count = form.querySelector('[data-bulk-count]');
  var action = form.querySelector('[data-bulk-action]');

  function picks() { return document.querySelectorAll('[data-pick]'); }

  function update() {
    var boxes = picks(), n = 0;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
    count.textContent = n ? '已选 ' + n + ' 件' : '勾选诉求后批量办理';
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  function showFields() {
    var fields = form.querySelectorAll('[data-bulk-needs]');
    for (var i = 0; i < fields.length; i++) {
      var needs = fields[i].getAttribute('data-bulk-needs').split(' ');
      fields[i].hidden = needs.indexOf(action.value) < 0;
    }
  }

  document.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t === all) {
      var boxes = picks();
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    }
    if (t === all || (t.matches && t.matches('[data-pick]'))) update();
    if (t === action) showFields();
  });

  form.addEventListener('submit', function (ev) {
    var n = 0, boxes = picks();
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
    if (n === 0) {
      ev.preventDefault();
      count.textContent = '请先勾选要办理的诉求';
    }
  });

  update();
  showFields();
})();
