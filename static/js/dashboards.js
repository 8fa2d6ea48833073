/* Dashboards: ECharts charts fed by a json_script block, the county map, sparklines, and the recompute poll.
   Load charts.js first. */
(function () {
  "use strict";

  var STATUS_COLOURS = { met: "#198754", not_met: "#dc3545", missing: "#ffc107", in_progress: "#0dcaf0", not_applicable: "#adb5bd" };
  var STATUS_KEYS = ["met", "not_met", "missing", "in_progress", "not_applicable"];

  function round2(value) {
    return value == null ? "—" : String(Math.round(value * 100) / 100);
  }

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function chartOn(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el);
    window.followBox(el, chart);
    return chart;
  }

  /* While scores are being recomputed, ask the server every few seconds and reload when they are ready. */
  function pollRecompute() {
    var badge = document.querySelector("[data-score-poll]");
    if (!badge || !window.fetch) return;
    var url = badge.dataset.scorePoll;
    var tick = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) { if (d.stale === 0) { window.location.reload(); } else { setTimeout(tick, 5000); } })
        .catch(function () { setTimeout(tick, 15000); });
    };
    setTimeout(tick, 3000);
  }

  function sparklines() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll(".sparkline[data-points]").forEach(function (el) {
      var points = JSON.parse(el.dataset.points || "[]");
      if (!points.length) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 3, bottom: 3 },
        xAxis: { type: "category", show: false, data: points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", show: false, min: 0, max: 100 },
        tooltip: { trigger: "axis", confine: true, formatter: function (ps) { return ps[0].name + "：" + (ps[0].value == null ? "—" : ps[0].value); } },
        series: [{ type: "line", data: points.map(function (p) { return p[1]; }), symbolSize: 3, lineStyle: { width: 1.5 }, connectNulls: false }]
      });
    });
  }

  function overview(data) {
    var labels = data.labels;
    var map = chartOn("score-map");
    if (map) {
      map.showLoading();
      fetch(document.getElementById("score-map").dataset.geoUrl)
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          if (data.focus_league) {
            var inLeague = geo.features.filter(function (f) { return f.properties.league_code === data.focus_league; });
            if (inLeague.length) geo = { type: "FeatureCollection", features: inLeague };
          }
          echarts.registerMap("nmg_counties", geo);
          var names = {};
          geo.features.forEach(function (f) { names[f.properties.adcode] = f.properties.name; });
          map.hideLoading();
          map.setOption({
            tooltip: {
              trigger: "item",
              formatter: function (p) {
                var d = p.data;
                if (!d) return (names[p.name] || p.name) + "<br>" + labels.no_score;
                return d.county + (d.pilot ? "（" + labels.pilot + "）" : "") + "<br>" + labels.score + "：" + d.value + (d.grade ? " · " + d.grade : "");
              }
            },
            // The draggable handles show their values: no extra text labels (they showed each number twice).
            visualMap: { min: 0, max: 100, left: 10, bottom: 10, calculable: true, inRange: { color: ["#dc3545", "#ffc107", "#198754"] } },
            series: [{
              type: "map", map: "nmg_counties", nameProperty: "adcode", roam: true,
              itemStyle: { areaColor: "#e9ecef", borderColor: "#fff", borderWidth: 0.5 },
              emphasis: { label: { show: false }, itemStyle: { areaColor: "#6ea8fe" } },
              data: data.map
            }]
          });
        })
        .catch(function () { map.hideLoading(); });
      // A click on a county opens its page (the map's names are GB/T 2260 codes).
      var countyUrl = document.getElementById("score-map").dataset.countyUrl;
      if (countyUrl) {
        map.on("click", function (p) {
          if (p.name && /^\d{6}$/.test(p.name)) window.location.href = countyUrl.replace("000000", p.name);
        });
      }
    }

    var compliance = chartOn("compliance-chart");
    if (compliance) {
      compliance.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.compliance.labels, axisLabel: { width: 150, overflow: "truncate" } },
        series: data.compliance.series.map(function (values, i) {
          return { name: data.compliance.statuses[i], type: "bar", stack: "all", data: values, itemStyle: { color: STATUS_COLOURS[STATUS_KEYS[i]] } };
        })
      });
    }

    var league = chartOn("league-chart");
    if (league && data.league_mode) {
      league.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.county_scores.map(function (c) { return c.name; }), axisLabel: { rotate: 40 } },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{
          name: labels.score, type: "bar",
          data: data.county_scores.map(function (c) { return { value: c.value, itemStyle: { color: c.pilot ? "#0d6efd" : "#adb5bd" } }; })
        }]
      });
    } else if (league) {
      var gradeColours = ["#198754", "#0d6efd", "#ffc107", "#dc3545"];
      var series = data.leagues.grades.map(function (values, i) {
        return { name: data.bands[i], type: "bar", stack: "grades", data: values, itemStyle: { color: gradeColours[Math.min(i, 3)] } };
      });
      series.push({ name: labels.pilot_avg, type: "line", yAxisIndex: 1, data: data.leagues.pilot_avg, connectNulls: false });
      series.push({ name: labels.other_avg, type: "line", yAxisIndex: 1, data: data.leagues.other_avg, lineStyle: { type: "dashed" }, connectNulls: false });
      league.setOption({
        tooltip: { trigger: "axis" },
        // A plain legend wraps onto a second line instead of hiding entries behind scroll arrows.
        legend: { top: 0, left: "center", type: "plain" },
        grid: { left: 8, right: 8, top: 64, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.leagues.labels, axisLabel: { rotate: 40 } },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100 }],
        series: series
      });
    }
  }

  function county(data) {
    var labels = data.labels;
    var scores = chartOn("score-chart");
    if (scores) {
      var markArea = data.pilot_years ? { silent: true, itemStyle: { color: "rgba(13,110,253,0.07)" }, data: [[{ xAxis: String(data.pilot_years[0]) }, { xAxis: String(data.pilot_years[1]) }]] } : undefined;
      scores.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.score_years.map(String) },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: labels.score, type: "line", data: data.scores, label: { show: true }, markArea: markArea }]
      });
    }
    var chart = chartOn("indicator-chart");
    var select = document.getElementById("indicator-select");
    if (!chart || !select) return;
    var draw = function () {
      var ind = data.indicators[Number(select.value)];
      if (!ind) return;
      var series = [{
        name: labels.value, type: "line", connectNulls: false,
        label: { show: true, formatter: function (p) { return round2(p.value); } },
        data: ind.values.map(function (v, i) { return { value: v, itemStyle: { color: STATUS_COLOURS[ind.statuses[i]] || "#6c757d" } }; }),
        symbolSize: 10
      }];
      if (ind.targets.some(function (t) { return t !== null; })) {
        series.push({ name: labels.target, type: "line", step: "middle", data: ind.targets, lineStyle: { type: "dashed" }, symbol: "none" });
      }
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.years.map(String) },
        yAxis: { type: "value", name: ind.unit || "" },
        series: series
      }, true);
    };
    select.addEventListener("change", draw);
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    pollRecompute();
    var overviewData = readJson("dashboard-data");
    if (overviewData) { sparklines(); overview(overviewData); }
    var countyData = readJson("county-data");
    if (countyData) county(countyData);
  });
})();
