import type { Command } from 'commander';
import type { AgentMetrics, MetricsReport } from '../../metrics/metrics-report.js';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description("agent metrics over local days in the tenant's time zone (names and emails are decrypted for this output, and the read is audited)")
    .option('--tenant <id>', 'tenant id')
    .option('--from <day>', 'first local day, YYYY-MM-DD')
    .option('--to <day>', 'last local day, YYYY-MM-DD (inclusive)')
    .option('--agent <id>', 'only this agent (Zendesk user id)')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { tenant?: string; from?: string; to?: string; agent?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const report = await withApp(({ useCases }) => useCases.readMetrics({ tenant: flags.tenant, from: flags.from, to: flags.to, agent: flags.agent }));
      console.log(flags.format === 'json' ? JSON.stringify(report, null, 2) : metricsTable(report));
    });
}

/** Fits 80 columns: the name is cut to fit, minute metrics show medians. */
export function metricsTable(report: MetricsReport): string {
  const title = `${report.tenant} (${report.region}) ${report.from} to ${report.to}, days in ${report.timeZone}`;
  if (report.agents.length === 0) return `${title}\nno agent activity in this range`;
  const rows = report.agents.map((agent) => [
    cut(agent.name || String(agent.agentId), 18),
    String(agent.solves),
    String(agent.reopens),
    String(agent.publicReplies),
    String(agent.ticketsTouched),
    averageHandleMinutes(agent),
    agent.csatScore === null ? '-' : `${Math.round(agent.csatScore * 100)}%`,
    minutes(agent.firstReplyMinutes.median),
    minutes(agent.fullResolutionMinutes.median),
  ]);
  const table = formatTable(['AGENT', 'SOLVED', 'REOPEN', 'REPLIES', 'TOUCHED', 'AHT m', 'CSAT', 'FRT p50', 'RES p50'], rows);
  const legend = 'AHT: average handle time per ticket with time tracked, minutes.\nFRT/RES p50: median first reply and full resolution time, minutes.';
  return `${title}\n${table}\n${legend}`;
}

function averageHandleMinutes(agent: AgentMetrics): string {
  return agent.ticketsWithHandleTime === 0 ? '-' : (agent.handleTimeSeconds / agent.ticketsWithHandleTime / 60).toFixed(1);
}

const minutes = (value: number | null) => (value === null ? '-' : value >= 1000 ? value.toFixed(0) : value.toFixed(1));
const cut = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);
