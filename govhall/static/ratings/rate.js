// 好差评 form: show the reason tags that fit the chosen level, uncheck the others. The form works
// without this script (both tag lists show and the server checks the choice).
(function () {
  document.querySelectorAll("form.rate-form").forEach(function (form) {
    form.classList.add("js");
    function sync() {
      var chosen = form.querySelector('input[name="level"]:checked');
      if (!chosen) { form.removeAttribute("data-level"); return; }
      var level = parseInt(chosen.value, 10);
      form.setAttribute("data-level", String(level));
      form.querySelectorAll(".tag-group").forEach(function (group) {
        var shown = level === 3 || (group.classList.contains("good") ? level >= 3 : level <= 2);
        if (!shown) group.querySelectorAll("input:checked").forEach(function (box) { box.checked = false; });
      });
    }
    form.querySelectorAll('input[name="level"]').forEach(function (radio) { radio.addEventListener("change", sync); });
    sync();
  });
})();
