// Himoya's own script: small progressive enhancements, no inline handlers (CSP).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Selects marked data-autosubmit submit their form on change (the language switcher).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
      var button = select.form.querySelector("button[type=submit]");
      if (button) { button.classList.add("visually-hidden"); }
    });
    // One-time form tokens (core/idempotency.py). Back re-fetches a staff page (they are
    // never cached) with fresh tokens, and the browser restores what was typed but not a
    // hidden field: a second submit would then be a new form to the server. So each form
    // remembers the token it was sent with (sessionStorage: a random value, nothing
    // about anyone), and a page reached through Back or Forward puts it back; the server
    // then sees the same form again and creates nothing. Without this script the server
    // still refuses any token sent twice.
    var navigation = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")[0] : null;
    var returned = navigation && navigation.type === "back_forward";
    document.querySelectorAll("form input[name=form_token]").forEach(function (input) {
      var key = "himoya-form-token:" + location.pathname + "|" + (input.form.getAttribute("action") || "");
      try {
        var sent = window.sessionStorage.getItem(key);
        if (returned && sent) { input.value = sent; }
        input.form.addEventListener("submit", function () {
          window.sessionStorage.setItem(key, input.value);
        });
      } catch (e) { /* storage refused: the server's check still holds */ }
    });
    // Buttons marked data-confirm ask before submitting.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

// Cases: the scanned-letter input refuses a file over the size limit before it is sent
// (the server refuses it too); a sent form keeps its submit button from a second click.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () {
        var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
        var tooLarge = Array.prototype.some.call(input.files || [], function (f) { return f.size > limit; });
        input.setCustomValidity(tooLarge ? input.getAttribute("data-too-large") : "");
        if (tooLarge) { input.reportValidity(); }
      });
      if (input.form) {
        input.form.addEventListener("submit", function (event) {
          if (!input.checkValidity()) { event.preventDefault(); input.reportValidity(); }
        });
      }
    });
    document.querySelectorAll("form.appeal-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) { return; }
        var button = form.querySelector("button[type=submit]");
        if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
      });
    });
  });
})();
