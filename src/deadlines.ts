/**
 * Deadlines of one length, kept by one timer instead of a timer each. Deadlines of equal length fall
 * due in the order they were set, so they wait in a FIFO: the timer is armed for the first one still
 * pending (exactly at its deadline), and every `sweepMs` at most meanwhile to drop the ones settled
 * in between. What one deadline costs is a push onto an array, where a timer of its own is a
 * setTimeout and a clearTimeout: on Deno each of those is a call into the runtime's timer queue, and
 * a checkout (three Redis commands, two actor messages) set and cleared five of them.
 *
 * Used for the shared Redis client's deadline per command (redis/command-deadlines.ts) and the
 * actors' deadline per message (actors/mailbox.ts).
 */

/** The timer functions it needs (actors/clock.ts's Clock has them; its timers do not hold the process). */
export interface DeadlineClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DeadlineRules<T> {
  /** still waiting for its outcome: only these can expire */
  pending(item: T): boolean;
  /** its deadline passed while pending */
  expire(item: T): void;
}

/** How often at most the settled deadlines are dropped while some are set. */
const SWEEP_MS = 100;

export class Deadlines<T> {
  private queue: { at: number; item: T }[] = [];
  private head = 0;
  private timer: unknown;

  constructor(
    readonly ms: number,
    private readonly clock: DeadlineClock,
    private readonly rules: DeadlineRules<T>,
  ) {}

  /** Starts `item`'s deadline: `ms` from now. */
  add(item: T): void {
    this.queue.push({ at: this.clock.now() + this.ms, item });
    if (this.timer === undefined) this.arm();
  }

  /** Deadlines set and not yet dropped (settled ones are dropped within `SWEEP_MS`). */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Forgets every deadline; none expires. */
  clear(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }

  /** Arms the timer unless it is armed (an `expire` that sets a deadline arms it during a sweep). */
  private arm(): void {
    const first = this.queue[this.head];
    if (!first || this.timer !== undefined) return;
    const wait = Math.min(Math.max(0, first.at - this.clock.now()), SWEEP_MS);
    this.timer = this.clock.setTimeout(this.sweep, wait);
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.head < this.queue.length) {
      const first = this.queue[this.head] as { at: number; item: T };
      const pending = this.rules.pending(first.item);
      if (pending && first.at > now) break;
      this.head++;
      if (pending) this.rules.expire(first.item);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.arm();
  };
}
