// 监管大屏 charts: the data is embedded in the page (#monitor-data); the tables hold the same figures without JS.
(function () {
  "use strict";
  var holder = document.getElementById("monitor-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var codes = Object.keys(data.names);
  var colours = ["#c0392b", "#e67e22", "#8e44ad", "#1f5fa8"];
  // Tooltips are HTML: every string from the database goes through this (axis tooltips escape by themselves).
  var esc = function (s) { return echarts.format.encodeHTML(String(s === null || s === undefined ? "" : s)); };
  var pct = function (v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; };
  var axisPct = function (extra) {
    var axis = { type: "value", axisLabel: { formatter: function (v) { return +(v * 100).toFixed(2) + "%"; } } };
    return Object.assign(axis, extra || {});
  };
  // Canvas text in the page's font (the Chinese web font), large enough to read on a wall screen.
  var font = window.getComputedStyle(document.body).fontFamily;
  var base = { textStyle: { fontFamily: font, fontSize: 13 } };
  var init = function (el) { var chart = echarts.init(el); chart.setOption(base); return chart; };
  var charts = [];

  var trendEl = document.getElementById("chart-trend");
  if (trendEl) {
    var trend = init(trendEl);
    charts.push(trend);
    var drawTrend = function (grain) {
      var s = data.series[grain];
      // 网办率 (tens of per cent) reads on the right axis, the three small rates on the left one.
      trend.setOption(Object.assign({}, base, {
        color: colours,
        tooltip: { trigger: "axis", valueFormatter: pct },
        legend: { top: 0, textStyle: { fontFamily: font, fontSize: 13 } },
        grid: { left: 56, right: 56, top: 36, bottom: 28 },
        xAxis: { type: "category", data: s.labels },
        yAxis: [axisPct(), axisPct({ max: 1, splitLine: { show: false } })],
        series: codes.map(function (c) {
          return { name: data.names[c], type: "line", connectNulls: true, yAxisIndex: c === "online_rate" ? 1 : 0, data: s.rates[c] };
        })
      }), true);
    };
    drawTrend("month");
    document.querySelectorAll("[data-grain]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll("[data-grain]").forEach(function (b) {
          var on = b === button;
          b.setAttribute("aria-pressed", on ? "true" : "false");
          b.classList.toggle("secondary", !on);
        });
        drawTrend(button.dataset.grain);
      });
    });
  }

  var deptEl = document.getElementById("chart-departments");
  if (deptEl) {
    deptEl.style.height = Math.max(320, data.departments.labels.length * 22 + 60) + "px";
    var bars = init(deptEl);
    charts.push(bars);
    var d = data.departments;
    var drawBars = function (code) {
      var order = d.labels.map(function (_, i) { return i; }).filter(function (i) { return d.rates[code][i] !== null; });
      order.sort(function (a, b) { return d.rates[code][a] - d.rates[code][b]; });
      bars.setOption(Object.assign({}, base, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: pct },
        grid: { left: 170, right: 56, top: 24, bottom: 24 },
        xAxis: axisPct({ max: function (v) { return Math.max(v.max, data.thresholds[code]) * 1.15; }, axisLabel: { showMaxLabel: false, formatter: function (v) { return +(v * 100).toFixed(2) + "%"; } } }),
        yAxis: { type: "category", data: order.map(function (i) { return d.labels[i]; }), axisLabel: { width: 160, overflow: "truncate", fontSize: 13, fontFamily: font } },
        series: [{
          name: data.names[code], type: "bar",
          data: order.map(function (i) { return { value: d.rates[code][i], itemStyle: { color: d.red[code][i] ? "#c0392b" : "#1f5fa8" }, id: d.ids[i] }; }),
          label: { show: true, position: "right", formatter: function (p) { return pct(p.value); } },
          markLine: { symbol: "none", lineStyle: { color: "#c0392b", type: "dashed" }, label: { formatter: "红线 " + pct(data.thresholds[code]) }, data: [{ xAxis: data.thresholds[code] }] }
        }]
      }), true);
    };
    var select = document.getElementById("dept-indicator");
    drawBars(select ? select.value : codes[0]);
    if (select) select.addEventListener("change", function () { drawBars(select.value); });
    bars.on("click", function (p) {
      var id = p.data && p.data.id;
      if (id) window.location.href = "departments/" + id + "/" + window.location.search;
    });
  }

  var treeEl = document.getElementById("chart-tree");
  if (treeEl && data.tree) {
    var tree = init(treeEl);
    charts.push(tree);
    // 旗县 → 苏木镇 → units: the townships open, their units folded until clicked; red beyond a red line.
    var paint = function (node, depth) {
      var colour = node.red ? "#c0392b" : "#1f5fa8";
      node.itemStyle = { color: colour, borderColor: colour };
      node.label = { color: node.red ? "#c0392b" : "#1d2733", fontWeight: depth < 2 ? "bold" : "normal" };
      node.collapsed = depth >= 1;
      (node.children || []).forEach(function (child) { paint(child, depth + 1); });
      return node;
    };
    tree.setOption(Object.assign({}, base, {
      tooltip: {
        formatter: function (p) {
          var v = p.data || {};
          return esc(p.name) + "<br>受理 " + esc(v.value || 0) + " 件<br>超期率 " + esc(pct(v.overdue_rate)) + "<br>差评率 " + esc(pct(v.bad_rating_rate));
        }
      },
      series: [{
        type: "tree", data: [paint(data.tree, 0)], orient: "LR", top: 12, bottom: 12, left: 170, right: 200,
        symbolSize: 10, expandAndCollapse: true, animationDuration: 300,
        label: { position: "left", verticalAlign: "middle", align: "right", fontFamily: font, fontSize: 13,
                 formatter: function (p) { return p.name + "  " + (p.data.value || 0) + "件"; } },
        leaves: { label: { position: "right", align: "left" } }
      }]
    }));
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
