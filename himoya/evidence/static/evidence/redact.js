// Rectangles drawn on the working copy become lines "x, y, width, height" (in the
// picture's own pixels) in the redaction form's text area; the server does the rest.
(function () {
  "use strict";
  var box = document.querySelector(".redact-canvas");
  var area = document.querySelector(".redact-form textarea");
  if (!box || !area) return;
  var img = box.querySelector("img");
  var start = null;
  var shade = null;
  function point(event) {
    var rect = img.getBoundingClientRect();
    var scale = Number(box.dataset.width) / rect.width;
    return {
      x: Math.max(0, Math.round((event.clientX - rect.left) * scale)),
      y: Math.max(0, Math.round((event.clientY - rect.top) * scale)),
      scale: scale,
    };
  }
  box.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    start = point(event);
    shade = document.createElement("div");
    shade.className = "redact-mark";
    box.appendChild(shade);
  });
  box.addEventListener("pointermove", function (event) {
    if (!start) return;
    var p = point(event);
    shade.style.left = Math.min(start.x, p.x) / p.scale + "px";
    shade.style.top = Math.min(start.y, p.y) / p.scale + "px";
    shade.style.width = Math.abs(p.x - start.x) / p.scale + "px";
    shade.style.height = Math.abs(p.y - start.y) / p.scale + "px";
  });
  box.addEventListener("pointerup", function (event) {
    if (!start) return;
    var p = point(event);
    var w = Math.abs(p.x - start.x), h = Math.abs(p.y - start.y);
    if (w > 2 && h > 2) {
      var line = [Math.min(start.x, p.x), Math.min(start.y, p.y), w, h].join(", ");
      area.value = (area.value.trim() ? area.value.trim() + "\n" : "") + line;
    } else {
      shade.remove();
    }
    start = null;
  });
})();
