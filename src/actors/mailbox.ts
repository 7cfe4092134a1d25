/**
 * A generic actor mailbox: an async FIFO that runs one batch at a time. When several messages are
 * waiting, up to `maxBatch` of them are handed to `run` together (an actor turns them into one Redis
 * pipeline). The queue is bounded: a full mailbox refuses new work at once, while the continuation of
 * work already admitted (the next step of a saga) is always taken. Every message has a deadline; one
 * still queued at its deadline is dropped, so it has no effect. A failing message rejects its own
 * caller and never stalls the queue. The deadlines of all the mailboxes of an actor system are kept
 * by one `Deadlines` (../deadlines.ts), not a timer per message.
 */
import { Deadlines } from '../deadlines.ts';
import type { Settled } from '../lua/call.ts';
import type { Clock } from './clock.ts';

export class MailboxFullError extends Error {
  constructor() {
    super('mailbox full');
  }
}

export class MailboxTimeoutError extends Error {
  constructor(readonly started: boolean) {
    super(started ? 'deadline passed while running' : 'deadline passed while queued');
  }
}

interface Entry<T, R> {
  message: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
  /** answered, failed or expired: its deadline no longer applies */
  settled: boolean;
  owner: Mailbox<T, R>;
}

// biome-ignore lint/suspicious/noExplicitAny: one deadline queue serves mailboxes of any message type
type AnyEntry = Entry<any, any>;

/** The deadlines of messages, `timeoutMs` each: one for all the mailboxes that share it. */
export const messageDeadlines = (timeoutMs: number, clock: Clock) =>
  new Deadlines<AnyEntry>(timeoutMs, clock, {
    pending: (entry) => !entry.settled,
    expire: (entry) => entry.owner.expire(entry),
  });

export interface MailboxOptions {
  capacity: number;
  maxBatch: number;
  timeoutMs: number;
  clock: Clock;
  /** shared by the mailboxes of an actor system (`timeoutMs` long); else the mailbox has its own */
  deadlines?: Deadlines<AnyEntry>;
}

export class Mailbox<T, R> {
  private queue: Entry<T, R>[] = [];
  private busy = false;
  private stopped = false;
  private readonly deadlines: Deadlines<AnyEntry>;

  constructor(
    private readonly run: (batch: T[]) => Promise<Settled<R>[]>,
    private readonly options: MailboxOptions,
  ) {
    this.deadlines = options.deadlines ?? messageDeadlines(options.timeoutMs, options.clock);
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }

  get size(): number {
    return this.queue.length;
  }

  /** `continuation`: the next step of work admitted earlier; never refused for a full mailbox. */
  enqueue(message: T, continuation = false): Promise<R> {
    if (this.stopped) return Promise.reject(new Error('mailbox stopped'));
    if (!continuation && this.queue.length >= this.options.capacity)
      return Promise.reject(new MailboxFullError());
    return new Promise<R>((resolve, reject) => {
      const entry: Entry<T, R> = { message, resolve, reject, settled: false, owner: this };
      this.deadlines.add(entry);
      this.queue.push(entry);
      if (!this.busy) void this.drain();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.queue.splice(0)) {
      entry.settled = true;
      entry.reject(new Error('mailbox stopped'));
    }
  }

  /** Its deadline passed (called by the deadlines): dropped if still queued, else failed as started. */
  expire(entry: Entry<T, R>): void {
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
    entry.settled = true;
    entry.reject(new MailboxTimeoutError(index < 0));
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      let results: Settled<R>[];
      try {
        results = await this.run(batch.map((entry) => entry.message));
      } catch (error) {
        results = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((entry, i) => {
        entry.settled = true;
        const result = results[i] ?? { ok: false, error: new Error('no result for message') };
        if (result.ok) entry.resolve(result.value);
        else entry.reject(result.error);
      });
    }
    this.busy = false;
  }
}
