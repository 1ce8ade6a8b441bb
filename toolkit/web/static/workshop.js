/* Medskapa workshop page: notes and votes survive a flaky connection, and the page follows
   the facilitator. Without this script every form posts as usual and the page has a reload
   link. With it:
   - a note or vote is put in localStorage with the id the form carries, sent with fetch,
     and sent again with growing pauses (and when the phone is back online, and from the
     next page) until the server answers. The server stores each id once.
   - every 3 s while the page is visible it asks /w/<code>/state; the timer text is updated
     in place, and the page reloads only when the version changed (never while a note is
     being written: it waits until the note is sent). */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !window.FormData) return;
  var root = document.getElementById("ws");
  if (!root) return;
  var KEY = "medskapa-ws-outbox";
  var memory = [];
  var delay = 1000;
  var timer = null;
  var busy = false;
  var wanted = false;
  var version = root.getAttribute("data-version");
  var stateUrl = root.getAttribute("data-state");
  var statusEl = document.getElementById("ws-status");
  var noteForm = document.querySelector("form[data-ws-note]");
  var noteStatus = noteForm && noteForm.querySelector(".ws-note__status");
  var mine = document.querySelector("[data-ws-mine]");

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

  function uuid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function say(el, text) {
    if (el) el.textContent = text || "";
  }

  function word(el, key) {
    return (el && el.getAttribute("data-" + key)) || "";
  }

  function typing() {
    var area = noteForm && noteForm.querySelector("textarea");
    return !!(area && area.value.trim());
  }

  function refresh() {
    if (busy || typing()) {
      wanted = true;
      if (typing()) say(statusEl, word(statusEl, "changed"));
      return;
    }
    window.location.replace(window.location.pathname);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 30000);
  }

  function pending(id) {
    return mine && mine.querySelector('[data-id="' + id + '"]');
  }

  function settled(item, ok, data) {
    if (item.kind === "vote") {
      if (!item.here) return;
      if (ok) { window.location.reload(); return; }
      say(statusEl, data.error);
      var form = document.querySelector('form[data-sent="' + item.id + '"]');
      if (form) {
        var again = form.querySelector("button");
        again.textContent = again.getAttribute("data-label");
        again.removeAttribute("aria-disabled");
        form.removeAttribute("data-sent");
      }
      return;
    }
    var li = pending(item.id);
    if (ok) {
      if (li) { var wait = li.querySelector(".ws-wait"); if (wait) li.removeChild(wait); }
      if (item.here) say(noteStatus, word(noteStatus, "thanks"));
    } else {
      if (li) li.parentNode.removeChild(li);
      if (item.here && noteForm) {
        var area = noteForm.querySelector("textarea");
        if (area && !area.value.trim()) area.value = item.text;
        var radio = noteForm.querySelector('input[name=kind][value="' + item.note + '"]');
        if (radio) radio.checked = true;
        say(noteStatus, data.error);
      }
    }
    if (wanted) refresh();
  }

  function queued(item) {
    if (!item.here) return;
    if (item.kind === "vote") {
      var button = document.querySelector('form[data-sent="' + item.id + '"] button');
      if (button) button.textContent = button.getAttribute("data-queued");
      return;
    }
    say(noteStatus, word(noteStatus, "queued"));
    var li = pending(item.id);
    if (li && !li.querySelector(".ws-wait")) {
      var wait = document.createElement("span");
      wait.className = "ws-meta ws-wait";
      wait.textContent = " (" + word(noteStatus, "waiting") + ")";
      li.appendChild(wait);
    }
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
      var s = response.status;
      if (s >= 500 || s === 408 || s === 429) throw new Error("retry");
      return response.json().catch(function () { return {}; }).then(function (data) {
        busy = false;
        drop(item.id);  /* stored, or refused for good (4xx): never send it again */
        delay = 1000;
        try { settled(item, response.ok, data || {}); } finally { flush(); }
      });
    }).catch(function () {
      busy = false;
      queued(item);
      later();
    });
  }

  function push(item) {
    var items = load().map(function (old) { old.here = false; return old; });
    if (items.some(function (old) { return old.id === item.id; })) return false;
    items.push(item);
    save(items);
    delay = 1000;
    return true;
  }

  if (noteForm) {
    var select = noteForm.querySelector("select[name=step]");
    try {
      var remembered = window.sessionStorage.getItem("medskapa-ws-step");
      if (select && !select.value && remembered) select.value = remembered;
    } catch (e) { /* no session storage */ }
    noteForm.addEventListener("submit", function (event) {
      var data = new URLSearchParams(new FormData(noteForm));
      var text = (data.get("text") || "").trim();
      var kind = noteForm.querySelector("input[name=kind]:checked") ||
        noteForm.querySelector("input[type=hidden][name=kind]");
      if (!text || (select && !select.value) || !kind) return;  /* the server says what is missing */
      event.preventDefault();
      var id = data.get("id");
      push({ id: id, url: noteForm.action, body: data.toString(), kind: "note", here: true, text: text, note: kind.value });
      try { if (select) window.sessionStorage.setItem("medskapa-ws-step", select.value); } catch (e) { /* fine */ }
      if (mine) {
        var li = document.createElement("li");
        li.className = "ws-mine__item";
        li.setAttribute("data-id", id);
        if (kind.type === "radio") {
          var tag = document.createElement("strong");
          var label = noteForm.querySelector('label[for="' + kind.id + '"]');
          tag.className = "ws-kind ws-kind--" + kind.value;
          tag.textContent = label ? label.textContent : kind.value;
          li.appendChild(tag);
          var where = document.createElement("span");
          where.className = "ws-meta";
          where.textContent = " " + (select ? select.options[select.selectedIndex].text : "");
          li.appendChild(where);
          li.appendChild(document.createElement("br"));
        }
        li.appendChild(document.createTextNode(text));
        mine.insertBefore(li, mine.firstChild);
        var none = document.querySelector(".ws-mine__none");
        if (none) none.parentNode.removeChild(none);
      }
      noteForm.querySelector("textarea").value = "";
      if (kind.type === "radio") kind.checked = false;
      noteForm.querySelector("input[name=id]").value = uuid();
      say(noteStatus, word(noteStatus, "sending"));
      flush();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-ws-vote]"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("data-sent")) return;  /* a double tap is one vote */
      var data = new URLSearchParams(new FormData(form));
      var button = form.querySelector("button");
      form.setAttribute("data-sent", data.get("id"));
      button.setAttribute("data-label", button.textContent);
      button.setAttribute("aria-disabled", "true");
      button.textContent = button.getAttribute("data-sending");
      push({ id: data.get("id"), url: form.action, body: data.toString(), kind: "vote", here: true });
      flush();
    });
  });

  function poll() {
    if (document.visibilityState === "hidden" || !stateUrl) return;
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) return { version: "gone" };
        if (!response.ok) throw new Error("later");
        return response.json();
      })
      .then(function (state) {
        var clock = document.querySelector("[data-timer]");
        if (clock && state.timer !== undefined) {
          clock.textContent = state.timer || "";
          clock.hidden = !state.timer;
        }
        if (state.version !== version) refresh();
      })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  window.addEventListener("online", function () { delay = 1000; flush(); });
  document.addEventListener("visibilitychange", poll);
  setInterval(poll, 3000);
  flush();
})();
