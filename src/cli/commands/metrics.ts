import type { Command } from 'commander';
import { csvDocument } from '../../metrics/csv.js';
import { comparisonCsv, metricsCsv } from '../../metrics/csv-report.js';
import {
  type AgentComparison,
  type DailySeries,
  MEASURE_COLUMNS,
  measureCells,
  type Measures,
  type MetricsComparison,
  type MetricsReport,
} from '../../metrics/metrics-report.js';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface MetricsFlags {
  tenant?: string;
  from?: string;
  to?: string;
  agent?: string;
  group?: string;
  brand?: string;
  format: string;
  compare?: string;
  daily?: boolean;
}

export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description("agent metrics over local days in the tenant's time zone (names and emails are decrypted for this output, and the read is audited)")
    .option('--tenant <id>', 'tenant id')
    .option('--from <day>', 'first local day, YYYY-MM-DD')
    .option('--to <day>', 'last local day, YYYY-MM-DD (inclusive)')
    .option('--agent <id>', 'only this agent (Zendesk user id)')
    .option('--group <id>', 'only work on tickets while they were in this group (Zendesk group id)')
    .option('--brand <id>', 'only work on tickets while they were in this brand (Zendesk brand id)')
    .option('--compare <period>', 'previous: also the period of the same length just before, with deltas')
    .option('--daily', "with --agent: the agent's numbers for every day of the range")
    .option('--format <format>', 'table, json or csv', 'table')
    .action(async (flags: MetricsFlags) => {
      if (!(FORMATS as readonly string[]).includes(flags.format)) throw new InputError('--format', '--format must be table, json or csv');
      const format = flags.format as Format;
      if (flags.compare !== undefined && flags.compare !== 'previous') throw new InputError('--compare', '--compare must be previous (the period of the same length just before)');
      if (flags.compare !== undefined && flags.daily) throw new InputError('--compare', '--compare and --daily do not combine: ask for the daily series of the earlier range instead');
      if (flags.daily && flags.agent === undefined) throw new InputError('--agent', '--daily needs --agent: the Zendesk user id of the agent whose days to show');
      const input = { tenant: flags.tenant, from: flags.from, to: flags.to, agent: flags.agent, group: flags.group, brand: flags.brand };
      const output = await withApp(async ({ useCases }) => {
        if (flags.daily) return dailyOutput(await useCases.readDailySeries(input), format);
        if (flags.compare !== undefined) return comparisonOutput(await useCases.compareMetrics(input), format);
        return reportOutput(await useCases.readMetrics(input), format);
      }, { decrypts: true });
      process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    });
}

function reportOutput(report: MetricsReport, format: Format): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'csv') return metricsCsv(report);
  return metricsTable(report);
}

function comparisonOutput(comparison: MetricsComparison, format: Format): string {
  if (format === 'json') return JSON.stringify(comparison, null, 2);
  if (format === 'csv') return comparisonCsv(comparison);
  return comparisonTable(comparison);
}

function dailyOutput(series: DailySeries, format: Format): string {
  if (format === 'json') return JSON.stringify(series, null, 2);
  if (format === 'csv') return csvDocument(['day', ...MEASURE_COLUMNS], series.days.map((day) => [day.day, ...measureCells(day)]));
  return dailyTable(series);
}

/** Fits 80 columns: the name is cut to fit, minute metrics show medians. */
export function metricsTable(report: MetricsReport): string {
  const title = `${report.tenant} (${report.region}) ${report.from} to ${report.to}, days in ${report.timeZone}${filterTitle(report)}`;
  if (report.agents.length === 0) return `${title}\nno agent activity in this range`;
  const rows = report.agents.map((agent) => [cut(agent.name || String(agent.agentId), 15), ...measureRow(agent)]);
  const table = formatTable(['AGENT', ...MEASURE_HEADER], rows);
  return `${title}\n${table}\n${LEGEND}`;
}

