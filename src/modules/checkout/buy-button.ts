/**
 * `GET /tollgate.js`: drop-in buy buttons for any site. Every element with
 * `data-tollgate-price="<lookup key>"` (optionally `data-tollgate-email`) becomes a button that
 * shows a loading state, POSTs to this Tollgate's `/api/checkout-sessions` and redirects to
 * Checkout; a refusal with a page of its own (`error.details.next`: a used free trial, a plan the
 * buyer has) opens that page; other failures and timeouts show a visible message next to the button.
 * @module
 */

export const BUY_BUTTON_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : window.location.origin;
  var TIMEOUT_MS = 15000;

  function messageFor(el) {
    var next = el.nextElementSibling;
    if (next && next.hasAttribute('data-tollgate-error')) return next;
    var box = document.createElement('span');
    box.setAttribute('data-tollgate-error', '');
    box.setAttribute('role', 'alert');
    box.style.color = '#b42318';
    box.style.marginLeft = '8px';
    el.insertAdjacentElement('afterend', box);
    return box;
  }

  function fail(el, label, text) {
    el.removeAttribute('aria-busy');
    el.disabled = false;
    el.textContent = label;
    messageFor(el).textContent = text;
  }

  function buy(el) {
    if (el.getAttribute('aria-busy') === 'true') return;
    var label = el.textContent;
    var body = { price: el.getAttribute('data-tollgate-price') };
    var email = el.getAttribute('data-tollgate-email');
    if (email) body.email = email;
    el.setAttribute('aria-busy', 'true');
    el.disabled = true;
    el.textContent = 'Loading…';
    messageFor(el).textContent = '';
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    fetch(base + '/api/checkout-sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        clearTimeout(timer);
        if (res.ok && data.url) { window.location.assign(data.url); return; }
        // A refusal the buyer can act on (a used trial, a plan they have) has a page saying how.
        var next = data && data.error && data.error.details && data.error.details.next;
        if (typeof next === 'string' && next.indexOf(base + '/') === 0) { window.location.assign(next); return; }
        var msg = data && data.error && data.error.message ? data.error.message : 'Checkout could not start.';
        fail(el, label, msg);
      });
    }).catch(function (err) {
      clearTimeout(timer);
      var timedOut = err && err.name === 'AbortError';
      fail(el, label, timedOut ? 'The store took too long to answer. Please try again.' : 'Could not reach the store. Please try again.');
    });
  }

  function wire(el) {
    if (el.__tollgate) return;
    el.__tollgate = true;
    if (el.tagName === 'BUTTON' && !el.getAttribute('type')) el.setAttribute('type', 'button');
    el.addEventListener('click', function (event) { event.preventDefault(); buy(el); });
  }

  function init() {
    var els = document.querySelectorAll('[data-tollgate-price]');
    for (var i = 0; i < els.length; i++) wire(els[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
`
