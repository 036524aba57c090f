// Small behaviours that pages opt into with data- attributes; no inline script is allowed.
document.addEventListener('submit', function (ev) {
  var form = ev.target;
  var msg = form.getAttribute && form.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) ev.preventDefault();
}, true);

// A form that failed is shown again in the answer to its POST: show the page's own
// address instead, so that a refresh reloads the page rather than posting again.
(function () {
  var u = document.body && document.body.getAttribute('data-page-url');
  if (!u || u.charAt(0) !== '/' || u.charAt(1) === '/' || !window.history || !history.replaceState) return;
  if (location.pathname + location.search !== u) history.replaceState(null, '', u + location.hash);
})();

// A field required only for one choice (a 不通过 verdict needs its note) is required
// while that choice is picked: data-required-if="name=value".
document.addEventListener('change', function (ev) {
  var form = ev.target && ev.target.form;
  if (!form) return;
  form.querySelectorAll('[data-required-if]').forEach(function (el) {
    var rule = el.getAttribute('data-required-if').split('=');
    var picked = form.querySelector('[name="' + rule[0] + '"]:checked');
    el.required = !!picked && picked.value === rule[1];
  });
});
