import { type Command, InvalidArgumentError, Option } from 'commander';
import { FAULT_KINDS, type FaultKind } from '../../simulator/faults.js';
import { createZendeskSimulator, type SimulatedAccountOptions } from '../../simulator/server.js';

const positiveInt = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number`);
  return Number(value);
};
const positiveNumber = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return parsed;
};
const atLeastFour = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 4) {
    throw new InvalidArgumentError('--agents must be a whole number of at least 4 (one admin, one inactive, one suspended, one working agent)');
  }
  return Number(value);
};
const probability = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('--faults must be between 0 and 1');
  return parsed;
};
const accountName = (value: string, previous: string[] | undefined) => {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) {
    throw new InvalidArgumentError('--account must be a Zendesk subdomain: lower-case letters, digits and dashes');
  }
  return [...(previous ?? []), value];
};
const faultKinds = (value: string): FaultKind[] => {
  const kinds = value.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown fault kinds ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
};

interface SimulatorFlags {
  port: number;
  host: string;
  seed: number;
  account: string[];
  agents: number;
  days: number;
  ticketsPerDay: number;
  rateLimit: number;
  exportRateLimit: number;
  usersExportRateLimit: number;
  speed: number;
  faults: number;
  faultKinds?: FaultKind[];
  live: boolean;
  liveTicketsPerMinute: number;
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('run the Zendesk simulator: seeded accounts behind a real HTTP server, until SIGTERM')
    .option('--port <port>', 'port to listen on (0 picks a free one)', (value) => Number(value), 4010)
    .addOption(new Option('--host <host>', 'loopback address to listen on').default('127.0.0.1').choices(['127.0.0.1', '::1', 'localhost']))
    .option('--seed <n>', 'seed of the generated data', positiveInt('--seed'), 42)
    .option('--account <name>', 'account (subdomain) to simulate; repeat for several', accountName)
    .option('--agents <n>', 'agents and admins per account (at least 4)', atLeastFour, 25)
    .option('--days <n>', 'days of history', positiveInt('--days'), 30)
    .option('--tickets-per-day <n>', 'new tickets per day', positiveInt('--tickets-per-day'), 200)
    .option('--rate-limit <n>', 'account-wide requests per minute', positiveInt('--rate-limit'), 700)
    .option('--export-rate-limit <n>', 'incremental export requests per minute', positiveInt('--export-rate-limit'), 10)
    .option('--users-export-rate-limit <n>', 'users cursor export requests per minute', positiveInt('--users-export-rate-limit'), 20)
    .option('--speed <factor>', 'run rate-limit windows and Retry-After this many times faster', positiveNumber('--speed'), 1)
    .option('--faults <p>', 'probability of a fault per request', probability, 0)
    .option('--fault-kinds <list>', `comma-separated subset of: ${FAULT_KINDS.join(', ')}`, faultKinds)
    .option('--live', 'keep generating new activity while running', false)
    .option('--live-tickets-per-minute <n>', 'new tickets per minute in live mode', positiveInt('--live-tickets-per-minute'), 30)
    .action(async (flags: SimulatorFlags) => {
      const names = flags.account ?? ['acme'];
      const accounts: SimulatedAccountOptions[] = names.map((account, index) => ({
        account,
        seed: flags.seed + index,
        agents: flags.agents,
        days: flags.days,
        ticketsPerDay: flags.ticketsPerDay,
        rateLimit: flags.rateLimit,
        exportRateLimit: flags.exportRateLimit,
        usersExportRateLimit: flags.usersExportRateLimit,
      }));
      const simulator = createZendeskSimulator({
        accounts,
        speed: flags.speed,
        faultSeed: flags.seed,
        ...(flags.faults > 0 ? { faults: { probability: flags.faults, ...(flags.faultKinds ? { kinds: flags.faultKinds } : {}) } } : {}),
        ...(flags.live ? { live: { ticketsPerMinute: flags.liveTicketsPerMinute } } : {}),
      });
      const base = await simulator.listen(flags.port, flags.host);
      console.log(`Zendesk simulator on ${base} (seed ${flags.seed}${flags.live ? ', live' : ''})`);
      for (const account of simulator.accounts.values()) {
        const world = account.generator.world;
        console.log(
          JSON.stringify({
            account: account.name,
            url: simulator.rootUrl(account.name),
            email: account.email,
            token: account.token,
            tickets: world.tickets.length,
            ticketEvents: world.updates.length,
          }),
        );
      }
      console.log(`ground truth: ${base}/_sim/ground-truth?account=NAME&timeZone=IANA[&group=ID][&brand=ID]; request log: ${base}/_sim/requests`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
      });
      await simulator.close();
    });
}
