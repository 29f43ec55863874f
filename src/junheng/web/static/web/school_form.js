// Folds away the 学段 fields a school type does not have (小学 fields for a 初中 …); a field that
// holds a value or an error stays visible, so nothing typed is ever hidden.
document.addEventListener("DOMContentLoaded", function () {
  var map = document.getElementById("stages-by-type");
  var type = document.getElementById("f-school_type");
  if (!map || !type) return;
  var stages = JSON.parse(map.textContent);
  var apply = function () {
    var wanted = stages[type.value];
    document.querySelectorAll("[data-stage]").forEach(function (box) {
      var input = box.querySelector("input, select");
      var keep = !wanted || wanted.indexOf(box.dataset.stage) >= 0 || (input && input.value) ||
                 box.classList.contains("has-error");
      box.hidden = !keep;
    });
  };
  type.addEventListener("change", apply);
  apply();
});
