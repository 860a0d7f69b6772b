/*
 * Folio's Print/PDF button, as progressive enhancement. The markup a blog pastes is a
 * plain link, which works with JavaScript off (and caches well on a CDN):
 *
 *   <a data-folio-button href="https://folio.example/v1/render?url=https%3A%2F%2Fblog.example%2Fposts%2Fhello.md">Print/PDF</a>
 *   <script src="https://folio.example/button.js" defer></script>
 *
 * This script upgrades it: the PDF opens in a new tab that shows "Preparing your PDF…"
 * and then the PDF at its real, shareable address; errors are in reader words with a
 * "Print this page instead" fallback; a busy service is retried after Retry-After (a
 * few times at most); a small menu lets the reader choose text size, images, page size
 * and link addresses.
 *
 * Attributes (all optional):
 *   data-folio-reader-options="text_scale images page_size links"  the menu's choices
 *                                              (default: all four; "" for no menu)
 *   data-folio-options='{"page_size":"Letter"}'  the blog's own render options
 *   data-folio-target="download"                 save the PDF instead of opening a tab
 *   data-folio-label="…"                         the visible label (default: the link's text)
 * Without a link, a <div data-folio-button> with data-folio-url="/posts/hello.md" (an
 * address) or data-folio-source="#article-markdown" (an element holding the markdown)
 * works too; markdown from the page is rendered once and not stored.
 *
 * Styling: override the custom properties --folio-color, --folio-background,
 * --folio-accent, --folio-radius and --folio-font on .folio-button (or any ancestor).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var scriptService = script ? script.src.replace(/\/button\.js(\?.*)?$/, "") : "";
  var MAX_RETRIES = 3, MAX_WAIT_S = 10;
  var READER_OPTIONS = ["text_scale", "images", "page_size", "links"];
  var counter = 0;

  var CSS = [
    ":where(.folio-widget){display:inline-flex;flex-wrap:wrap;align-items:center;gap:.5em;position:relative;",
    "font:var(--folio-font,500 15px/1.2 system-ui,-apple-system,'Segoe UI',sans-serif)}",
    ":where(.folio-button,.folio-menu-toggle){display:inline-flex;align-items:center;gap:.45em;box-sizing:border-box;",
    "min-height:2.3em;padding:.45em .95em;margin:0;font:inherit;text-decoration:none;cursor:pointer;",
    "color:var(--folio-color,#1f2328);background:var(--folio-background,#fff);",
    "border:1px solid var(--folio-color,#1f2328);border-radius:var(--folio-radius,.4em)}",
    ":where(.folio-button,.folio-menu-toggle):hover{background:color-mix(in srgb,var(--folio-color,#1f2328) 8%,var(--folio-background,#fff))}",
    ":where(.folio-button,.folio-menu-toggle):focus-visible,:where(.folio-menu) :focus-visible{",
    "outline:3px solid var(--folio-accent,#1a73e8);outline-offset:2px}",
    ":where(.folio-button)[aria-busy=true]{cursor:progress;opacity:.75}",
    ":where(.folio-button) svg{width:1.05em;height:1.05em;flex:none}",
    ":where(.folio-menu-toggle){padding:.45em .6em}",
    ":where(.folio-menu){position:absolute;z-index:1000;top:calc(100% + .35em);left:0;min-width:15em;padding:.8em 1em;",
    "display:grid;gap:.6em;color:var(--folio-color,#1f2328);background:var(--folio-background,#fff);",
    "border:1px solid var(--folio-color,#1f2328);border-radius:var(--folio-radius,.4em);box-shadow:0 4px 16px rgba(0,0,0,.15)}",
    ":where(.folio-menu)[hidden]{display:none}",
    ":where(.folio-menu) label{display:flex;align-items:center;justify-content:space-between;gap:1em;font-weight:400}",
    ":where(.folio-menu) select{font:inherit;padding:.15em .3em}",
    ":where(.folio-status){flex-basis:100%;font-weight:400;font-size:.9em;color:var(--folio-color,#1f2328)}",
    ":where(.folio-status):empty{display:none}",
    ":where(.folio-status) button{font:inherit;margin-left:.5em;padding:.2em .6em;cursor:pointer;",
    "border:1px solid currentColor;border-radius:var(--folio-radius,.4em);background:transparent;color:inherit}",
    ".folio-visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media print{.folio-widget{display:none!important}}"
  ].join("");

  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2">' +
    '<path d="M6 9V3h12v6M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2"/><path d="M6 14h12v7H6z"/></svg>';

  function addStyle() {
    if (document.getElementById("folio-button-style")) return;
    var style = document.createElement("style");
    style.id = "folio-button-style";
    style.textContent = CSS;
    (document.head || document.documentElement).insertBefore(style, (document.head || document.documentElement).firstChild);
  }

  function readerWords(status) {
    if (status === 0) return "The PDF service could not be reached from this page.";
    if (status === 503) return "The PDF service is busy right now. Please try again in a minute.";
    if (status === 504) return "Making this PDF took too long.";
    if (status === 413 || status === 422) return "This article is too long to turn into a PDF.";
    return "Sorry, the PDF could not be made.";
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }

  // What a button renders: the service, the article's address (if it has one), the
  // blog's options, and where the markdown is otherwise.
  function describe(host) {
    var info = { service: scriptService, url: null, options: {}, source: host.getAttribute("data-folio-source") };
    var href = host.tagName === "A" ? host.getAttribute("href") : null;
    if (href) {
      var link = new URL(href, document.baseURI);
      var match = /^(.*)\/v1\/render$/.exec(link.origin + link.pathname);
      if (match) info.service = match[1];
      link.searchParams.forEach(function (value, key) {
        if (key === "url") info.url = new URL(value, document.baseURI).href;
        else if (key !== "download") info.options[key] = value;
      });
    }
    var url = host.getAttribute("data-folio-url");
    if (url) info.url = new URL(url, document.baseURI).href;
    try {
      var given = JSON.parse(host.getAttribute("data-folio-options") || "{}");
      for (var k in given) if (Object.prototype.hasOwnProperty.call(given, k)) info.options[k] = String(given[k]);
    } catch (e) { /* the blog's options are not JSON: ignored */ }
    return info;
  }

  function query(options) {
    var params = new URLSearchParams();
    for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k) && options[k] !== "") params.set(k, options[k]);
    return params;
  }

  function markdownOf(selector) {
    var element = selector ? document.querySelector(selector) : null;
    if (!element) return null;
    return "value" in element && element.tagName !== "SCRIPT" ? element.value : element.textContent;
  }

  function menu(widget, host, id) {
    var attr = host.getAttribute("data-folio-reader-options");
    var wanted = (attr === null ? READER_OPTIONS.join(" ") : attr).split(/[\s,]+/).filter(function (n) {
      return READER_OPTIONS.indexOf(n) >= 0;
    });
    var choose = {};
    if (!wanted.length) return function () { return {}; };
    var toggle = el("button", { type: "button", "class": "folio-menu-toggle", "aria-expanded": "false", "aria-controls": id + "-menu" }, "Options");
    toggle.insertAdjacentHTML("beforeend", '<span class="folio-visually-hidden"> for the PDF</span>');
    var panel = el("div", { id: id + "-menu", "class": "folio-menu", role: "group", "aria-label": "PDF options", hidden: "" });
    function select(name, label, values) {
      var wrap = el("label", {}, label + " ");
      var s = el("select", { name: name });
      values.forEach(function (v) { var o = el("option", { value: v[0] }, v[1]); s.appendChild(o); });
      wrap.appendChild(s);
      panel.appendChild(wrap);
      choose[name] = function () { return s.value; };
    }
    function check(name, label, on, off) {
      var wrap = el("label", {}, label + " ");
      var c = el("input", { type: "checkbox", name: name, checked: "" });
      wrap.appendChild(c);
      panel.appendChild(wrap);
      choose[name] = function () { return c.checked ? on : off; };
    }
    wanted.forEach(function (name) {
      if (name === "text_scale") select("text_scale", "Text size", [["", "Normal"], ["90%", "Smaller"], ["125%", "Larger"], ["150%", "Largest"]]);
      if (name === "images") check("images", "Images", "", "hide");
      if (name === "page_size") select("page_size", "Page size", [["", "Default"], ["A4", "A4"], ["Letter", "Letter"]]);
      if (name === "links") check("links", "Link addresses", "", "none");
    });
    function open(yes) {
      panel.hidden = !yes;
      toggle.setAttribute("aria-expanded", yes ? "true" : "false");
    }
    toggle.addEventListener("click", function () { open(panel.hidden); if (!panel.hidden) panel.querySelector("select,input").focus(); });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { open(false); toggle.focus(); }
    });
    document.addEventListener("click", function (e) { if (!widget.contains(e.target)) open(false); });
    widget.appendChild(toggle);
    widget.appendChild(panel);
    return function () {
      var chosen = {};
      for (var k in choose) if (choose[k]() !== "") chosen[k] = choose[k]();
      return chosen;
    };
  }

  function setup(host) {
    if (host.getAttribute("data-folio-ready")) return;
    host.setAttribute("data-folio-ready", "1");
    var id = "folio-" + (++counter);
    var info = describe(host);
    var label = host.getAttribute("data-folio-label") || (host.tagName === "A" && host.textContent.trim()) || "Print/PDF";
    var widget = el("span", { "class": "folio-widget" });
    var button;
    if (host.tagName === "A") {
      // The link stays a link (it still works if this script fails later).
      button = host;
      host.parentNode.insertBefore(widget, host);
      widget.appendChild(host);
    } else {
      button = el("button", { type: "button" });
      host.appendChild(widget);
      widget.appendChild(button);
    }
    button.classList.add("folio-button");
    button.innerHTML = ICON;
    button.appendChild(el("span", {}, label));
    var described = el("span", { id: id + "-desc", "class": "folio-visually-hidden" }, "Print this article or save it as a PDF");
    widget.appendChild(described);
    button.setAttribute("aria-describedby", id + "-desc");
    var readerChoices = menu(widget, host, id);
    var status = el("span", { "class": "folio-status", role: "status", "aria-live": "polite" });
    widget.appendChild(status);
    var download = host.getAttribute("data-folio-target") === "download";

    function options() {
      var all = {};
      var k, chosen = readerChoices();
      for (k in info.options) if (Object.prototype.hasOwnProperty.call(info.options, k)) all[k] = info.options[k];
      for (k in chosen) if (Object.prototype.hasOwnProperty.call(chosen, k)) all[k] = chosen[k];
      return all;
    }

    function state(name, text) {
      host.setAttribute("data-folio-state", name);
      button.setAttribute("aria-busy", name === "working" ? "true" : "false");
      status.textContent = text || "";
    }

    function failed(code, detail) {
      if (detail) console.warn("Folio:", code, detail);
      state("error", readerWords(code) + " ");
      var print = el("button", { type: "button" }, "Print this page instead");
      print.addEventListener("click", function () { window.print(); });
      status.appendChild(print);
    }

    function renderAddress(extra) {
      var params = query(options());
      params.set("url", info.url);
      for (var k in extra) params.set(k, extra[k]);
      return info.service + "/v1/render?" + params.toString();
    }

    // Saving: fetch the PDF here (the service must allow this blog's origin with
    // --cors-origin), retrying a busy service, then save it under its name.
    function save() {
      state("working", "Preparing your PDF…");
      var request = info.url
        ? { url: renderAddress({ download: "1" }), init: { credentials: "omit" } }
        : { url: info.service + "/v1/render", init: { method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ markdown: markdownOf(info.source) || "", options: options(), download: true }) } };
      function ask(attempt) {
        return fetch(request.url, request.init).then(function (response) {
          if (response.status === 503 && attempt < MAX_RETRIES) {
            var wait = Math.min(Math.max(parseInt(response.headers.get("Retry-After"), 10) || 1, 1), MAX_WAIT_S);
            state("working", "The service is busy; trying again in " + wait + " s…");
            return sleep(wait * 1000).then(function () { return ask(attempt + 1); });
          }
          return response;
        });
      }
      ask(0).then(function (response) {
        if (!response.ok) return response.text().then(function (t) { failed(response.status, t); });
        var disposition = response.headers.get("Content-Disposition") || "";
        var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
        var plain = /filename="([^"]+)"/.exec(disposition);
        var name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : "article.pdf";
        return response.blob().then(function (blob) {
          var a = el("a", { href: URL.createObjectURL(blob), download: name });
          document.body.appendChild(a);
          a.click();
          a.remove();
          state("done", "PDF saved.");
        });
      }, function (error) { failed(0, String(error)); });
    }

    // Reading: a new tab at once (in the click, so it is not a blocked pop-up), which
    // shows progress and then the PDF.
    function openTab() {
      var page = info.service + "/v1/preparing";
      if (info.url) {
        var params = query(options());
        params.set("url", info.url);
        page += "?" + params.toString();
      }
      var tab = window.open(page, "_blank");
      if (!tab) {
        // Pop-ups blocked: go to the PDF in this tab, as the plain link would.
        if (info.url) { window.location.href = renderAddress({}); return; }
        failed(0, "the new tab was blocked");
        return;
      }
      state("working", "Opening your PDF in a new tab…");
      var origin = new URL(info.service, document.baseURI).origin;
      function listen(event) {
        if (event.source !== tab || event.origin !== origin || !event.data) return;
        var what = event.data.folio;
        if (what === "ready" && !info.url) {
          tab.postMessage({ folio: "render", markdown: markdownOf(info.source) || "", options: options() }, origin);
        } else if (what === "done") {
          state("done", "Your PDF is open in a new tab.");
          window.removeEventListener("message", listen);
        } else if (what === "error") {
          failed(-1, "see the new tab");
        } else if (what === "print") {
          window.removeEventListener("message", listen);
          state("", "");
          window.print();
        }
      }
      window.addEventListener("message", listen);
    }

    button.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new-tab clicks: the plain link
      event.preventDefault();
      if (button.getAttribute("aria-busy") === "true") return;
      if (!info.url && !markdownOf(info.source)) { failed(0, "the button has neither an article address nor its markdown"); return; }
      if (download) save(); else openTab();
    });
  }

  function init() {
    addStyle();
    var hosts = document.querySelectorAll("[data-folio-button]");
    for (var i = 0; i < hosts.length; i++) setup(hosts[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
