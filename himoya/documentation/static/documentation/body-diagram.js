// Body diagrams (documentation/body.py): a click on the body fills the finding form's
// view, position and body region, and shows the mark. Without this script the form is
// a plain list form. No inline handlers, no styles set from script (CSP).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function field(form, name) { return form.querySelector("[name=" + name + "]"); }
  function round(v) { return Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000; }

  function setUp(picker) {
    var form = picker.closest("form");
    if (!form || !field(form, "x") || !field(form, "y") || !field(form, "view")) { return; }
    var x = field(form, "x"), y = field(form, "y"), view = field(form, "view"), region = field(form, "region");
    var status = picker.querySelector(".body-pick-status");
    var clear = picker.querySelector(".body-pick-clear");
    var svgs = picker.querySelectorAll("svg.body-pick");

    function removePending() {
      picker.querySelectorAll(".mark.pending").forEach(function (m) { m.parentNode.removeChild(m); });
    }
    function show(viewName, fx, fy) {
      removePending();
      var svg = picker.querySelector("svg.body-pick[data-view=" + viewName + "]");
      if (!svg) { return; }
      var box = svg.viewBox.baseVal;
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "mark pending");
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", String(fx * box.width));
      c.setAttribute("cy", String(fy * box.height));
      c.setAttribute("r", "7");
      c.setAttribute("fill", "#1a5fb4");
      c.setAttribute("stroke", "#ffffff");
      c.setAttribute("stroke-width", "2");
      g.appendChild(c);
      svg.querySelector("g.marks").appendChild(g);
      var caption = svg.closest("figure").querySelector("figcaption");
      status.textContent = picker.getAttribute("data-placed") + " " + (caption ? caption.textContent : viewName);
      clear.hidden = false;
    }
    svgs.forEach(function (svg) {
      svg.addEventListener("click", function (event) {
        var matrix = svg.getScreenCTM();
        if (!matrix) { return; }
        var point = svg.createSVGPoint();
        point.x = event.clientX; point.y = event.clientY;
        var p = point.matrixTransform(matrix.inverse());
        var box = svg.viewBox.baseVal;
        var fx = round(p.x / box.width), fy = round(p.y / box.height);
        x.value = String(fx); y.value = String(fy);
        view.value = svg.getAttribute("data-view");
        var part = event.target.closest ? event.target.closest("[data-region]") : null;
        if (part && region) { region.value = part.getAttribute("data-region"); }
        show(view.value, fx, fy);
      });
    });
    clear.addEventListener("click", function () {
      x.value = ""; y.value = ""; view.value = "";
      removePending(); status.textContent = ""; clear.hidden = true;
    });
    // A finding being corrected, or a form shown again with errors, keeps its mark.
    if (x.value !== "" && y.value !== "" && view.value) {
      show(view.value, parseFloat(x.value), parseFloat(y.value));
    }
    picker.hidden = false;
  }
  ready(function () { document.querySelectorAll(".body-picker").forEach(setUp); });
})();
