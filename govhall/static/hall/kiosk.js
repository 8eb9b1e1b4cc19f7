// Kiosk: back to the home screen after the page has been left alone for data-idle seconds.
(function () {
  "use strict";
  var root = document.querySelector(".kiosk[data-home]");
  if (!root) { return; }
  var seconds = parseInt(root.getAttribute("data-idle"), 10) || 90;
  var timer = null;
  function reset() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { window.location.href = root.getAttribute("data-home"); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) { document.addEventListener(name, reset, { passive: true }); });
  reset();
})();
