/**
 * EarliestDeadline (src/deadlines.ts): one timer for many deadlines of one length, armed for the
 * earliest still pending. Each pending item expires exactly at its deadline, a settled one never,
 * and items that settle in time arm no timer of their own.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/actors/clock.ts';
import { EarliestDeadline } from '../src/deadlines.ts';

type Item = { id: number; at: number; settled: boolean };

/** A clock that also counts the timers set, and those armed and not yet fired or cleared. */
class CountingClock extends SimulatedClock {
  set = 0;
  armed = 0;
  maxArmed = 0;
  override setTimeout(fn: () => void, ms: number): unknown {
    this.set++;
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

/** An owner of items in a FIFO, as a mailbox or a Redis connection keeps them. */
function owner(ms: number, onExpire: (item: Item) => void = () => {}) {
  const clock = new CountingClock();
  const items: Item[] = [];
  const expired: { id: number; at: number }[] = [];
  const deadline = new EarliestDeadline(
    clock,
    () => items.find((item) => !item.settled)?.at,
    (now) => {
      for (const item of items) {
        if (item.settled) continue;
        if (item.at > now) break;
        item.settled = true;
        expired.push({ id: item.id, at: now });
        onExpire(item);
      }
    },
  );
  const add = (id: number) => {
    const item = { id, at: clock.now() + ms, settled: false };
    items.push(item);
    deadline.watch();
    return item;
  };
  return { clock, items, expired, deadline, add };
}

/** Moves the clock 1 ms at a time, so every timer fires when it is due. */
const walk = (clock: SimulatedClock, ms: number) => {
  for (let i = 0; i < ms; i++) clock.advance(1);
};

describe('EarliestDeadline', () => {
  it('expires each pending item exactly at its deadline, in order, and never a settled one', () => {
    const { clock, items, expired, add } = owner(1000);
    for (let i = 0; i < 10; i++) {
      add(i);
      walk(clock, 37);
    }
    for (const item of items) if (item.id % 3 === 0) item.settled = true;
    walk(clock, 2000);
    const pending = items.filter((item) => item.id % 3 !== 0);
    expect(expired.map((e) => e.id)).toEqual(pending.map((item) => item.id));
    for (const e of expired) expect(e.at).toBe(e.id * 37 + 1000);
  });

  it('sets one timer per deadline length, not one per item, for items that settle in time', () => {
    const { clock, expired, add } = owner(5000);
    for (let i = 0; i < 20_000; i++) {
      add(i).settled = true;
      if (i % 20 === 0) clock.advance(1);
    }
    // 1,000 ms passed: the first item's timer, set once, has not fired yet.
    expect(clock.set).toBe(1);
    walk(clock, 6000);
    expect(clock.set).toBeLessThanOrEqual(3);
    expect(clock.maxArmed).toBe(1);
    expect(clock.armed).toBe(0);
    expect(expired).toEqual([]);
  });

  it('takes an item added while another expires, and keeps one timer armed', () => {
    let o: ReturnType<typeof owner> | undefined;
    o = owner(100, (item) => {
      if (item.id === 1) o?.add(2);
    });
    o.add(1);
    walk(o.clock, 300);
    expect(o.expired).toEqual([
      { id: 1, at: 100 },
      { id: 2, at: 200 },
    ]);
    expect(o.clock.maxArmed).toBe(1);
  });

  it('expires nothing after stop', () => {
    const { clock, expired, deadline, add } = owner(100);
    add(1);
    deadline.stop();
    walk(clock, 500);
    expect(expired).toEqual([]);
    expect(clock.armed).toBe(0);
  });
});
