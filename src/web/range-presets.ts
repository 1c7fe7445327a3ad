/**
 * The agents page's ranges (docs/dashboard.md#agents): presets resolved to local days in the
 * tenant's time zone, as `tally metrics --from --to` takes them. Pure.
 */
import { DateTime } from 'luxon';

export const PRESETS = ['last7', 'last30', 'last90', 'this-month', 'last-month', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Readonly<Record<Preset, string>> = {
  last7: 'Last 7 days',
  last30: 'Last 30 days',
  last90: 'Last 90 days',
  'this-month': 'This month',
  'last-month': 'Last month',
  custom: 'Custom dates',
};

/** The days of a preset on the tenant's today; `custom` keeps the given days. */
export function presetRange(preset: Preset, timeZone: string, now: Date, custom?: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const day = (at: DateTime) => at.toISODate() as string;
  switch (preset) {
    case 'last7':
      return { from: day(today.minus({ days: 6 })), to: day(today) };
    case 'last30':
      return { from: day(today.minus({ days: 29 })), to: day(today) };
    case 'last90':
      return { from: day(today.minus({ days: 89 })), to: day(today) };
    case 'this-month':
      return { from: day(today.startOf('month')), to: day(today) };
    case 'last-month': {
      const last = today.startOf('month').minus({ months: 1 });
      return { from: day(last), to: day(last.endOf('month')) };
    }
    case 'custom':
      return { from: custom?.from ?? day(today.minus({ days: 29 })), to: custom?.to ?? day(today) };
  }
}
