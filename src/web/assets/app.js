// defmatch: a few lines of progressive enhancement. Every page works without them.
//
// <form data-live-preview="/url" data-preview-target="#id">: while the user
// types, the form is posted (debounced) to /url and the HTML it returns
// replaces the target's content. Used for the live match preview.
//
// <details class="filters">: opened on screens wider than a phone.
//
// <form data-live-check="/url">: while the user types, the form is posted to
// /url, which answers {"field": "message", ...}; each message is shown in the
// element [data-error-for=field] beside its input, and the input is marked.
(function () {
  "use strict";

  function debounce(work, milliseconds) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(work, milliseconds);
    };
  }

  function post(form, url) {
    // redirect "manual": an expired session answers with a redirect to the
    // login page, which must not land inside the preview as a page.
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    });
  }

  function livePreview(form) {
    var target = document.querySelector(form.getAttribute("data-preview-target"));
    if (!target) { return; }
    var url = form.getAttribute("data-live-preview");
    var refresh = debounce(function () {
      target.setAttribute("aria-busy", "true");
      post(form, url)
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } })
        .catch(function () { /* the saved page still works */ })
        .finally(function () { target.removeAttribute("aria-busy"); });
    }, 500);
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
  }

  function liveCheck(form) {
    var url = form.getAttribute("data-live-check");
    var check = debounce(function () {
      post(form, url)
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (errors) {
          if (!errors) { return; }
          form.querySelectorAll("[data-error-for]").forEach(function (slot) {
            var name = slot.getAttribute("data-error-for");
            var message = errors[name] || "";
            slot.textContent = message;
            var input = form.querySelector("[name='" + name + "']");
            if (input) {
              if (message) { input.setAttribute("aria-invalid", "true"); }
              else { input.removeAttribute("aria-invalid"); }
            }
          });
        })
        .catch(function () { /* the server checks again on submit */ });
    }, 600);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live-preview]").forEach(livePreview);
    document.querySelectorAll("form[data-live-check]").forEach(liveCheck);
    // Search filters fold away on a phone; wider screens show them open.
    if (window.matchMedia("(min-width: 48rem)").matches) {
      document.querySelectorAll("details.filters").forEach(function (details) {
        details.open = true;
      });
    }
  });
})();
