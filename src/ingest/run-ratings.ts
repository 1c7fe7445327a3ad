/**
 * The ratings one run of the ratings stream wrote, for a tenant that had none when the
 * run began: then the stored ratings of a ticket are exactly these, and the stream need
 * not read them back before replacing them (src/ingest/streams/satisfaction-ratings.ts).
 * A purge changes stored ratings (they credit nobody after it): the run then forgets
 * them and reads from the database again (src/ingest/sync-stream.ts).
 */
import type { StoredFact } from '../../schemas/records.js';

export class RunRatings {
  private first: Promise<boolean> | undefined;
  private valid = true;
  private readonly byTicket = new Map<number, Map<string, StoredFact>>();

  /** True while the run may answer from memory: the tenant had no ratings when it began, and no purge came since. */
  async firstOfTenant(hasRatings: () => Promise<boolean>): Promise<boolean> {
    this.first ??= hasRatings().then((has) => !has);
    return this.valid && (await this.first);
  }

  add(facts: readonly StoredFact[]): void {
    for (const fact of facts) {
      let ratings = this.byTicket.get(fact.ticketId);
      if (!ratings) this.byTicket.set(fact.ticketId, (ratings = new Map<string, StoredFact>()));
      ratings.set(fact._id, fact);
    }
  }

  of(ticketIds: readonly number[]): StoredFact[] {
    return [...new Set(ticketIds)].flatMap((ticketId) => [...(this.byTicket.get(ticketId)?.values() ?? [])]);
  }

  forget(): void {
    this.valid = false;
    this.byTicket.clear();
  }
}