/** Each cell is the range's value and, after it, the change from the period before. */
export function comparisonTable(comparison: MetricsComparison): string {
  const title = `${comparison.tenant} (${comparison.region}) ${comparison.from} to ${comparison.to}, days in ${comparison.timeZone}${filterTitle(comparison)}\ncompared with ${comparison.previous.from} to ${comparison.previous.to}`;
  if (comparison.agents.length === 0) return `${title}\nno agent activity in either range`;
  const rows = comparison.agents.map((agent: AgentComparison) => {
    const now = agent.current;
    const before = agent.previous;
    return [
      cut(agent.name || String(agent.agentId), 16),
      counterCell(now?.solves ?? 0, agent.delta.solves),
      counterCell(now?.reopens ?? 0, agent.delta.reopens),
      counterCell(now?.publicReplies ?? 0, agent.delta.publicReplies),
      `${csat(now?.csatScore ?? null)}${signed(agent.delta.csatScore === null ? null : Math.round(agent.delta.csatScore * 100))}`,
      `${minutes(now?.firstReplyMinutes.median ?? null)}${signed(medianDelta(now, before, 'firstReplyMinutes'))}`,
      `${minutes(now?.fullResolutionMinutes.median ?? null)}${signed(medianDelta(now, before, 'fullResolutionMinutes'))}`,
    ];
  });
  const table = formatTable(['AGENT', 'SOLVED', 'REOPEN', 'REPLIES', 'CSAT', 'FRT p50', 'RES p50'], rows);
  return `${title}\n${table}\nEach cell: this range, then the change (CSAT in points, medians in minutes).\n${LEGEND}`;
}

/** One line per day of the range. */
export function dailyTable(series: DailySeries): string {
  const title = `${cut(series.agent.name || String(series.agent.agentId), 24)} in ${series.tenant} (${series.region}), ${series.from} to ${series.to}, days in ${series.timeZone}`;
  const rows = series.days.map((day) => [day.day, ...measureRow(day)]);
  const table = formatTable(['DAY', ...MEASURE_HEADER], rows);
  return `${title}\n${table}\n${LEGEND}`;
}

const MEASURE_HEADER = ['SOLVED', 'REOPEN', '1TOUCH', 'REPLY', 'TOUCH', 'AHT m', 'CSAT', 'FRT', 'RES'];

/** The group and brand a report is filtered by, names cleaned like every cell. */
function filterTitle(report: Pick<MetricsReport, 'group' | 'brand'>): string {
  const part = (label: string, value: { id: number; name: string } | undefined) => (value ? `, ${label} ${cut(value.name || String(value.id), 30)} (${value.id})` : '');
  return `${part('group', report.group)}${part('brand', report.brand)}`;
}

/** The cells under MEASURE_HEADER. */
function measureRow(measures: Measures): string[] {
  return [
    String(measures.solves),
    String(measures.reopens),
    String(measures.oneTouchTickets),
    String(measures.publicReplies),
    String(measures.ticketsTouched),
    averageHandleMinutes(measures),
    csat(measures.csatScore),
    minutes(measures.firstReplyMinutes.median),
    minutes(measures.fullResolutionMinutes.median),
  ];
}

const LEGEND = [
  'REPLY: public agent replies. TOUCH: tickets updated, per day.',
  '1TOUCH: tickets solved with one agent reply.',
  'AHT: average handle time per ticket with time tracked, minutes.',
  'FRT/RES: median first reply and full resolution time, calendar minutes',
  '(business-hours minutes are in --format json and csv).',
].join('\n');

function medianDelta(now: Measures | null, before: Measures | null, metric: 'firstReplyMinutes' | 'fullResolutionMinutes'): number | null {
  const a = now?.[metric].median ?? null;
  const b = before?.[metric].median ?? null;
  return a === null || b === null ? null : Math.round(a - b);
}

function averageHandleMinutes(measures: Measures): string {
  return measures.ticketsWithHandleTime === 0 ? '-' : (measures.handleTimeSeconds / measures.ticketsWithHandleTime / 60).toFixed(1);
}

const counterCell = (value: number, delta: number) => `${value}${signed(delta)}`;
const signed = (delta: number | null) => (delta === null ? '' : ` ${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta)}`);
const csat = (score: number | null) => (score === null ? '-' : `${Math.round(score * 100)}%`);
const minutes = (value: number | null) => (value === null ? '-' : value >= 1000 ? value.toFixed(0) : value.toFixed(1));
/** A name cut to fit, its control characters (line breaks, terminal escapes) shown as spaces. */
function cut(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return plain.length <= width ? plain : `${plain.slice(0, width - 1)}…`;
}
