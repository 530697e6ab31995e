/* The survey form that survives a flaky network (surveys/pages.py respond).
 *
 * What is typed is kept in localStorage as a draft. "Save" moves the response to an outbox
 * on the device and sends it; a response that cannot be sent stays in the outbox and is sent
 * again when the browser is back online (and every 20 s). Each response carries the key it was
 * given when it was started (client_key); the server stores a key once, so a response sent
 * twice (an answer lost on the way back) is still stored exactly once.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-survey]");
  if (!form || !window.localStorage || !window.fetch) return;
  var DRAFT = "kc-survey-draft-" + form.dataset.campaign;
  var OUTBOX = "kc-survey-outbox";
  var statusBox = document.getElementById("offline-status");
  var sentList = document.getElementById("offline-sent");
  var errorBox = document.getElementById("form-errors");
  var text = JSON.parse(document.getElementById("offline-messages").textContent);
  var flushing = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function read(name, fallback) {
    try { return JSON.parse(localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
  }
  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") data[name] = value;
    });
    return data;
  }
  function fill(data) {
    Object.keys(data).forEach(function (name) {
      var input = form.elements[name];
      if (input && input.type !== "file") input.value = data[name];
    });
  }
  function csrfToken() {
    // The cookie is current even when this page is older than the last login.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.elements.csrfmiddlewaretoken.value;
  }
  function saveDraft() { localStorage.setItem(DRAFT, JSON.stringify(fields())); }
  function outbox() { return read(OUTBOX, []); }
  function setOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); show(); }
  function say(message) {
    statusBox.hidden = !message;
    statusBox.textContent = message || "";
  }
  function show() {
    var waiting = outbox().length;
    if (waiting) say(text.waiting.replace("%s", waiting));
  }
  function without(key) {
    return outbox().filter(function (item) { return item.data.client_key !== key; });
  }
  function showErrors(errors) {
    errorBox.innerHTML = "";
    var title = document.createElement("p");
    title.textContent = text.errors;
    errorBox.appendChild(title);
    Object.keys(errors).forEach(function (name) {
      var input = form.elements[name];
      var label = input && input.labels && input.labels.length ? input.labels[0].textContent + ": " : "";
      errors[name].forEach(function (message) {
        var line = document.createElement("p");
        line.textContent = label + message;
        errorBox.appendChild(line);
      });
    });
    errorBox.hidden = false;
    errorBox.scrollIntoView();
  }
  function received(body) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = body.url;
    link.textContent = body.establishment;
    item.appendChild(link);
    sentList.appendChild(item);
    say(text.sent.replace("%s", body.establishment));
  }

  function flush() {
    if (flushing) return Promise.resolve();
    var items = outbox();
    if (!items.length) return Promise.resolve();
    flushing = true;
    var item = items[0];
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: new URLSearchParams(item.data)
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (json && (response.status === 200 || response.status === 201)) {
        return response.json().then(function (body) {
          setOutbox(without(item.data.client_key));
          received(body);
          return true;
        });
      }
      if (json && response.status === 400) {
        return response.json().then(function (body) {
          // Back to the form to be corrected; the key stays, so it is still stored once.
          setOutbox(without(item.data.client_key));
          fill(item.data);
          saveDraft();
          showErrors(body.errors || {});
          return false;
        });
      }
      say(response.status === 403 || response.redirected ? text.login : text.retry);
      return false;
    }, function () {
      say(text.offline);
      return false;
    }).then(function (more) {
      flushing = false;
      if (more) return flush();
    });
  }

  var draft = read(DRAFT, null);
  if (draft && !form.querySelector(".has-error")) fill(draft);
  if (!form.elements.client_key.value) form.elements.client_key.value = newKey();
  saveDraft();
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var data = fields();
    var items = without(data.client_key);
    items.push({ url: form.action || window.location.href, data: data });
    setOutbox(items);
    var commune = form.elements.commune.value;
    var day = form.elements.collected_on.value;
    form.reset();
    form.elements.commune.value = commune;
    form.elements.collected_on.value = day;
    form.elements.client_key.value = newKey();
    saveDraft();
    say(text.queued);
    window.scrollTo(0, 0);
    flush();
  });
  if ("serviceWorker" in navigator && form.dataset.worker) {
    // Lets the form open again without a network (surveys/static/surveys/sw.js).
    var registered = navigator.serviceWorker.register(form.dataset.worker).then(function () {
      return navigator.serviceWorker.ready;
    });
    // The worker only sees the requests made after it starts: on the first visit this page
    // and its files were fetched before it, so they are kept here, at once. Opened once
    // online, the form opens again in the field without a network.
    var kept = !navigator.onLine || !window.caches ? Promise.reject() : caches.open(form.dataset.cache).then(function (cache) {
      var urls = [window.location.pathname];
      document.querySelectorAll("link[rel~=stylesheet][href], link[rel~=icon][href], script[src]").forEach(function (node) {
        var url = new URL(node.href || node.src, window.location.href);
        if (url.origin === window.location.origin) urls.push(url.pathname + url.search);
      });
      return cache.addAll(urls);
    });
    Promise.all([registered, kept]).then(function () {
      document.documentElement.setAttribute("data-offline-ready", "1");
      if (!outbox().length) say(text.ready);
    }).catch(function () {});
  }
  window.addEventListener("online", flush);
  setInterval(flush, 20000);
  show();
  flush();
})();
