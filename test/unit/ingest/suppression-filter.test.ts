import { describe, expect, it } from 'vitest';
import { scrubTicket, withoutSuppressedQuarantine } from '../../../src/ingest/suppression-filter.js';

const suppressed = (id: number) => id === 7;
const AT = new Date('2026-11-20T10:00:00.000Z');

describe('scrubTicket', () => {
  it('replaces a suppressed assignee, last solver and past assignee with null', () => {
    const ticket = { _id: 't:1', assigneeId: 7, lastSolverId: 7, assignments: [{ at: AT, agentId: 7 }, { at: AT, agentId: 8 }] };
    expect(scrubTicket(ticket, suppressed)).toEqual({ _id: 't:1', assigneeId: null, lastSolverId: null, assignments: [{ at: AT, agentId: null }, { at: AT, agentId: 8 }] });
  });

  it('keeps other agents and adds no field the ticket did not have', () => {
    expect(scrubTicket({ _id: 't:2', assigneeId: 8 }, suppressed)).toEqual({ _id: 't:2', assigneeId: 8 });
  });
});

describe('withoutSuppressedQuarantine', () => {
  it('drops a suppressed user’s users-stream entry only', () => {
    const entry = (stream: 'users' | 'tickets', recordId: string) => ({ _id: `a:${stream}:${recordId}`, tenantId: 'acme', stream, recordId, errors: [], at: AT });
    expect(withoutSuppressedQuarantine([entry('users', '7'), entry('users', '8'), entry('tickets', '7')], suppressed).map((e) => e._id)).toEqual(['a:users:8', 'a:tickets:7']);
  });
});
