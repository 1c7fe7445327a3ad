// The Agent page's trend charts (docs/dashboard.md#agent): one uPlot chart per measure,
// from the JSON the page embeds. uPlot's cursor shows the day's value on hover.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const data = JSON.parse(document.getElementById('series-data').textContent);
  const times = data.days.map((day) => Date.parse(`${day}T12:00:00Z`) / 1000);
  for (const chart of data.charts) {
    const target = document.querySelector(`[data-plot="${CSS.escape(chart.key)}"]`);
    if (!target) continue;
    const width = Math.max(280, Math.min(target.clientWidth || 560, 900));
    const plot = new uPlot(
      {
        width,
        height: 180,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        scales: { x: { time: true } },
        axes: [{}, { size: 72 }],
        series: [{ label: 'Day', value: (_u, ts) => (ts == null ? '–' : new Date(ts * 1000).toISOString().slice(0, 10)) }, { label: chart.label, stroke: '#1f5fa8', width: 2, points: { show: true, size: 5 }, spanGaps: false }],
      },
      [times, chart.values],
      target,
    );
    target.dataset.points = String(chart.values.filter((value) => value !== null).length);
    window.addEventListener('resize', () => plot.setSize({ width: Math.max(280, Math.min(target.clientWidth || 560, 900)), height: 180 }));
  }
  document.body.dataset.chartsReady = 'true';
});
