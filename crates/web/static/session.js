// The session flowsheet's live parts, without a reload: the clinic clock, the minutes since the dose, each check's
// status (upcoming, due now, overdue) and the time fields a nurse has not touched, which follow the clock so a check
// saved later is not charted at the time the page was opened. The page works without this script; it only moves
// what the server already wrote. Served from the app's own origin, so the CSP's script-src 'self' allows it.
(function () {
  'use strict';
  var clock = document.getElementById('clinic-now');
  if (!clock) { return; }
  // The server's clock, not the device's, decides "now": the difference is measured once at load.
  var skew = Number(clock.getAttribute('data-now')) - Date.now();
  var zone = clock.getAttribute('data-zone');
  var parts = null;
  var shown = null;
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    shown = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  } catch (e) { parts = null; }

  function plural(n, noun) { return n + ' ' + noun + (n === 1 ? '' : 's'); }

  // "2026-11-27T04:45" on the clinic's clock, as a datetime-local field takes it.
  function inputValue(at) {
    var p = {};
    parts.formatToParts(at).forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute;
  }

  var fields = Array.prototype.slice.call(document.querySelectorAll('input[data-now-default]'));
  fields.forEach(function (field) {
    field.addEventListener('input', function () { field.removeAttribute('data-now-default'); });
  });

  function tick() {
    var now = Date.now() + skew;
    if (shown) { clock.textContent = 'Clinic time ' + shown.format(new Date(now)).replace(' at ', ', '); }
    var since = document.querySelector('[data-dose-at]');
    if (since) {
      since.textContent = plural(Math.max(0, Math.floor((now - Number(since.getAttribute('data-dose-at'))) / 60000)),
        'minute');
    }
    document.querySelectorAll('[data-due-at]').forEach(function (el) {
      var due = Number(el.getAttribute('data-due-at'));
      var late = Number(el.getAttribute('data-overdue-at'));
      el.textContent = now > late ? 'overdue' : (now >= due ? 'due now' : 'upcoming');
    });
    if (parts) {
      fields.forEach(function (field) {
        if (field.hasAttribute('data-now-default') && document.activeElement !== field) {
          field.value = inputValue(new Date(now));
        }
      });
    }
  }
  tick();
  window.setInterval(tick, 15000);
}());
