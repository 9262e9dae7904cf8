// Relais desk: progressive enhancement only; every form works without it.
// 1. On the request form, suggestions from the knowledge base and the known
//    issues follow the typing (the "search the knowledge base" button does
//    the same on the server without scripts).
// 2. On the public form, the browser solves the proof of work so that people
//    need not answer the sum.
(function () {
  'use strict';
  var form = document.getElementById('new-ticket');
  if (form) {
    var box = document.getElementById('suggestions');
    var subject = document.getElementById('subject');
    var description = document.getElementById('description');
    var timer = null;
    var last = '';
    var ask = function () {
      var q = (subject.value + ' ' + description.value).trim();
      if (q === last || q.length < 3) return;
      last = q;
      fetch(box.getAttribute('data-suggest') + '?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : ''; })
        .then(function (html) { if (html && q === last) box.innerHTML = html; })
        .catch(function () {});
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(ask, 250); };
    subject.addEventListener('input', later);
    description.addEventListener('input', later);
  }
  var pub = document.getElementById('public-form');
  if (pub && window.crypto && window.crypto.subtle && window.TextEncoder) {
    var bits = parseInt(pub.getAttribute('data-pow-bits'), 10) || 16;
    var token = pub.querySelector('input[name="challenge"]').value;
    var out = pub.querySelector('input[name="pow"]');
    var enc = new TextEncoder();
    var zeros = function (buf) {
      var a = new Uint8Array(buf), n = 0;
      for (var i = 0; i < a.length; i++) {
        if (a[i] === 0) { n += 8; continue; }
        var b = a[i];
        while ((b & 0x80) === 0) { n++; b <<= 1; }
        break;
      }
      return n;
    };
    var counter = 0;
    var step = function () {
      var batch = [];
      for (var k = 0; k < 256; k++) {
        batch.push(crypto.subtle.digest('SHA-256', enc.encode(token + ':' + (counter + k))));
      }
      Promise.all(batch).then(function (hashes) {
        for (var k = 0; k < hashes.length; k++) {
          if (zeros(hashes[k]) >= bits) {
            out.value = String(counter + k);
            var sum = document.getElementById('sum-challenge');
            if (sum) sum.hidden = true;
            return;
          }
        }
        counter += 256;
        setTimeout(step, 0);
      });
    };
    step();
  }
})();
