/**
 * One timer for many deadlines of one length. Deadlines of equal length fall due in the order they
 * were set, so the only one that needs a timer is the earliest still pending: the timer is armed for
 * it, and when it fires everything due is expired and the timer is armed for the next pending one.
 * Work that settles in time costs nothing here: no setTimeout and clearTimeout per item (on Deno each
 * is a call into the runtime's timer queue; a checkout pair, three Redis commands and two actor
 * messages, set and cleared five), and no list of items kept alive for the timer's sake (the
 * owner's own queue says what is pending).
 *
 * Used for the shared Redis client's deadline per command (redis/command-deadlines.ts) and each
 * actor's deadline per message (actors/mailbox.ts).
 */

/** The timer functions it needs (actors/clock.ts's Clock has them). */
export interface DeadlineClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The system's clock, with timers that do not keep the process alive. */
export const unrefClock: DeadlineClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class EarliestDeadline {
  private timer: unknown;

  /**
   * `next`: the earliest deadline still pending (undefined: none); `expire`: fails everything
   * pending whose deadline is at or before `now`.
   */
  constructor(
    private readonly clock: DeadlineClock,
    private readonly next: () => number | undefined,
    private readonly expire: (now: number) => void,
  ) {}

  /** Something with a deadline was added: arms the timer if it is not armed. */
  watch(): void {
    if (this.timer === undefined) this.arm();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    const at = this.next();
    if (at === undefined) return;
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.expire(this.clock.now());
    this.arm();
  };
}
