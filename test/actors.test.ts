import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/actors/clock.ts';
import { Mailbox, MailboxFullError, MailboxTimeoutError } from '../src/actors/mailbox.ts';
import { ActorRegistry } from '../src/actors/registry.ts';
import { type Settled, sendCalls } from '../src/lua/call.ts';
import { Code } from '../src/lua/codes.ts';
import { type Harness, startHarness } from './support/harness.ts';

const settle = <R>(values: R[]): Settled<R>[] => values.map((value) => ({ ok: true, value }));
const tick = () => new Promise((r) => setImmediate(r));

function recordingMailbox(options: Partial<{ capacity: number; maxBatch: number; timeoutMs: number }> = {}) {
  const clock = new SimulatedClock();
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  const gate = () => new Promise<void>((r) => (release = r));
  let blocked = gate();
  const mailbox = new Mailbox<number, number>(
    async (batch) => {
      batches.push(batch);
      await blocked;
      return settle(batch.map((n) => n * 10));
    },
    { capacity: 100, maxBatch: 64, timeoutMs: 1000, clock, ...options },
  );
  const open = () => {
    release?.();
    blocked = Promise.resolve();
  };
  return { mailbox, clock, batches, open };
}

describe('Mailbox', () => {
  it('runs the first message alone, then everything queued meanwhile as one batch, in order', async () => {
    const { mailbox, batches, open } = recordingMailbox();
    const answers = [1, 2, 3, 4, 5].map((n) => mailbox.enqueue(n));
    await tick();
    open();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('caps a batch at maxBatch', async () => {
    const { mailbox, batches, open } = recordingMailbox({ maxBatch: 2 });
    const answers = [1, 2, 3, 4, 5].map((n) => mailbox.enqueue(n));
    await tick();
    open();
    await Promise.all(answers);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('refuses at once when full, without running the refused message', async () => {
    const { mailbox, batches, open } = recordingMailbox({ capacity: 2 });
    const first = mailbox.enqueue(1); // taken off the queue and running
    await tick();
    const queued = [mailbox.enqueue(2), mailbox.enqueue(3)];
    await expect(mailbox.enqueue(4)).rejects.toBeInstanceOf(MailboxFullError);
    open();
    await Promise.all([first, ...queued]);
    expect(batches.flat()).toEqual([1, 2, 3]);
  });

  it('always takes the continuation of admitted work, even when full', async () => {
    const { mailbox, batches, open } = recordingMailbox({ capacity: 1 });
    const first = mailbox.enqueue(1);
    await tick();
    const queued = mailbox.enqueue(2);
    await expect(mailbox.enqueue(3)).rejects.toBeInstanceOf(MailboxFullError);
    const next = mailbox.enqueue(4, true);
    open();
    expect(await Promise.all([first, queued, next])).toEqual([10, 20, 40]);
    expect(batches.flat()).toEqual([1, 2, 4]);
  });

  it('drops a message still queued at its deadline, so it never runs', async () => {
    const { mailbox, clock, batches, open } = recordingMailbox({ timeoutMs: 100 });
    const first = mailbox.enqueue(1);
    await tick();
    const late = mailbox.enqueue(2);
    clock.advance(150);
    await expect(late).rejects.toMatchObject({ started: false });
    open();
    await first.catch(() => {});
    expect(batches.flat()).toEqual([1]);
  });

  it('rejects a running message at its deadline as started', async () => {
    const { mailbox, clock } = recordingMailbox({ timeoutMs: 100 });
    const running = mailbox.enqueue(1);
    await tick();
    clock.advance(150);
    await expect(running).rejects.toBeInstanceOf(MailboxTimeoutError);
    await expect(running).rejects.toMatchObject({ started: true });
  });

  it('rejects only the callers of a failing batch and goes on with the next', async () => {
    let calls = 0;
    const mailbox = new Mailbox<number, number>(
      async (batch) => {
        calls++;
        if (batch.includes(2)) throw new Error('boom');
        return settle(batch);
      },
      { capacity: 10, maxBatch: 1, timeoutMs: 1000, clock: new SimulatedClock() },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => mailbox.enqueue(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toBe(3);
  });
});

describe('ActorRegistry', () => {
  const actor = () => ({
    idle: true,
    stopped: false,
    stop() {
      this.stopped = true;
    },
  });

  it('returns the same actor for a key and evicts it only after idleMs unused', () => {
    const clock = new SimulatedClock();
    const registry = new ActorRegistry(actor, { idleMs: 1000, clock });
    const a = registry.get('s1');
    expect(registry.get('s1')).toBe(a);
    clock.advance(999);
    expect(registry.sweep()).toBe(0);
    clock.advance(1);
    expect(registry.sweep()).toBe(1);
    expect(a.stopped).toBe(true);
    expect(registry.get('s1')).not.toBe(a);
  });

  it('keeps an actor that still has work, however old', () => {
    const clock = new SimulatedClock();
    const busy = { idle: false, stop() {} };
    const registry = new ActorRegistry(() => busy, { idleMs: 10, clock });
    registry.get('u1');
    clock.advance(1000);
    expect(registry.sweep()).toBe(0);
    expect(registry.size).toBe(1);
  });

  it('stops every actor on stopAll', () => {
    const registry = new ActorRegistry(actor, { idleMs: 10, clock: new SimulatedClock() });
    const all = ['a', 'b', 'c'].map((k) => registry.get(k));
    registry.stopAll();
    expect(all.every((a) => a.stopped)).toBe(true);
    expect(registry.size).toBe(0);
  });
});

describe('script calls against Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers each call of one pipeline with its own decoded reply, a failing script failing only its own', async () => {
    const s = h.deps.scripts;
    const open = s.createStore('batch-store', 'owner', 1);
    const taken = s.createStore('batch-store', 'other', 2);
    // No order lines: the script's HMGET has no field, so Redis fails this script alone.
    const broken = s.reserveStock('batch-store', {
      orderId: 'o',
      buyer: 'b',
      now: 1,
      deadline: 2,
      lines: [],
    });
    const restock = s.addStockLevel('batch-store', 'owner', 'missing-book', 1);
    const results = await sendCalls(h.redis, [open, taken, broken, restock]);
    const decoded = (i: number, call: { decode(raw: unknown): unknown }) => {
      const result = results[i];
      return result?.ok ? call.decode(result.value) : result?.error;
    };
    expect(decoded(0, open)).toEqual({ code: Code.OK });
    expect(decoded(1, taken)).toEqual({ code: Code.STORE_EXISTS, owner: 'owner' });
    expect(results[2]?.ok).toBe(false);
    expect(decoded(3, restock)).toEqual({ code: Code.BOOK_MISSING });
  });

  it("refuses a reply that is not of the script's shape instead of reading it by position", () => {
    const call = h.deps.scripts.reserveStock('s', {
      orderId: 'o',
      buyer: 'b',
      now: 1,
      deadline: 2,
      lines: [['x', 1]],
    });
    expect(() => call.decode('OK')).toThrow(/unexpected reply of script reserveStock/);
    expect(() => call.decode([])).toThrow(/unexpected reply/);
  });
});
