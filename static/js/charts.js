/* Shared by the pages with ECharts charts (dashboards.js, funding.js): load it before them. */
(function () {
  "use strict";

  /* The chart follows its box: resized whenever the box changes size (not only the window), and clipped to it
     meanwhile, so a canvas drawn for a wider window never widens the page. */
  window.followBox = function (el, chart) {
    el.style.overflow = "hidden";
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  };
})();
