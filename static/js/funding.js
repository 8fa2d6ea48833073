/* Fund execution overview: allocated / disbursed / spent bars and the execution rate per league (ECharts),
   fed by the json_script block "funding-data". No inline script: the page includes charts.js and this file. */
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function numbers(values) {
    return values.map(function (v) { return v == null ? null : Number(v); });
  }

  function draw() {
    var data = readJson("funding-data");
    var el = document.getElementById("funding-chart");
    if (!data || !el || typeof echarts === "undefined") return;
    var names = data.names || {};
    var chart = echarts.init(el);
    window.followBox(el, chart);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: [
        { type: "value", name: names.amount || "" },
        { type: "value", name: "%", min: 0, max: 100 }
      ],
      series: [
        { name: names.allocated || "allocated", type: "bar", data: numbers(data.allocated) },
        { name: names.disbursed || "disbursed", type: "bar", data: numbers(data.disbursed) },
        { name: names.spent || "spent", type: "bar", data: numbers(data.spent) },
        { name: names.execution || "execution", type: "line", yAxisIndex: 1, data: numbers(data.execution) }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
