// Draws the dashboard charts from the JSON the page embeds (figures come from the engine).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var read = function (id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  var round = function (v, d) { return v === null || v === undefined ? null : Number(v.toFixed(d)); };
  (read("cv-data") || []).forEach(function (c) {
    var el = document.getElementById("cv-" + c.stage);
    if (!el) return;
    echarts.init(el).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: ["差异系数", "最大值"] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: c.ids },
      yAxis: { type: "value" },
      series: [
        { name: "差异系数", type: "bar", data: c.cv.map(function (v, i) {
            return { value: round(v, 3), itemStyle: { color: c.pass[i] === false ? "#c62828" : "#1c5d99" } }; }) },
        { name: "最大值", type: "line", step: "middle", symbol: "none", lineStyle: { type: "dashed", color: "#9c5700" },
          data: c.cv_max.map(function (v) { return round(v, 2); }) }
      ]
    });
  });
  var trend = read("trend-data");
  if (trend && trend.years.length > 1) {
    var line = function (id, title, series) {
      var el = document.getElementById(id);
      if (!el) return;
      echarts.init(el).setOption({
        animation: false, title: { text: title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 24 },
        grid: { left: 40, right: 16, top: 64, bottom: 28 },
        xAxis: { type: "category", data: trend.years.map(String) }, yAxis: { type: "value" },
        series: series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
      });
    };
    line("trend-cv", "差异系数逐年变化", trend.cv);
    line("trend-compliant", "达标单位数逐年变化", trend.compliant);
  }
});
