// Drafts for long forms filled on a phone (the visit form): every field is kept in
// localStorage as it is typed, put back when the page is opened again, and forgotten only
// once the server has the record. The form opts in with data-draft="KEY"; fields with
// data-draft-skip (file inputs) and the CSRF token are never kept. No inline script is
// allowed, so this file is all there is.
(function () {
  'use strict';

  var form = document.querySelector('form[data-draft]');
  if (!form) return;
  var key = 'qinqing.draft.' + form.getAttribute('data-draft');
  var store;
  try {
    store = window.localStorage;
    store.getItem(key);
  } catch (e) {
    return; // private mode or storage switched off: the form still works without drafts
  }

  function kept(el) {
    return el.name && el.name !== '_csrf' && el.type !== 'file' && el.type !== 'hidden' &&
      el.type !== 'submit' && el.type !== 'button' && !el.hasAttribute('data-draft-skip');
  }

  // collect maps each field name to its values in document order; radios keep the one
  // checked, so repeated problem rows keep their order.
  function collect() {
    var out = {};
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!kept(el)) continue;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      (out[el.name] = out[el.name] || []).push(el.value);
    }
    return out;
  }

  function blank(data) {
    for (var name in data) {
      if (!Object.prototype.hasOwnProperty.call(data, name)) continue;
      for (var i = 0; i < data[name].length; i++) {
        if (data[name][i] !== '' && name !== 'mode' && name !== 'visited_at' && name !== 'problem_category') return false;
      }
    }
    return true;
  }

  function save() {
    var data = collect();
    try {
      if (blank(data)) store.removeItem(key);
      else store.setItem(key, JSON.stringify({saved: Date.now(), fields: data}));
    } catch (e) { /* storage full: keep going without the draft */ }
  }

  function clear() {
    try { store.removeItem(key); } catch (e) { /* nothing to clear */ }
  }

  function restore() {
    var raw = store.getItem(key);
    if (!raw) return false;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { clear(); return false; }
    var fields = draft && draft.fields;
    if (!fields) return false;
    // A page opened for one enterprise (from its dossier) does not take another's draft;
    // that draft stays stored for when its own form is opened.
    var picked = form.querySelector('select[name="enterprise_id"]');
    var drafted = (fields.enterprise_id || [''])[0];
    if (picked && picked.value && drafted && picked.value !== drafted) return false;
    // Repeated rows (problems) are added from their template until there are as many as
    // the draft had, without the focus that a click on "add" would move.
    var tpl = document.getElementById('problem-template');
    var list = document.getElementById('problems');
    var rows = Math.min((fields.problem_title || []).length, 50);
    while (tpl && list && list.querySelectorAll('[name="problem_title"]').length < rows) {
      list.appendChild(tpl.content.cloneNode(true));
    }
    if (list) {
      var numbers = list.querySelectorAll('[data-problem-number]');
      for (var k = 0; k < numbers.length; k++) numbers[k].textContent = String(k + 1);
    }
    var seen = {};
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!kept(el) || !fields[el.name]) continue;
      if (el.type === 'radio' || el.type === 'checkbox') {
        el.checked = fields[el.name].indexOf(el.value) >= 0;
        continue;
      }
      var n = seen[el.name] || 0;
      seen[el.name] = n + 1;
      if (n < fields[el.name].length) el.value = fields[el.name][n];
    }
    return true;
  }

  function show(sel, on) {
    var el = form.querySelector(sel);
    if (el) el.hidden = !on;
  }

  // A page the server sent back with errors holds what was just submitted: that is
  // newer than the draft, so it becomes the draft.
  if (document.querySelector('.alert-error:not([data-draft-offline])')) save();
  else if (restore()) show('[data-draft-note]', true);

  form.addEventListener('input', save);
  form.addEventListener('change', save);
  form.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    if (t.closest('[data-draft-discard]')) {
      clear();
      form.reset();
      show('[data-draft-note]', false);
    } else if (t.closest('[data-remove-problem]')) {
      // The row leaves the page after this click's other listeners have run.
      window.setTimeout(save, 0);
    }
  });

  // The form is sent with fetch so that a lost connection leaves the user on the page,
  // told what happened, with the draft intact. The server answers a draft submit that
  // succeeded with 204 and the address of the new record; anything else (a field to fix)
  // is sent again the ordinary way, so the server's own page shows the errors.
  var sending = false;
  form.addEventListener('submit', function (ev) {
    if (form.hasAttribute('data-draft-native') || !window.fetch || !window.FormData) return;
    ev.preventDefault();
    if (sending) return;
    sending = true;
    save();
    show('[data-draft-offline]', false);
    var button = form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    var done = function () {
      sending = false;
      if (button) button.disabled = false;
    };
    window.fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      credentials: 'same-origin',
      headers: {'X-Draft-Submit': '1'}
    }).then(function (res) {
      var next = res.headers.get('X-Location');
      if (res.status === 204 && next && next.charAt(0) === '/' && next.charAt(1) !== '/') {
        clear();
        window.location.assign(next);
        return;
      }
      done();
      form.setAttribute('data-draft-native', '');
      form.submit();
    }, function () {
      done();
      show('[data-draft-offline]', true);
      var note = form.querySelector('[data-draft-offline]');
      if (note && note.scrollIntoView) note.scrollIntoView({block: 'center'});
    });
  });
})();
