/**
 * The Agents page (docs/dashboard.md#agents): the range and filters, then one row per agent
 * with every measure of `tally metrics` and its delta against the period just before
 * (the API's `?compare=previous` body, unchanged), sortable by any column through links, so
 * sorting works without a script and from the keyboard. Pure.
 */
import type { AgentComparison, Measures, MetricsComparison } from '../../metrics/metrics-report.js';
import { COUNTERS, MINUTE_METRICS } from '../../metrics/metrics-report.js';
import { type Html, html } from '../html.js';
import { PRESET_LABELS, PRESETS, type Preset } from '../range-presets.js';
import { page, type Viewer } from './layout.js';

export interface Column {
  /** As MEASURE_COLUMNS names it: `solves`, `csatScore`, `firstReplyMinutes.median`, … */
  readonly key: string;
  readonly label: string;
}

const LABELS: Readonly<Record<string, string>> = {
  solves: 'Solved',
  reopens: 'Reopened',
  publicReplies: 'Public replies',
  ticketsTouched: 'Tickets touched',
  handleTimeSeconds: 'Handle time (s)',
  ticketsWithHandleTime: 'Tickets with handle time',
  csatGood: 'CSAT good',
  csatBad: 'CSAT bad',
  oneTouchTickets: 'One-touch',
  csatScore: 'CSAT score',
  firstReplyMinutes: 'First reply',
  fullResolutionMinutes: 'Full resolution',
  requesterWaitMinutes: 'Requester wait',
  agentWorkMinutes: 'Agent work',
  firstReplyBusinessMinutes: 'First reply (business)',
  fullResolutionBusinessMinutes: 'Full resolution (business)',
  requesterWaitBusinessMinutes: 'Requester wait (business)',
  agentWorkBusinessMinutes: 'Agent work (business)',
};

export const AGENT_COLUMNS: readonly Column[] = [
  ...COUNTERS.map((key) => ({ key, label: LABELS[key] ?? key })),
  { key: 'csatScore', label: LABELS['csatScore'] as string },
  ...MINUTE_METRICS.flatMap((metric) => [
    { key: `${metric}.count`, label: `${LABELS[metric] ?? metric}: count` },
    { key: `${metric}.median`, label: `${LABELS[metric] ?? metric}: median (min)` },
    { key: `${metric}.p90`, label: `${LABELS[metric] ?? metric}: p90 (min)` },
  ]),
];

/** A column's value in a set of measures (null: no value, e.g. no rated ticket). */
export function columnValue(measures: Measures | null, key: string): number | null {
  if (measures === null) return key.includes('.') || key === 'csatScore' ? null : 0;
  const [metric, part] = key.split('.') as [string, string | undefined];
  const value = (measures as unknown as Record<string, unknown>)[metric];
  if (part === undefined) return (value as number | null) ?? null;
  return (value as Record<string, number | null> | undefined)?.[part] ?? null;
}

function deltaValue(agent: AgentComparison, key: string): number | null {
  const [metric, part] = key.split('.') as [string, string | undefined];
  const value = (agent.delta as unknown as Record<string, unknown>)[metric];
  if (part === undefined) return (value as number | null) ?? null;
  return (value as Record<string, number | null> | undefined)?.[part] ?? null;
}

const format = (value: number | null): string => (value === null ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(2));
const signed = (value: number | null): string => (value === null ? '' : value > 0 ? `+${format(value)}` : value < 0 ? `−${format(-value)}` : '±0');

export interface AgentsPageInput {
  readonly viewer: Viewer;
  readonly comparison: MetricsComparison;
  readonly preset: Preset;
  readonly groups: readonly { id: number; name: string }[];
  readonly brands: readonly { id: number; name: string }[];
  readonly groupId?: number | undefined;
  readonly brandId?: number | undefined;
  readonly sort: string;
  readonly dir: 'asc' | 'desc';
}

