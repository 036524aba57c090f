// The ledger's small behaviours, opted into with data- attributes (no inline script is
// allowed): add and remove problem rows on the visit form, and print a page.
(function () {
  'use strict';

  function renumber(list) {
    var rows = list.querySelectorAll('.problem');
    for (var i = 0; i < rows.length; i++) {
      var n = rows[i].querySelector('[data-problem-number]');
      if (n) n.textContent = String(i + 1);
    }
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    if (t.closest('[data-add-problem]')) {
      var list = document.getElementById('problems');
      var tpl = document.getElementById('problem-template');
      if (!list || !tpl) return;
      list.appendChild(tpl.content.cloneNode(true));
      renumber(list);
      var rows = list.querySelectorAll('.problem');
      var first = rows[rows.length - 1].querySelector('input');
      if (first) first.focus();
      return;
    }
    var remove = t.closest('[data-remove-problem]');
    if (remove) {
      var row = remove.closest('.problem');
      var parent = row && row.parentNode;
      if (!row || !parent) return;
      parent.removeChild(row);
      renumber(parent);
      return;
    }
    if (t.closest('[data-print]')) window.print();
  });
})();
