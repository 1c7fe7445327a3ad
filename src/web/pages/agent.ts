/**
 * The Agent page (docs/dashboard.md#agent): one agent's daily trends over the range, drawn
 * by agent-chart.js with uPlot (served by tally) from the series embedded as JSON, the
 * same body as the API's /agents/{id}/daily. A table of the same numbers follows, for
 * screen readers and for copying. Pure.
 */
import type { DailySeries } from '../../metrics/metrics-report.js';
import { type Html, html, jsonIsland } from '../html.js';
import { columnValue } from './agents.js';
import { page, type Viewer } from './layout.js';

/** The charted measures: what a manager watches day by day. */
export const CHARTS: readonly { key: string; label: string }[] = [
  { key: 'solves', label: 'Solved' },
  { key: 'publicReplies', label: 'Public replies' },
  { key: 'oneTouchTickets', label: 'One-touch tickets' },
  { key: 'handleTimeSeconds', label: 'Handle time (s)' },
  { key: 'csatScore', label: 'CSAT score' },
  { key: 'firstReplyMinutes.median', label: 'First reply median (min)' },
];

/** A charted measure's value on a day: the Agents table's rule (pages/agents.ts). */
export const chartValue = (day: DailySeries['days'][number], key: string): number | null => columnValue(day, key);

export function agentPage(input: { viewer: Viewer; series: DailySeries }): Html {
  const { viewer, series } = input;
  const name = series.agent.name || `Agent ${series.agent.agentId}`;
  return page({
    title: name,
    viewer,
    section: 'agents',
    scripts: ['/assets/vendor/uPlot.iife.min.js', '/assets/agent-chart.js'],
    styles: ['/assets/vendor/uPlot.min.css'],
    body: html`
<form method="get" class="filters" aria-label="Range">
  <div><label for="from">From</label><input id="from" name="from" type="date" value="${series.from}"></div>
  <div><label for="to">To</label><input id="to" name="to" type="date" value="${series.to}"></div>
  <div><button type="submit">Show</button></div>
</form>
<p class="range">${series.from} to ${series.to} (${series.timeZone}). <a href="/app/${viewer.tenant}/agents?${new URLSearchParams({ preset: 'custom', from: series.from, to: series.to }).toString()}">All agents</a></p>
<script type="application/json" id="series-data">${jsonIsland({ days: series.days.map((day) => day.day), charts: CHARTS.map((chart) => ({ ...chart, values: series.days.map((day) => chartValue(day, chart.key)) })) })}</script>
<div class="charts">${CHARTS.map((chart) => html`<figure class="chart" data-chart="${chart.key}"><figcaption>${chart.label}</figcaption><div class="plot" data-plot="${chart.key}"></div></figure>`)}</div>
<details><summary>The numbers, day by day</summary>
<div class="table-scroll" role="region" aria-label="Daily numbers" tabindex="0">
<table class="metrics" id="daily-table"><thead><tr><th scope="col">Day</th>${CHARTS.map((chart) => html`<th scope="col">${chart.label}</th>`)}</tr></thead>
<tbody>${series.days.map((day) => html`<tr><th scope="row">${day.day}</th>${CHARTS.map((chart) => html`<td data-col="${chart.key}">${chartValue(day, chart.key) ?? '–'}</td>`)}</tr>`)}</tbody></table>
</div></details>`,
  });
}
