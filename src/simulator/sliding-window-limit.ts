/** A request limit over a sliding window: at most `limit` admitted requests in any `windowMs`. */
export class SlidingWindowLimit {
  private readonly admitted: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Admits and records the request, or says how long until one would be admitted. */
  take(now: number): { admitted: boolean; remaining: number; resetMs: number } {
    this.expire(now);
    const inWindow = this.admitted.length - this.head;
    if (inWindow < this.limit) {
      this.admitted.push(now);
      return { admitted: true, remaining: this.limit - inWindow - 1, resetMs: this.resetMs(now) };
    }
    return { admitted: false, remaining: 0, resetMs: this.resetMs(now) };
  }

  /** Without taking: how many requests the window still admits. */
  remaining(now: number): number {
    this.expire(now);
    return Math.max(0, this.limit - (this.admitted.length - this.head));
  }

  private resetMs(now: number): number {
    const oldest = this.admitted[this.head];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
  }

  private expire(now: number): void {
    while (this.head < this.admitted.length && (this.admitted[this.head] as number) <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.admitted.length) {
      this.admitted.splice(0, this.head);
      this.head = 0;
    }
  }
}
