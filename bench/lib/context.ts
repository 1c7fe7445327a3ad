/** What the driver gives every case, and what a case gives back. */
import type { Summary } from './stats.js';
import type { RunningSimulator, WorldSize } from './simulator.js';

export interface SizeSpec {
  /** Short label, e.g. "100k": the ticket events targeted. */
  readonly label: string;
  readonly world: WorldSize;
}

export interface Measurement {
  readonly case: string;
  readonly name: string;
  readonly size?: string;
  readonly unit: string;
  /** Repeated runs; a single figure has one value. */
  readonly summary: Summary;
  readonly note?: string;
}

/** One backfill kept for the cases that need a synced database (ceilings, metrics). */
export interface BackfillRun {
  readonly size: SizeSpec;
  readonly run: number;
  readonly databaseUri: string;
  readonly seconds: number;
  readonly ticketEvents: number;
}

export interface BenchContext {
  readonly sizes: readonly SizeSpec[];
  readonly runs: number;
  /** The MongoDB server, without a database. */
  readonly mongoUrl: string;
  /** A fresh database URI; the driver drops every database it handed out at the end. */
  freshDatabase(tag: string): string;
  drop(uri: string): Promise<void>;
  /** The size's simulator with rate limits out of reach, started once and shared by the cases. */
  simulator(size: SizeSpec): Promise<RunningSimulator>;
  /** First day of the simulated history (YYYY-MM-DD, UTC), the backfills' sync start. */
  syncStart(size: SizeSpec): string;
  readonly backfills: BackfillRun[];
  log(message: string): void;
}

export interface BenchCase {
  readonly name: string;
  run(context: BenchContext): Promise<Measurement[]>;
}
