/**
 * Deadlines (src/deadlines.ts): one timer for many deadlines of one length. Each expires exactly at
 * its deadline while pending, never once settled, and the settled ones are dropped as time goes on.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/actors/clock.ts';
import { Deadlines } from '../src/deadlines.ts';

type Item = { id: number; settled: boolean };

/** A clock that also counts the timers armed and not yet fired or cleared. */
class CountingClock extends SimulatedClock {
  armed = 0;
  maxArmed = 0;
  override setTimeout(fn: () => void, ms: number): unknown {
    this.armed++;
    this.maxArmed = Math.max(this.maxArmed, this.armed);
    return super.setTimeout(() => {
      this.armed--;
      fn();
    }, ms);
  }
  override clearTimeout(handle: unknown): void {
    this.armed--;
    super.clearTimeout(handle);
  }
}

function setup(ms = 1000) {
  const clock = new CountingClock();
  const expired: { id: number; at: number }[] = [];
  const deadlines = new Deadlines<Item>(ms, clock, {
    pending: (item) => !item.settled,
    expire: (item) => {
      item.settled = true;
      expired.push({ id: item.id, at: clock.now() });
    },
  });
  return { clock, expired, deadlines };
}

/** Moves the clock 1 ms at a time, so every timer fires when it is due. */
const walk = (clock: SimulatedClock, ms: number) => {
  for (let i = 0; i < ms; i++) clock.advance(1);
};

describe('Deadlines', () => {
  it('expires each pending item exactly at its deadline, in order, and never a settled one', () => {
    const { clock, expired, deadlines } = setup(1000);
    const items: Item[] = [];
    for (let i = 0; i < 10; i++) {
      const item = { id: i, settled: false };
      items.push(item);
      deadlines.add(item);
      walk(clock, 37);
    }
    for (const item of items) if (item.id % 3 === 0) item.settled = true;
    walk(clock, 2000);
    const pending = items.filter((item) => item.id % 3 !== 0);
    expect(expired.map((e) => e.id)).toEqual(pending.map((item) => item.id));
    for (const e of expired) expect(e.at).toBe(e.id * 37 + 1000);
  });

  it('keeps at most one timer armed, and drops settled items as it goes', () => {
    const { clock, expired, deadlines } = setup(5000);
    for (let i = 0; i < 20_000; i++) {
      const item = { id: i, settled: false };
      deadlines.add(item);
      item.settled = true;
      if (i % 20 === 0) clock.advance(1);
    }
    expect(clock.maxArmed).toBe(1);
    // 1,000 ms of simulated time passed: only the last 100 ms (one sweep) can still be held.
    expect(deadlines.size).toBeLessThanOrEqual(100 * 20 + 20);
    walk(clock, 6000);
    expect(deadlines.size).toBe(0);
    expect(clock.armed).toBe(0);
    expect(expired).toEqual([]);
  });

  it('takes a deadline set while another expires, and keeps one timer', () => {
    const { clock, expired, deadlines } = setup(100);
    const later: Item = { id: 2, settled: false };
    const first: Item = { id: 1, settled: false };
    const chained = new Deadlines<Item>(100, clock, {
      pending: (item) => !item.settled,
      expire: (item) => {
        item.settled = true;
        expired.push({ id: item.id, at: clock.now() });
        if (item === first) chained.add(later);
      },
    });
    chained.add(first);
    walk(clock, 300);
    expect(expired).toEqual([
      { id: 1, at: 100 },
      { id: 2, at: 200 },
    ]);
    expect(clock.maxArmed).toBe(1);
    expect(deadlines.size).toBe(0);
  });

  it('expires nothing after clear', () => {
    const { clock, expired, deadlines } = setup(100);
    deadlines.add({ id: 1, settled: false });
    deadlines.clear();
    walk(clock, 500);
    expect(expired).toEqual([]);
    expect(clock.armed).toBe(0);
  });
});
