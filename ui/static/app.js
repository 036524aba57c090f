// Small behaviours that pages opt into with data- attributes; no inline script is allowed.
document.addEventListener('submit', function (ev) {
  var form = ev.target;
  var msg = form.getAttribute && form.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) ev.preventDefault();
}, true);
