/*
 * Folio's Print/PDF button. Include it once:
 *
 *   <script src="https://folio.example/button.js" defer></script>
 *
 * and mark where a button goes, saying where the article's markdown is:
 *
 *   <div data-folio-button data-folio-source="#article-markdown"></div>   (an element's text)
 *   <div data-folio-button data-folio-url="/posts/hello.md"></div>        (a URL to fetch)
 *
 * Optional: data-folio-options='{"page_size":"Letter"}' (the render options, as JSON),
 * data-folio-target="download" (save instead of opening a tab), data-folio-label="…".
 * No dependencies; the service it came from does the rendering.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var service = script ? script.src.replace(/\/button\.js(\?.*)?$/, "") : "";

  function markdownFor(host) {
    var selector = host.getAttribute("data-folio-source");
    if (selector) {
      var element = document.querySelector(selector);
      if (!element) return Promise.reject(new Error("no element matches " + selector));
      return Promise.resolve("value" in element && element.tagName !== "SCRIPT" ? element.value : element.textContent);
    }
    var url = host.getAttribute("data-folio-url");
    if (url) {
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error("could not load the article (" + r.status + ")");
        return r.text();
      });
    }
    return Promise.reject(new Error("the button needs data-folio-source or data-folio-url"));
  }

  function setup(host) {
    if (host.querySelector("button.folio-print")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "folio-print";
    button.textContent = host.getAttribute("data-folio-label") || "Print/PDF";
    button.setAttribute("aria-label", "Print this article or save it as a PDF");
    var status = document.createElement("span");
    status.className = "folio-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    host.appendChild(button);
    host.appendChild(status);

    button.addEventListener("click", function () {
      var download = host.getAttribute("data-folio-target") === "download";
      // A tab opened now, in the click, is not a blocked pop-up later.
      var tab = download ? null : window.open("", "_blank");
      var options = {};
      try {
        options = JSON.parse(host.getAttribute("data-folio-options") || "{}");
      } catch (e) {
        options = {};
      }
      button.disabled = true;
      status.textContent = "Preparing the PDF…";
      markdownFor(host)
        .then(function (markdown) {
          return fetch(service + "/v1/render", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ markdown: markdown, options: options, download: download })
          });
        })
        .then(function (response) {
          if (!response.ok) {
            return response.json().then(function (problem) {
              throw new Error(problem.detail || response.statusText);
            }, function () {
              throw new Error(response.statusText);
            });
          }
          var disposition = response.headers.get("Content-Disposition") || "";
          var match = /filename="([^"]+)"/.exec(disposition);
          return response.blob().then(function (blob) {
            return { blob: blob, name: match ? match[1] : "article.pdf" };
          });
        })
        .then(function (pdf) {
          var url = URL.createObjectURL(pdf.blob);
          if (download) {
            var link = document.createElement("a");
            link.href = url;
            link.download = pdf.name;
            document.body.appendChild(link);
            link.click();
            link.remove();
          } else if (tab) {
            tab.location.href = url;
          } else {
            window.location.href = url;
          }
          status.textContent = "PDF ready.";
          host.setAttribute("data-folio-state", "done");
        })
        .catch(function (error) {
          if (tab) tab.close();
          status.textContent = "Could not make the PDF: " + error.message;
          host.setAttribute("data-folio-state", "error");
        })
        .then(function () {
          button.disabled = false;
        });
    });
  }

  function init() {
    var hosts = document.querySelectorAll("[data-folio-button]");
    for (var i = 0; i < hosts.length; i++) setup(hosts[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
