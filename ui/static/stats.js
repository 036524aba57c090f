// The dashboard's charts: data comes from the page's #stats-data block, every bar and
// point opens the list of the appeals it counts. No inline script is allowed (CSP), nor
// inline styles: tooltips are drawn on the canvas (renderMode richText), not as HTML.
(function () {
  'use strict';
  var block = document.getElementById('stats-data');
  if (!block || !window.echarts) return;
  var data = JSON.parse(block.textContent || '{}');
  var navy = '#15407a', red = '#b3261e', green = '#1e7b45', amber = '#a35f00';
  var font = '"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif';

  function pct(v) { return v == null ? null : Math.round(v * 1000) / 10; }

  function bars(rows) {
    return {
      textStyle: { fontFamily: font },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText' },
      legend: { data: ['受理', '超期'], top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: rows.map(function (r) { return r.label; }),
        axisLabel: { width: 110, overflow: 'truncate', interval: 0 } },
      series: [
        { name: '受理', type: 'bar', data: rows.map(function (r) { return r.filed; }), itemStyle: { color: navy }, barMaxWidth: 18 },
        { name: '超期', type: 'bar', data: rows.map(function (r) { return r.overdue; }), itemStyle: { color: red }, barMaxWidth: 18 }
      ]
    };
  }

  function trend(rows) {
    return {
      textStyle: { fontFamily: font },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { data: ['受理', '办结', '响应率', '满意率'], top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map(function (r) { return r.label; }) },
      yAxis: [{ type: 'value', name: '件', minInterval: 1 }, { type: 'value', name: '%', min: 0, max: 100 }],
      series: [
        { name: '受理', type: 'bar', data: rows.map(function (r) { return r.filed; }), itemStyle: { color: navy } },
        { name: '办结', type: 'bar', data: rows.map(function (r) { return r.closed; }), itemStyle: { color: green } },
        { name: '响应率', type: 'line', yAxisIndex: 1, connectNulls: false, data: rows.map(function (r) { return pct(r.response_rate); }), itemStyle: { color: amber } },
        { name: '满意率', type: 'line', yAxisIndex: 1, connectNulls: false, data: rows.map(function (r) { return pct(r.satisfaction_rate); }), itemStyle: { color: red } }
      ]
    };
  }

  var charts = [];
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var name = el.getAttribute('data-chart');
    var rows = data[name] || [];
    if (rows.length === 0) {
      el.classList.add('chart-empty');
      el.textContent = '本期无数据';
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(name === 'trend' ? trend(rows) : bars(rows));
    chart.on('click', function (p) {
      var row = rows[p.dataIndex];
      if (!row || !row.href) return;
      // A click on 超期 opens the overdue list of that group, any other the whole group.
      window.location.href = p.seriesName === '超期' ? row.href + '&overdue=true' : row.href;
    });
    el.setAttribute('data-ready', 'true');
    charts.push(chart);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
