// The report page's print button (no inline script is allowed).
document.addEventListener('click', function (ev) {
  if (ev.target.closest && ev.target.closest('[data-print]')) window.print();
});
