/**
 * A generic actor mailbox: an async FIFO that runs one batch at a time. When several messages are
 * waiting, up to `maxBatch` of them are handed to `run` together (an actor turns them into one Redis
 * pipeline). The queue is bounded: a full mailbox refuses new work at once, while the continuation of
 * work already admitted (the next step of a saga) is always taken. Every message has a deadline; one
 * still queued at its deadline is dropped, so it has no effect. A failing message rejects its own
 * caller and never stalls the queue. One timer per mailbox keeps the deadlines, armed for the
 * earliest message still pending (../deadlines.ts), not a timer per message.
 */
import { EarliestDeadline } from '../deadlines.ts';
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
  /** its deadline (clock time) */
  at: number;
  /** answered, failed or expired */
  settled: boolean;
}

export interface MailboxOptions {
  capacity: number;
  maxBatch: number;
  timeoutMs: number;
  clock: Clock;
}

export class Mailbox<T, R> {
  private queue: Entry<T, R>[] = [];
  /** the batch being run */
  private running: Entry<T, R>[] = [];
  private busy = false;
  private stopped = false;
  private readonly deadline: EarliestDeadline;

  constructor(
    private readonly run: (batch: T[]) => Promise<Settled<R>[]>,
    private readonly options: MailboxOptions,
  ) {
    this.deadline = new EarliestDeadline(
      options.clock,
      () => this.earliest(),
      (now) => this.expire(now),
    );
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
      const at = this.options.clock.now() + this.options.timeoutMs;
      this.queue.push({ message, resolve, reject, at, settled: false });
      this.deadline.watch();
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

  /** The earliest deadline pending: the running batch's messages came before the queued ones. */
  private earliest(): number | undefined {
    for (const entry of this.running) if (!entry.settled) return entry.at;
    return this.queue[0]?.at;
  }

  /** Fails what is due: a running message as started; a queued one is dropped, so it never runs. */
  private expire(now: number): void {
    for (const entry of this.running) {
      if (entry.settled || entry.at > now) continue;
      entry.settled = true;
      entry.reject(new MailboxTimeoutError(true));
    }
    while (this.queue[0] && this.queue[0].at <= now) {
      const entry = this.queue.shift() as Entry<T, R>;
      entry.settled = true;
      entry.reject(new MailboxTimeoutError(false));
    }
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running = batch;
      let results: Settled<R>[];
      try {
        results = await this.run(batch.map((entry) => entry.message));
      } catch (error) {
        results = batch.map(() => ({ ok: false, error }));
      }
      this.running = [];
      batch.forEach((entry, i) => {
        if (entry.settled) return;
        entry.settled = true;
        const result = results[i] ?? { ok: false, error: new Error('no result for message') };
        if (result.ok) entry.resolve(result.value);
        else entry.reject(result.error);
      });
    }
    this.busy = false;
  }
}
