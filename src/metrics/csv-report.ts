/** Metrics reports as CSV documents (docs/metrics.md#csv): what `--format csv` prints and `GET …/metrics.csv` sends. Pure. */
import { csvDocument, type CsvCell } from './csv.js';
import { MEASURE_COLUMNS, measureCells, type MetricsComparison, type MetricsReport } from './metrics-report.js';

/** One row per agent (docs/metrics.md#csv). */
export function metricsCsv(report: MetricsReport): string {
  return csvDocument(
    ['agentId', 'name', 'email', ...MEASURE_COLUMNS],
    report.agents.map((agent): CsvCell[] => [agent.agentId, agent.name, agent.email, ...measureCells(agent)]),
  );
}

/** One row per agent: the range's measures, the previous period's, and the deltas. */
export function comparisonCsv(comparison: MetricsComparison): string {
  const prefixed = (prefix: string) => MEASURE_COLUMNS.map((column) => `${prefix}.${column}`);
  return csvDocument(
    ['agentId', 'name', 'email', ...MEASURE_COLUMNS, ...prefixed('previous'), ...prefixed('delta')],
    comparison.agents.map((agent): CsvCell[] => [agent.agentId, agent.name, agent.email, ...measureCells(agent.current), ...measureCells(agent.previous), ...measureCells(agent.delta)]),
  );
}

