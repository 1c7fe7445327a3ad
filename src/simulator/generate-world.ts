/**
 * Pure, seeded generation of a Zendesk account's history as a discrete-event
 * simulation: each ticket's life is a coroutine that acts at the current
 * simulated time and yields how long to wait before its next step. The same
 * options always give the same world. `advanceTo` is what live mode calls as real
 * time passes.
 */
import { Random } from './random.js';
import {
  CANARY,
  LAST_TIME_FIELD_TITLE,
  type MetricEventType,
  type MetricName,
  type RatingScore,
  type SimMetricEvent,
  type SimTicket,
  type SimUpdate,
  type SimUser,
  SYSTEM_USER_ID,
  type TicketField,
  type TicketStatus,
  TOTAL_TIME_FIELD_TITLE,
  type World,
} from './world.js';

export interface AccountSpec {
  readonly account: string;
  readonly seed: number;
  /** Staff (agents and admins) to create; at least 4 (one is inactive, one suspended). */
  readonly agents: number;
  readonly days: number;
  readonly ticketsPerDay: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Static history ends this long before `now`, outside the exports' one-minute blind spot. */
export const HISTORY_END_MARGIN_MS = 5 * MINUTE;

const FIRST_NAMES = ['Ada', 'Bo', 'Chen', 'Dara', 'Eli', 'Femi', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia'];
const LAST_NAMES = ['Abe', 'Berg', 'Costa', 'Diaz', 'Eke', 'Fox', 'Gray', 'Holm', 'Ito', 'Jensen', 'Kim', 'Lund'];
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Europe/Dublin'];
const VIA_AGENT = ['Web form', 'Mail', 'API'];
const GROUP_IDS = [360_000_100_001, 360_000_100_002, 360_000_100_003] as const;
const BRAND_IDS = [360_000_200_001, 360_000_200_002] as const;

type Life = Generator<number, void, void>;

interface Scheduled {
  at: number;
  seq: number;
  life: Life;
}

interface MetricClock {
  instance: number;
  runningSince: number | null;
  accumulatedMs: number;
}

interface TicketRuntime {
  ticket: SimTicket;
  random: Random;
  lastSolverId: number | null;
  metrics: Partial<Record<MetricName, MetricClock>>;
}

export class WorldGenerator {
  readonly world: World;
  private readonly random: Random;
  /** Group and brand choices: a stream of their own, so every other draw is as before dimensions existed. */
  private readonly dimensionRandom: Random;
  private readonly queue: Scheduled[] = [];
  private seq = 0;
  private nextId = { user: 360_000_000_000, ticket: 1, update: 900_000_000_000, metric: 700_000_000_000, rating: 50_000_000_000, comment: 800_000_000_000 };
  private clock: number;
  private arrivalMeanMs: number;
  private gapScale = 1;
  private readonly arrivalLife: Life;
  private readonly staff: SimUser[];
  private readonly endUsers: SimUser[];

  constructor(spec: AccountSpec, start: number) {
    if (spec.agents < 4) throw new Error('agents must be at least 4 (one admin, one inactive, one suspended, one active agent)');
    if (spec.ticketsPerDay <= 0 || spec.days <= 0) throw new Error('days and ticketsPerDay must be positive');
    this.random = new Random(spec.seed);
    this.dimensionRandom = new Random((spec.seed ^ 0x9e3779b9) >>> 0);
    this.clock = floorSecond(start);
    this.arrivalMeanMs = DAY / spec.ticketsPerDay;
    const fieldIds = { total: 360_041_597_112, last: 360_041_597_113 };
    const ticketFields: TicketField[] = [
      { id: 360_000_000_001, title: 'Subject', type: 'subject' },
      { id: 360_000_000_002, title: 'Description', type: 'description' },
      { id: 360_000_000_003, title: 'Status', type: 'status' },
      { id: 360_000_000_004, title: 'Assignee', type: 'assignee' },
      { id: fieldIds.total, title: TOTAL_TIME_FIELD_TITLE, type: 'integer' },
      { id: fieldIds.last, title: LAST_TIME_FIELD_TITLE, type: 'integer' },
      { id: 360_000_000_007, title: 'Product', type: 'tagger' },
    ];
    this.staff = this.makeStaff(spec.agents);
    this.endUsers = Array.from({ length: Math.max(20, spec.agents * 6) }, (_, index) => this.makeEndUser(index));
    const dimension = (id: number, name: string) => ({ id, name: `${name} ${CANARY}-${id}`, createdAt: this.clock - 600 * DAY, updatedAt: this.clock - 200 * DAY });
    this.world = {
      account: spec.account,
      users: [...this.staff, ...this.endUsers],
      groups: [dimension(GROUP_IDS[0], 'Support'), dimension(GROUP_IDS[1], 'Billing'), dimension(GROUP_IDS[2], 'Escalations')],
      brands: [dimension(BRAND_IDS[0], 'Acme Shop'), dimension(BRAND_IDS[1], 'Acme Pro')],
      tickets: [],
      updates: [],
      metricEvents: [],
      ratings: [],
      ticketFields,
      timeFields: fieldIds,
      credentialUserId: (this.staff[0] as SimUser).id,
    };
    this.arrivalLife = this.arrivals();
    this.schedule(this.clock + Math.round(this.random.exponential(this.arrivalMeanMs)), this.arrivalLife);
  }

  /** Simulated time up to which the world is generated. */
  get now(): number {
    return this.clock;
  }

  /** Runs every step due at or before `time`. */
  advanceTo(time: number): void {
    const until = floorSecond(time);
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.pop();
      this.clock = next.at;
      const step = next.life.next();
      if (!step.done) this.schedule(this.clock + Math.max(SECOND, floorSecond(step.value * this.gapScale)), next.life);
    }
    this.clock = Math.max(this.clock, until);
  }

  /**
   * Live mode: `ticketsPerMinute` new tickets, and each ticket's steps `compression`
   * times closer together, from the current clock on. Steps already scheduled at the
   * old pace move closer by the same factor, and the next arrival is drawn again at
   * the new rate: otherwise the first live ticket would come hours later.
   */
  setLivePace(ticketsPerMinute: number, compression: number): void {
    const factor = 1 / compression / this.gapScale;
    this.arrivalMeanMs = MINUTE / ticketsPerMinute;
    this.gapScale = 1 / compression;
    for (const item of this.queue) {
      const wait = item.life === this.arrivalLife ? this.random.exponential(this.arrivalMeanMs) : (item.at - this.clock) * factor;
      item.at = this.clock + Math.max(SECOND, floorSecond(wait));
    }
    // A sorted array is a valid heap.
    this.queue.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  private *arrivals(): Life {
    for (;;) {
      this.createTicket();
      yield Math.max(SECOND, this.random.exponential(this.arrivalMeanMs)) / this.gapScale;
    }
  }

  private makeStaff(count: number): SimUser[] {
    const admins = Math.max(1, Math.round(count / 8));
    return Array.from({ length: count }, (_, index) => {
      const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
      const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] as string;
      const id = this.nextId.user++;
      return {
        id,
        name: `${first} ${last}`,
        email: `${first}.${last}.${index}@support.example`.toLowerCase(),
        role: index < admins ? 'admin' : 'agent',
        // The last two staff: one deleted (inactive), one suspended; both keep their history.
        active: index !== count - 2,
        suspended: index === count - 1,
        createdAt: this.clock - 400 * DAY,
        updatedAt: this.clock - 300 * DAY,
        ianaTimeZone: this.random.pick(ZONES),
      };
    });
  }

  private makeEndUser(index: number): SimUser {
    const id = this.nextId.user++;
    return {
      id,
      name: `Customer ${index} ${CANARY}-name-${id}`,
      email: `${CANARY.toLowerCase()}-${id}@customers.example`,
      role: 'end-user',
      active: true,
      suspended: false,
      createdAt: this.clock - 500 * DAY,
      updatedAt: this.clock - 500 * DAY,
      ianaTimeZone: 'Europe/London',
    };
  }

  /** Staff who can work tickets now: active and not suspended (history of the others stays). */
  private workingStaff(): SimUser[] {
    return this.staff.filter((user) => user.active && !user.suspended);
  }

  private createTicket(): void {
    const random = this.random.fork(this.nextId.ticket);
    const requester = random.pick(this.endUsers);
    const id = this.nextId.ticket++;
    const ticket: SimTicket = {
      id,
      createdAt: this.clock,
      requesterId: requester.id,
      subject: `Order question ${id} ${CANARY}-subject`,
      updates: [],
      status: 'new',
      assigneeId: null,
      groupId: this.dimensionRandom.pick(GROUP_IDS),
      brandId: this.dimensionRandom.chance(0.7) ? BRAND_IDS[0] : BRAND_IDS[1],
      totalTimeSpent: null,
      lastTimeSpent: null,
      deletedAt: null,
      generatedAt: this.clock,
      updatedAt: this.clock,
    };
    this.world.tickets.push(ticket);
    const runtime: TicketRuntime = { ticket, random, lastSolverId: null, metrics: {} };
    this.update(runtime, {
      actorId: requester.id,
      via: 'Mail',
      create: true,
      status: 'new',
      comment: { authorId: requester.id, public: true, body: `Hello, my order is late. ${CANARY}-body-${id}` },
    });
    for (const metric of ['reply_time', 'requester_wait_time', 'agent_work_time', 'resolution_time'] as const) {
      this.startMetric(runtime, metric);
    }
    if (random.chance(0.2)) {
      this.metricEvent(ticket.id, 1, 'reply_time', 'apply_sla', { sla: { target: 60, businessHours: false, policyId: 1 } });
    }
    this.schedule(this.clock + Math.round(random.int(5, 240) * MINUTE * this.gapScale), this.life(runtime));
  }

  private *life(runtime: TicketRuntime): Life {
    const { ticket, random } = runtime;
    let assignee = random.pick(this.workingStaff());
    const assigner = random.chance(0.7) ? assignee : random.pick(this.workingStaff());
    // Now and then triage moves the ticket to its other brand (a mail sent to the wrong address).
    const rebrand = this.dimensionRandom.chance(0.05) ? { brandId: ticket.brandId === BRAND_IDS[0] ? BRAND_IDS[1] : BRAND_IDS[0] } : {};
    this.update(runtime, {
      actorId: assigner.id,
      via: random.pick(VIA_AGENT),
      status: 'open',
      assigneeId: assignee.id,
      ...rebrand,
      ...(random.chance(0.3) ? { comment: { authorId: assigner.id, public: false, body: `Triage note ${CANARY}-note` } } : {}),
    });

    for (let round = 0; ; round++) {
      // Work until solved: replies, customer answers, notes, reassignments.
      for (let exchange = 0; exchange < random.int(1, 3); exchange++) {
        yield random.int(10, 300) * MINUTE;
        if (ticket.deletedAt !== null) return;
        const replier = random.chance(0.85) ? assignee : random.pick(this.workingStaff());
        const goesPending = random.chance(0.6);
        this.update(runtime, {
          actorId: replier.id,
          via: random.pick(VIA_AGENT),
          ...(goesPending ? { status: 'pending' as const } : {}),
          comment: { authorId: replier.id, public: true, body: `We are looking into it. ${CANARY}-reply` },
          ...this.timeEntry(runtime, random.chance(0.6) ? random.int(60, 1800) : 0),
        });
        this.fulfilReply(runtime);
        if (random.chance(0.12)) {
          yield random.int(5, 120) * MINUTE;
          const next = random.pick(this.workingStaff());
          if (next.id !== assignee.id) {
            const actor = random.chance(0.5) ? assignee : random.pick(this.staff.filter((u) => u.role === 'admin'));
            // Half the reassignments also move the ticket to another group, mid-life.
            const regroup = this.dimensionRandom.chance(0.5) ? { groupId: this.dimensionRandom.pick(GROUP_IDS.filter((id) => id !== ticket.groupId)) } : {};
            this.update(runtime, { actorId: actor.id, via: 'Web form', assigneeId: next.id, ...regroup });
            assignee = next;
          }
        }
        if (random.chance(0.05)) {
          yield random.int(1, 30) * MINUTE;
          // A manual correction of the Time Tracking total: a negative change that counts.
          this.update(runtime, {
            actorId: assignee.id,
            via: 'Web form',
            comment: { authorId: assignee.id, public: false, body: `Correcting time ${CANARY}-note` },
            ...this.timeEntry(runtime, -Math.min(ticket.totalTimeSpent ?? 0, random.int(30, 300))),
          });
        }
        if (random.chance(0.5)) {
          yield random.int(30, 600) * MINUTE;
          this.customerReply(runtime);
        }
      }

      yield random.int(10, 240) * MINUTE;
      if (ticket.deletedAt !== null) return;
      if (random.chance(0.03)) {
        this.deleteTicket(runtime);
        return;
      }
      this.solve(runtime, assignee);
      if (random.chance(0.55)) this.scheduleRating(runtime);

      yield random.int(2, 72) * HOUR;
      if (ticket.deletedAt !== null || ticket.status !== 'solved') return;
      if (round < 2 && random.chance(0.15)) {
        this.customerReply(runtime); // reopens: credited to the last solver
        continue;
      }
      yield 4 * DAY;
      if (ticket.status === 'solved' && ticket.deletedAt === null) {
        this.update(runtime, { actorId: SYSTEM_USER_ID, via: 'Closed by merge', status: 'closed' });
      }
      return;
    }
  }

  private solve(runtime: TicketRuntime, assignee: SimUser): void {
    const { ticket, random } = runtime;
    const how = random.next();
    if (how < 0.1) {
      // An automation solves a pending ticket; the credit still goes to the assignee.
      this.update(runtime, {
        actorId: SYSTEM_USER_ID,
        via: 'Rule',
        status: 'solved',
        notification: { subject: `Your request ${ticket.id} ${CANARY}-notify`, body: `Solved ${CANARY}-notify-body` },
      });
    } else if (how < 0.2) {
      // A colleague solves and takes the ticket in the same update: credit to the new assignee.
      const colleague = random.pick(this.workingStaff());
      this.update(runtime, {
        actorId: colleague.id,
        via: 'Web form',
        status: 'solved',
        assigneeId: colleague.id,
        comment: { authorId: colleague.id, public: true, body: `Solved for you ${CANARY}-reply` },
        ...this.timeEntry(runtime, random.int(60, 600)),
      });
      this.fulfilReply(runtime);
    } else {
      const replying = random.chance(0.5);
      this.update(runtime, {
        actorId: assignee.id,
        via: random.pick(VIA_AGENT),
        status: 'solved',
        ...(replying ? { comment: { authorId: assignee.id, public: true, body: `All done ${CANARY}-reply` } } : {}),
        ...this.timeEntry(runtime, random.chance(0.7) ? random.int(60, 900) : 0),
      });
      if (replying) this.fulfilReply(runtime);
    }
    runtime.lastSolverId = ticket.assigneeId;
  }

  private customerReply(runtime: TicketRuntime): void {
    const { ticket } = runtime;
    if (ticket.deletedAt !== null || ticket.status === 'closed') return;
    const reopening = ticket.status === 'solved';
    this.update(runtime, {
      actorId: ticket.requesterId,
      via: 'Mail',
      ...(ticket.status !== 'open' ? { status: 'open' as const } : {}),
      comment: { authorId: ticket.requesterId, public: true, body: `Any news? ${CANARY}-customer` },
    });
    if (reopening) {
      for (const metric of ['requester_wait_time', 'agent_work_time', 'resolution_time'] as const) {
        this.startMetric(runtime, metric);
      }
    }
    this.startMetric(runtime, 'reply_time', true);
  }

  /** Deleted tickets keep their history in the ticket events export; only their state says "deleted". */
  private deleteTicket(runtime: TicketRuntime): void {
    const { ticket } = runtime;
    ticket.deletedAt = this.clock;
    ticket.generatedAt = this.clock;
    ticket.updatedAt = this.clock;
  }

  private scheduleRating(runtime: TicketRuntime): void {
    const { ticket, random } = runtime;
    const life = function* (this: WorldGenerator): Life {
      yield random.int(1, 24) * HOUR;
      if (ticket.deletedAt !== null || ticket.assigneeId === null) return;
      const unoffered = random.chance(0.08);
      const rating = {
        id: this.nextId.rating++,
        ticketId: ticket.id,
        assigneeId: ticket.assigneeId,
        groupId: ticket.groupId,
        requesterId: ticket.requesterId,
        score: (unoffered ? 'unoffered' : 'offered') as RatingScore,
        comment: '',
        reason: 'No reason provided',
        createdAt: this.clock,
        updatedAt: this.clock,
      };
      this.world.ratings.push(rating);
      if (unoffered || random.chance(0.2)) return;
      yield random.int(1, 48) * HOUR;
      rating.score = random.chance(0.8) ? 'good' : 'bad';
      rating.comment = `Thanks ${CANARY}-rating-comment`;
      rating.updatedAt = this.clock;
      if (!random.chance(0.15)) return;
      yield random.int(1, 72) * HOUR;
      if (ticket.deletedAt !== null || ticket.assigneeId === null) return;
      const flipped: RatingScore = rating.score === 'good' ? 'bad' : 'good';
      if (random.chance(0.5)) {
        rating.score = flipped; // re-rated as an update of the same record
        rating.updatedAt = this.clock;
      } else {
        this.world.ratings.push({
          ...rating,
          id: this.nextId.rating++,
          assigneeId: ticket.assigneeId,
          score: flipped,
          comment: `Changed my mind ${CANARY}-rating-comment`,
          createdAt: this.clock,
          updatedAt: this.clock,
        });
      }
    }.call(this);
    this.schedule(this.clock + SECOND, life);
  }

  private timeEntry(runtime: TicketRuntime, seconds: number): Pick<UpdateSpec, 'timeSpentDelta'> {
    return seconds === 0 ? {} : { timeSpentDelta: seconds };
  }

  private update(runtime: TicketRuntime, spec: UpdateSpec): SimUpdate {
    const { ticket } = runtime;
    const before = { status: ticket.status, assigneeId: ticket.assigneeId };
    const statusChange =
      spec.status !== undefined && (spec.create || spec.status !== ticket.status)
        ? { from: spec.create ? null : ticket.status, to: spec.status }
        : undefined;
    const assigneeChange =
      spec.assigneeId !== undefined && spec.assigneeId !== ticket.assigneeId
        ? { from: ticket.assigneeId, to: spec.assigneeId }
        : undefined;
    const groupChange = spec.create
      ? { from: null, to: ticket.groupId }
      : spec.groupId !== undefined && spec.groupId !== ticket.groupId
        ? { from: ticket.groupId, to: spec.groupId }
        : undefined;
    const brandChange = spec.create
      ? { from: null, to: ticket.brandId }
      : spec.brandId !== undefined && spec.brandId !== ticket.brandId
        ? { from: ticket.brandId, to: spec.brandId }
        : undefined;
    let timeSpent: SimUpdate['timeSpent'];
    if (spec.timeSpentDelta !== undefined) {
      const total = (ticket.totalTimeSpent ?? 0) + spec.timeSpentDelta;
      timeSpent = {
        previousTotal: ticket.totalTimeSpent,
        total,
        previousLast: ticket.lastTimeSpent,
        last: spec.timeSpentDelta,
      };
      ticket.totalTimeSpent = total;
      ticket.lastTimeSpent = spec.timeSpentDelta;
    }
    const update: SimUpdate = {
      id: this.nextId.update++,
      ticketId: ticket.id,
      at: this.clock,
      actorId: spec.actorId,
      via: spec.via,
      create: spec.create ?? false,
      ...(statusChange ? { status: statusChange } : {}),
      ...(assigneeChange ? { assignee: assigneeChange } : {}),
      ...(groupChange ? { group: groupChange } : {}),
      ...(brandChange ? { brand: brandChange } : {}),
      ...(timeSpent ? { timeSpent } : {}),
      ...(spec.comment ? { comment: { id: this.nextId.comment++, ...spec.comment } } : {}),
      ...(spec.notification ? { notification: { id: this.nextId.comment++, ...spec.notification } } : {}),
    };
    ticket.updates.push(update);
    this.world.updates.push(update);
    if (statusChange) ticket.status = statusChange.to;
    if (assigneeChange) ticket.assigneeId = assigneeChange.to;
    if (groupChange) ticket.groupId = groupChange.to;
    if (brandChange) ticket.brandId = brandChange.to;
    ticket.generatedAt = this.clock;
    ticket.updatedAt = this.clock;
    if (statusChange && !spec.create) this.onStatusChange(runtime, before.status, statusChange.to);
    return update;
  }

  private onStatusChange(runtime: TicketRuntime, from: TicketStatus, to: TicketStatus): void {
    const waiting = (status: TicketStatus) => status === 'new' || status === 'open' || status === 'hold';
    const working = (status: TicketStatus) => status === 'new' || status === 'open';
    for (const [metric, running] of [
      ['requester_wait_time', waiting],
      ['agent_work_time', working],
    ] as const) {
      if (to === 'solved') continue; // fulfilled by fulfilOnSolve
      if (running(from) && !running(to)) this.pauseMetric(runtime, metric);
      if (!running(from) && running(to) && from !== 'solved') this.resumeMetric(runtime, metric);
    }
    if (to === 'solved') {
      for (const metric of ['requester_wait_time', 'agent_work_time', 'resolution_time'] as const) {
        this.fulfilMetric(runtime, metric);
      }
    }
  }

  private startMetric(runtime: TicketRuntime, metric: MetricName, nextInstance = false): void {
    const existing = runtime.metrics[metric];
    if (existing && existing.runningSince !== null) return;
    const clock: MetricClock =
      existing && !nextInstance ? existing : { instance: (existing?.instance ?? 0) + 1, runningSince: null, accumulatedMs: 0 };
    clock.runningSince = this.clock;
    runtime.metrics[metric] = clock;
    this.metricEvent(runtime.ticket.id, clock.instance, metric, 'activate');
  }

  private pauseMetric(runtime: TicketRuntime, metric: MetricName): void {
    const clock = runtime.metrics[metric];
    if (!clock || clock.runningSince === null) return;
    clock.accumulatedMs += this.clock - clock.runningSince;
    clock.runningSince = null;
    this.metricEvent(runtime.ticket.id, clock.instance, metric, 'pause');
  }

  private resumeMetric(runtime: TicketRuntime, metric: MetricName): void {
    const clock = runtime.metrics[metric];
    if (!clock || clock.runningSince !== null) return;
    clock.runningSince = this.clock;
    this.metricEvent(runtime.ticket.id, clock.instance, metric, 'activate');
  }

  private fulfilReply(runtime: TicketRuntime): void {
    this.fulfilMetric(runtime, 'reply_time');
  }

  /** Stops a running metric and reports its value: a fulfil event plus update_status with the minutes. */
  private fulfilMetric(runtime: TicketRuntime, metric: MetricName): void {
    const clock = runtime.metrics[metric];
    if (!clock) return;
    if (clock.runningSince === null && metric === 'reply_time') return;
    if (clock.runningSince !== null) clock.accumulatedMs += this.clock - clock.runningSince;
    clock.runningSince = null;
    const calendarMs = metric === 'resolution_time' ? this.clock - runtime.ticket.createdAt : clock.accumulatedMs;
    const calendar = Math.round(calendarMs / MINUTE);
    const { random } = runtime;
    this.metricEvent(runtime.ticket.id, clock.instance, metric, 'fulfill');
    this.metricEvent(runtime.ticket.id, clock.instance, metric, 'update_status', {
      status: { calendar, business: Math.round(calendar * 0.35) },
    });
    if (random.chance(0.03)) {
      // A withdrawn event: consumers must ignore it.
      this.metricEvent(runtime.ticket.id, clock.instance, metric, 'update_status', {
        status: { calendar: calendar + 999, business: calendar + 999 },
        deleted: true,
      });
    }
    if (metric === 'reply_time' && random.chance(0.1)) {
      this.metricEvent(runtime.ticket.id, clock.instance, metric, 'breach');
    }
  }

  private metricEvent(
    ticketId: number,
    instanceId: number,
    metric: MetricName,
    type: MetricEventType,
    extra: Pick<SimMetricEvent, 'status' | 'sla' | 'deleted'> = {},
  ): void {
    this.world.metricEvents.push({ id: this.nextId.metric++, ticketId, instanceId, metric, type, time: this.clock, ...extra });
  }

  private schedule(at: number, life: Life): void {
    const item = { at: floorSecond(at), seq: this.seq++, life };
    const heap = this.queue;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index] as Scheduled, heap[parent] as Scheduled)) break;
      [heap[index], heap[parent]] = [heap[parent] as Scheduled, heap[index] as Scheduled];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.queue;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left] as Scheduled, heap[smallest] as Scheduled)) smallest = left;
      if (right < heap.length && before(heap[right] as Scheduled, heap[smallest] as Scheduled)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest] as Scheduled, heap[index] as Scheduled];
      index = smallest;
    }
  }
}

interface UpdateSpec {
  actorId: number;
  via: string;
  create?: boolean;
  status?: TicketStatus;
  assigneeId?: number;
  groupId?: number;
  brandId?: number;
  timeSpentDelta?: number;
  comment?: { authorId: number; public: boolean; body: string };
  notification?: { subject: string; body: string };
}

const before = (a: Scheduled, b: Scheduled) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

/** A complete static history: `days` of activity ending shortly before `now`. */
export function generateWorld(spec: AccountSpec, now: number): WorldGenerator {
  const generator = new WorldGenerator(spec, now - spec.days * DAY);
  generator.advanceTo(now - HISTORY_END_MARGIN_MS);
  return generator;
}
