// 职称申报 — the applicant's form pages: autosave with a version check, an unsaved copy kept
// in this browser, uploads with a progress bar and a refusal in plain words, and fields shown
// only when they apply. The reviewer's page uses the uploads for the unit's own reports.
// Every page works without it (strict CSP: no inline script).
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  var MAX = 2 * 1024 * 1024; // R-APP-01: 2 MB per file
  var MAX_FILES = 10;
  var form = document.getElementById('module-form');
  var dirty = false;      // the module form has edits not yet saved
  var inflight = null;    // the autosave request under way (a promise)
  var stopped = false;    // a conflict: autosave must not overwrite another tab's save
  var leaving = false;    // a normal submit is under way
  var timer = null;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function each(sel, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(sel), fn); }
  function mb(n) { return (n / 1024 / 1024).toFixed(2) + ' MB'; }

  function setVersion(v) {
    if (!v) return;
    each('input.js-version', function (i) { i.value = v; });
  }
  function currentVersion() {
    var i = $('input.js-version');
    return i ? i.value : '';
  }

  // The text of a JSON error of the server: every problem, each with its fix.
  function errorText(data, status) {
    if (!data || !data.error) {
      if (status === 401) return '登录已过期，请重新登录后再试';
      if (status === 413) return '文件过大：每个文件不超过 2 MB';
      return '操作未成功（' + status + '），请稍后重试';
    }
    var ds = data.error.details || [{ message: data.error.message }];
    return ds.map(function (d) {
      return d.message.replace(/。$/, '') + (d.fix ? '（' + d.fix.replace(/。$/, '') + '）' : '');
    }).join('；');
  }
  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  // ---- (1) Autosave of the module form, and its unsaved copy in this browser ----
  var statusEl = $('#autosave-status');
  function setStatus(text, cls) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = 'autosave-status' + (cls ? ' ' + cls : '');
  }
  function own(el) {
    return el && el.form === form && el.name && el.name !== 'version' && el.name !== 'action' &&
      el.type !== 'file' && el.type !== 'submit' && el.type !== 'button';
  }
  // The form's values by name, in page order; checkboxes as '1' or ''.
  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!own(el)) return;
      var v = el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value;
      (out[el.name] = out[el.name] || []).push(v);
    });
    return out;
  }
  function restore(saved) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!own(el) || el.type === 'hidden') return;
      var i = seen[el.name] = (seen[el.name] || 0);
      seen[el.name]++;
      var vs = saved[el.name];
      if (!vs || i >= vs.length) return;
      if (el.type === 'checkbox') el.checked = vs[i] === '1';
      else el.value = vs[i];
    });
  }

  var key = form ? 'zc-draft-' + form.dataset.app + '-' + form.dataset.module : '';
  function backup() {
    try { localStorage.setItem(key, JSON.stringify({ t: Date.now(), values: values() })); } catch (e) { /* private mode: fine */ }
  }
  function clearBackup() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
  function readBackup() { try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { return null; } }

  // stop ends autosaving: on a conflict (409), so as not to overwrite another tab's save, or
  // when the server refuses any change (403: the window has closed, R-CAL-02).
  function stop(data, closed) {
    stopped = true;
    clearTimeout(timer);
    var bar = $('#conflict-bar');
    var why = data && data.error && data.error.message ? data.error.message.replace(/。$/, '') : '';
    if (bar) {
      if (closed) {
        $('h2', bar).textContent = '本页内容未保存';
        $('#conflict-text', bar).textContent = (why || '申报已不能修改') + '。本页填写的内容已暂存在本机。';
        $('#conflict-save', bar).hidden = true;
      } else if (why) {
        $('#conflict-text', bar).textContent = why + '。为避免覆盖其他页面的修改，已停止自动保存；本页填写的内容仍在，并已暂存在本机。';
      }
      bar.hidden = false;
      bar.scrollIntoView({ block: 'center' });
    }
    setStatus(closed ? '本页内容未保存：' + why : '本页内容未保存：申报表已在其他页面或设备上修改', 'bad');
  }

  // save sends the form as it is now; it resolves to true when saved.
  function save() {
    if (stopped) return Promise.resolve(false);
    if (inflight) return inflight.then(function () { return dirty ? save() : true; });
    clearTimeout(timer);
    if (!dirty) return Promise.resolve(true);
    dirty = false;
    var body = new URLSearchParams(new FormData(form));
    setStatus('正在保存…');
    // getAttribute: the form's buttons are named "action", which shadows form.action.
    inflight = fetch(form.getAttribute('action'), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { 'X-Autosave': '1', 'Accept': 'application/json' }
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = parse(text);
        if (res.ok && data) {
          setVersion(data.version);
          if (!dirty) clearBackup();
          setStatus('已自动保存 ' + data.saved_at_text, 'saved');
          return true;
        }
        dirty = true;
        if (res.status === 409) { stop(data); return false; }
        if (res.status === 401) {
          setStatus('登录已过期：内容已暂存在本机。请在新标签页重新登录后回到本页，点击“保存”。', 'bad');
          return false;
        }
        if (res.status === 403 && data && data.error) { stop(data, true); return false; }
        setStatus('自动保存未成功：' + errorText(data, res.status) + '。内容已暂存在本机，修改后将再次保存。', 'bad');
        return false;
      });
    }, function () {
      dirty = true;
      setStatus('网络中断，内容已暂存在本机；恢复网络后将自动保存。', 'bad');
      timer = setTimeout(save, 10000);
      return false;
    }).then(function (ok) { inflight = null; return ok; });
    return inflight;
  }
  // flush saves pending edits before an upload or a change of files, so nothing typed is
  // lost when the page reloads and the version sent is the current one.
  function flush() {
    if (!form || (!dirty && !inflight)) return Promise.resolve(true);
    return save();
  }

  function resubmit(f, submitter) {
    if (submitter) {
      var action = submitter.getAttribute('formaction');
      if (action) f.setAttribute('action', action);
      if (submitter.name) {
        var h = document.createElement('input');
        h.type = 'hidden';
        h.name = submitter.name;
        h.value = submitter.value;
        f.appendChild(h);
      }
    }
    leaving = true;
    HTMLFormElement.prototype.submit.call(f);
  }

  if (form) {
    var onEdit = function (e) {
      if (!own(e.target)) return;
      var field = e.target.closest('.field');
      if (field) each('.field-todo', function (p) { p.hidden = true; }, field);
      dirty = true;
      backup();
      if (stopped) return;
      setStatus('有未保存的修改，稍后自动保存…');
      clearTimeout(timer);
      timer = setTimeout(save, 3000);
    };
    form.addEventListener('input', onEdit);
    form.addEventListener('change', onEdit);
    // On the document, after app.js's confirmation (deferred scripts run in order), so that
    // a cancelled "删除本条" changes nothing here.
    document.addEventListener('submit', function (e) {
      if (e.target !== form || e.defaultPrevented) return;
      clearTimeout(timer);
      if (inflight) { // wait for the autosave, so this save names the version it produced
        e.preventDefault();
        var sub = e.submitter;
        inflight.then(function () { resubmit(form, sub); });
        return;
      }
      leaving = true;
    });
    window.addEventListener('beforeunload', function (e) {
      if ((dirty || inflight) && !leaving) {
        backup();
        e.preventDefault();
        e.returnValue = '';
      }
    });

    // An unsaved copy from an earlier visit (closed tab, lost connection): offer it.
    var saved = readBackup();
    if (saved && saved.values) {
      var same = JSON.stringify(saved.values) === JSON.stringify(values());
      var refused = $('#errors') || $('#conflict');
      if (same && !refused) {
        clearBackup();
      } else if (!same) {
        var bar = $('#restore-bar');
        var at = new Date(saved.t);
        var hhmm = ('0' + at.getHours()).slice(-2) + ':' + ('0' + at.getMinutes()).slice(-2);
        $('#restore-text').textContent = '本机保存有 ' + (at.toDateString() === new Date().toDateString() ? '今天 ' : at.toLocaleDateString() + ' ') +
          hhmm + ' 填写、尚未保存到服务器的内容（可能因网络中断或页面关闭）。是否恢复？';
        bar.hidden = false;
        $('#restore-yes').addEventListener('click', function () {
          restore(saved.values);
          bar.hidden = true;
          dirty = true;
          backup();
          each('[data-when]', toggleWhen);
          setStatus('已恢复本机保存的内容，正在保存…');
          save();
        });
        $('#restore-no').addEventListener('click', function () { clearBackup(); bar.hidden = true; });
      }
    }
  }

  // Leaving by a link (the next module, the check page) saves typed edits first.
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href]');
    if (!form || !a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey ||
        a.target === '_blank' || a.origin !== location.origin || (!dirty && !inflight) || stopped) return;
    if (a.pathname === location.pathname && a.hash) return;
    e.preventDefault();
    save().then(function (ok) {
      if (ok || window.confirm('本页有未保存的内容（已暂存在本机，回到本页时可恢复），仍要离开吗？')) {
        leaving = true;
        location.href = a.href;
      }
    });
  });

  // Forms that reload the page (delete, reorder, combine): save typed edits first.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (e.defaultPrevented || !f.classList.contains('js-flush') || !form || (!dirty && !inflight)) return;
    e.preventDefault();
    var sub = e.submitter;
    flush().then(function () { resubmit(f, sub); });
  });

  // ---- (2) Uploads: checked here first, sent with a progress bar, the slot refreshed ----
  function message(box, text, cls) {
    var m = $('.upload-msg', box);
    if (!m) return;
    m.textContent = text;
    m.className = 'upload-msg' + (cls ? ' ' + cls : '');
  }
  function precheck(files, combine) {
    var problems = [];
    if (files.length > MAX_FILES) problems.push('一次最多上传 ' + MAX_FILES + ' 个文件，请分几次上传');
    var total = 0;
    files.forEach(function (f) {
      var name = f.name.toLowerCase();
      var jpeg = /\.jpe?g$/.test(name) || f.type === 'image/jpeg';
      var pdf = /\.pdf$/.test(name) || f.type === 'application/pdf';
      total += f.size;
      if (!jpeg && !pdf) {
        problems.push('“' + f.name + '”不是 JPG、JPEG 或 PDF 文件，不能上传');
      } else if (combine && !jpeg) {
        problems.push('合并为 PDF 只支持 JPG 图片，“' + f.name + '”不是图片，请取消合并或单独上传');
      } else if (f.size > MAX) {
        problems.push('“' + f.name + '”大小 ' + mb(f.size) + '，超过 2 MB 上限，请压缩或降低扫描分辨率后再上传');
      } else if (f.size === 0) {
        problems.push('“' + f.name + '”是空文件');
      }
    });
    if (combine && files.length > 1 && total > MAX) {
      problems.push('所选图片合计 ' + mb(total) + '，合并后会超过 2 MB，请减少图片或先压缩');
    }
    return problems.join('；');
  }

  // refreshSlot replaces a slot (and the module navigation, and any part of the page marked
  // data-refresh, such as the reviewer's actions) with the page as stored now.
  function refreshSlot(id, text) {
    return fetch(location.pathname, { credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      each('[data-refresh]', function (el) {
        var f = doc.getElementById(el.id);
        if (f) el.replaceWith(document.importNode(f, true));
      });
      var fresh = doc.getElementById(id);
      var old = document.getElementById(id);
      if (fresh && old) {
        old.replaceWith(document.importNode(fresh, true));
        var box = $('#' + id + ' .upload');
        if (box) {
          var p = $('.upload-progress', box);
          p.hidden = false;
          p.value = 100;
          p.classList.add('done');
          message(box, text, 'ok');
        }
      }
      var nav = doc.getElementById('module-nav');
      var oldNav = document.getElementById('module-nav');
      if (nav && oldNav) oldNav.replaceWith(document.importNode(nav, true));
    }).catch(function () { location.reload(); });
  }

  function upload(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) return;
    var box = input.closest('.upload');
    var slot = input.closest('.slot');
    var target = document.getElementById(input.getAttribute('form'));
    if (!box || !slot || !target) return;
    var multi = box.dataset.multi === '1';
    var combineBox = $('input[name=combine]', box);
    var combine = (combineBox && combineBox.checked) || (!multi && files.length > 1);
    var problem = precheck(files, combine);
    if (problem) {
      message(box, problem + '。', 'bad');
      input.value = '';
      return;
    }
    var progress = $('.upload-progress', box);
    progress.hidden = false;
    progress.value = 0;
    message(box, '正在上传…');
    flush().then(function () {
      var fd = new FormData();
      fd.append('version', currentVersion());
      fd.append('slot', target.dataset.slot);
      if (combine) fd.append('combine', '1');
      files.forEach(function (f) { fd.append('file', f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', target.getAttribute('action'));
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.round(e.loaded * 100 / e.total);
        progress.value = Math.min(pct, 99);
        message(box, pct < 100 ? '正在上传 ' + pct + '%' : '已上传，正在检查文件…');
      });
      xhr.addEventListener('load', function () {
        var data = parse(xhr.responseText);
        if (xhr.status === 200 && data) {
          progress.value = 100;
          setVersion(data.version);
          var n = (data.files || []).length;
          message(box, '上传完成', 'ok');
          refreshSlot(slot.id, '上传完成：' + (combine && files.length > 1 ? files.length + ' 张图片已合并为一个 PDF' : '已上传 ' + n + ' 个文件') + '。');
          return;
        }
        progress.hidden = true;
        input.value = '';
        message(box, '未能上传：' + errorText(data, xhr.status) + '。', 'bad');
        if (xhr.status === 409 && form) stop(data);
      });
      xhr.addEventListener('error', function () {
        progress.hidden = true;
        input.value = '';
        message(box, '上传失败：网络中断或文件过大。请确认每个文件不超过 2 MB 后重试。', 'bad');
      });
      xhr.send(fd);
    });
  }

  document.addEventListener('change', function (e) {
    if (e.target.matches && e.target.matches('input.upload-input')) upload(e.target);
  });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (e.defaultPrevented || !f.classList.contains('upload-form')) return;
    e.preventDefault();
    var input = document.querySelector('input.upload-input[form="' + f.id + '"]');
    if (input) upload(input);
  });

  // ---- (3) Fields that apply only to some answers (转系列, 破格, 批示类/采纳类…) ----
  function controlValue(name) {
    var els = document.getElementsByName(name);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === 'checkbox') return el.checked ? '1' : '';
      if (el.type !== 'hidden') return el.value;
    }
    return null;
  }
  function toggleWhen(el) {
    var v = controlValue(el.dataset.when);
    if (v === null) return;
    var show = el.dataset.whenValues.split('|').indexOf(v) >= 0 || !!$('.field-error', el);
    el.hidden = !show;
  }
  each('[data-when]', toggleWhen);
  document.addEventListener('change', function () { each('[data-when]', toggleWhen); });

  // ---- (4) The summary's counter (R-APP-07: at most 800 characters, line breaks not counted) ----
  each('textarea[data-count-max]', function (ta) {
    var max = parseInt(ta.dataset.countMax, 10);
    var out = document.getElementById('summary-count');
    var update = function () {
      var n = Array.from(ta.value.replace(/[\r\n]/g, '')).length;
      if (!out) return;
      out.querySelector('strong').textContent = n;
      out.classList.toggle('counter-over', n > max);
      out.lastChild.textContent = ' / ' + max + ' 字（换行不计）' + (n > max ? '，超出 ' + (n - max) + ' 字' : '');
    };
    ta.addEventListener('input', update);
    update();
  });

  // The module navigation scrolls sideways on phones: show the current page's link.
  var cur = $('#module-nav a.current');
  if (cur) {
    var nav = $('#module-nav');
    nav.scrollLeft = Math.max(0, cur.offsetLeft - nav.offsetLeft - 16);
  }

  // ---- (5) A link to a field (from the check page) puts the cursor in it ----
  if (location.hash.length > 1) {
    var t = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) && !t.closest('[hidden]')) {
      t.focus({ preventScroll: true });
    }
  }
})();
