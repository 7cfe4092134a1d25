/**
 * A generic actor mailbox: an async FIFO that runs one batch at a time. When several messages are
 * waiting, up to `maxBatch` of them are handed to `run` together (an actor turns them into one Redis
 * pipeline). The queue is bounded: a full mailbox refuses new work at once, while the continuation of
 * work already admitted (the next step of a saga) is always taken. Every message has a deadline; one
 * still queued at its deadline is dropped, so it has no effect. A failing message rejects its own
 * caller and never stalls the queue.
 */
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
  timer: unknown;
}

export interface MailboxOptions {
  capacity: number;
  maxBatch: number;
  timeoutMs: number;
  clock: Clock;
}

export class Mailbox<T, R> {
  private queue: Entry<T, R>[] = [];
  private busy = false;
  private stopped = false;

  constructor(
    private readonly run: (batch: T[]) => Promise<Settled<R>[]>,
    private readonly options: MailboxOptions,
  ) {}

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
      const entry: Entry<T, R> = { message, resolve, reject, timer: undefined };
      entry.timer = this.options.clock.setTimeout(() => this.expire(entry), this.options.timeoutMs);
      this.queue.push(entry);
      if (!this.busy) void this.drain();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.queue.splice(0)) {
      this.options.clock.clearTimeout(entry.timer);
      entry.reject(new Error('mailbox stopped'));
    }
  }

  private expire(entry: Entry<T, R>): void {
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
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
        this.options.clock.clearTimeout(entry.timer);
        const result = results[i] ?? { ok: false, error: new Error('no result for message') };
        if (result.ok) entry.resolve(result.value);
        else entry.reject(result.error);
      });
    }
    this.busy = false;
  }
}