/** Rows in the order asked: by the column's current value (no value last), then by name and id. */
export function sortAgents(agents: readonly AgentComparison[], sort: string, dir: 'asc' | 'desc'): AgentComparison[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...agents].sort((a, b) => {
    if (sort === 'name') return sign * a.name.localeCompare(b.name) || a.agentId - b.agentId;
    const x = columnValue(a.current, sort);
    const y = columnValue(b.current, sort);
    if (x === null || y === null) return x === y ? a.agentId - b.agentId : x === null ? 1 : -1;
    return sign * (x - y) || a.name.localeCompare(b.name) || a.agentId - b.agentId;
  });
}

export function agentsPage(input: AgentsPageInput): Html {
  const { viewer, comparison } = input;
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ preset: input.preset, from: comparison.from, to: comparison.to });
    if (input.groupId !== undefined) params.set('group', String(input.groupId));
    if (input.brandId !== undefined) params.set('brand', String(input.brandId));
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return params.toString();
  };
  const csvQuery = new URLSearchParams({ from: comparison.from, to: comparison.to });
  if (input.groupId !== undefined) csvQuery.set('group', String(input.groupId));
  if (input.brandId !== undefined) csvQuery.set('brand', String(input.brandId));
  const header = (key: string, label: string) => {
    const active = input.sort === key;
    const next = active && input.dir === 'desc' ? 'asc' : 'desc';
    return html`<th scope="col" aria-sort="${active ? (input.dir === 'asc' ? 'ascending' : 'descending') : 'none'}"><a href="?${query({ sort: key, dir: next })}">${label}${active ? (input.dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
  };
  const rows = sortAgents(comparison.agents, input.sort, input.dir);
  return page({
    title: 'Agents',
    viewer,
    section: 'agents',
    scripts: ['/assets/agents.js'],
    body: html`
<form method="get" class="filters" aria-label="Range and filters" id="range-form">
  <div><label for="preset">Range</label>
  <select id="preset" name="preset">${PRESETS.map((preset) => html`<option value="${preset}"${preset === input.preset ? html` selected` : ''}>${PRESET_LABELS[preset]}</option>`)}</select></div>
  <div><label for="from">From</label><input id="from" name="from" type="date" value="${comparison.from}"></div>
  <div><label for="to">To</label><input id="to" name="to" type="date" value="${comparison.to}"></div>
  <div><label for="group">Group</label>
  <select id="group" name="group"><option value="">All groups</option>${input.groups.map((group) => html`<option value="${group.id}"${group.id === input.groupId ? html` selected` : ''}>${group.name}</option>`)}</select></div>
  <div><label for="brand">Brand</label>
  <select id="brand" name="brand"><option value="">All brands</option>${input.brands.map((brand) => html`<option value="${brand.id}"${brand.id === input.brandId ? html` selected` : ''}>${brand.name}</option>`)}</select></div>
  <div><button type="submit">Show</button></div>
</form>
<p class="range" id="range-caption">${comparison.from} to ${comparison.to} (${comparison.timeZone}), compared with ${comparison.previous.from} to ${comparison.previous.to}.
  <a href="/app/${viewer.tenant}/agents.csv?${csvQuery.toString()}" download>Download CSV</a></p>
${
  rows.length === 0
    ? html`<p class="notice" role="status">No agent has work in this range.</p>`
    : html`<div class="table-scroll" role="region" aria-labelledby="range-caption" tabindex="0">
<table class="metrics" id="agents-table">
<thead><tr>${header('name', 'Agent')}${AGENT_COLUMNS.map((column) => header(column.key, column.label))}</tr></thead>
<tbody>
${rows.map(
  (agent) => html`<tr data-agent="${agent.agentId}">
<th scope="row"><a href="/app/${viewer.tenant}/agents/${agent.agentId}?${new URLSearchParams({ from: comparison.from, to: comparison.to }).toString()}">${agent.name || `Agent ${agent.agentId}`}</a></th>
${AGENT_COLUMNS.map((column) => {
  const value = columnValue(agent.current, column.key);
  const delta = deltaValue(agent, column.key);
  return html`<td data-col="${column.key}" data-value="${value === null ? '' : String(value)}" data-delta="${delta === null ? '' : String(delta)}">${format(value)}${delta !== null && delta !== 0 ? html`<span class="delta ${delta > 0 ? 'up' : 'down'}">${signed(delta)}</span>` : ''}</td>`;
})}
</tr>`,
)}
</tbody>
</table>
</div>`
}`,
  });
}
