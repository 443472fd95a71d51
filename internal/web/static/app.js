// 职称申报评审信息系统 — small progressive enhancements; every page works without them.
// Loaded with defer from /static (strict CSP: no inline scripts or handlers).
(function () {
  'use strict';

  // (1) Ask before destructive actions: a submit button (or form) with data-confirm="…".
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var btn = e.submitter || form.querySelector('[data-confirm]');
    var msg = (btn && btn.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  // (2) "显示/隐藏密码" for password inputs marked data-toggle-password.
  document.querySelectorAll('input[data-toggle-password]').forEach(function (input) {
    var wrap = document.createElement('div');
    wrap.className = 'pw-wrap';
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'pw-toggle';
    btn.textContent = '显示';
    btn.setAttribute('aria-label', '显示/隐藏密码');
    btn.setAttribute('aria-pressed', 'false');
    if (input.id) btn.setAttribute('aria-controls', input.id);
    btn.addEventListener('click', function () {
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      btn.textContent = show ? '隐藏' : '显示';
      btn.setAttribute('aria-pressed', show ? 'true' : 'false');
      input.focus();
    });
    wrap.appendChild(btn);
  });
  // Never let a shown password be submitted as a visible text field kept by the browser.
  document.addEventListener('submit', function (e) {
    e.target.querySelectorAll('input[data-toggle-password]').forEach(function (i) { i.type = 'password'; });
  });

  // (3) Copy to clipboard: <button data-copy="#selector">.
  document.querySelectorAll('[data-copy]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var target = document.querySelector(btn.getAttribute('data-copy'));
      if (!target) return;
      var text = (target.value !== undefined ? target.value : target.textContent).trim();
      var label = btn.textContent;
      var done = function (ok) {
        btn.textContent = ok ? '已复制' : '已选中，请手动复制';
        setTimeout(function () { btn.textContent = label; }, 2500);
      };
      var selectAndCopy = function () { // older browsers, or clipboard permission refused
        var range = document.createRange();
        range.selectNodeContents(target);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { return document.execCommand('copy'); } catch (err) { return false; }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(selectAndCopy()); });
      } else {
        done(selectAndCopy());
      }
    });
  });

  // Bring the error summary into view so that screen readers and phones see it first.
  var errors = document.getElementById('errors');
  if (errors && errors.tabIndex === -1) errors.focus();
})();
