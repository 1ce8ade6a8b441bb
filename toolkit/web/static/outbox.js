/* Medskapa outbox: feedback on a step is kept on the phone until the server has it.
   Without this script the form posts as usual. With it, a post is put in localStorage
   with its id, sent with fetch, and sent again with growing pauses (also when the phone
   comes back online and on the next page) until the server answers. The server stores
   each id once, so sending again is always safe. */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) return;
  var KEY = "medskapa-outbox";
  var memory = [];
  var delay = 1000;
  var timer = null;
  var busy = false;
  var form = document.querySelector("form[data-outbox]");
  var statusEl = form && form.querySelector(".feedback__status");

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return memory;
    }
  }

  function save(items) {
    memory = items;
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (e) { /* private mode: memory only */ }
  }

  function drop(id) {
    save(load().filter(function (item) { return item.id !== id; }));
  }

  function say(key) {
    if (statusEl) statusEl.textContent = statusEl.getAttribute("data-" + key) || "";
  }

  function uuid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
  }

  function flush() {
    if (busy) return;
    var items = load();
    if (!items.length) return;
    var item = items[0];
    busy = true;
    fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: item.body
    }).then(function (response) {
      busy = false;
      var s = response.status;
      if (s >= 500 || s === 408 || s === 429) throw new Error("retry");
      drop(item.id);  /* stored, or refused for good (4xx): never send it again */
      delay = 1000;
      if (item.here && response.ok) say("thanks");
      flush();
    }).catch(function () {
      busy = false;
      if (item.here) say("queued");
      later();
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var data = new URLSearchParams(new FormData(form));
      var rated = data.get("rating");
      var comment = (data.get("comment") || "").trim();
      if (!rated && !comment) return;  /* let the server say what is missing */
      event.preventDefault();
      var items = load().map(function (item) { item.here = false; return item; });
      items.push({ id: data.get("id"), url: form.action, body: data.toString(), here: true });
      save(items);
      form.reset();
      var idField = form.querySelector("input[name=id]");
      if (idField) idField.value = uuid();
      say(navigator.onLine === false ? "queued" : "");
      delay = 1000;
      flush();
    });
  }
  window.addEventListener("online", function () { delay = 1000; flush(); });
  flush();
})();
