/**
 * Notices a Redis that stopped answering while its connection stays open (paused, stuck, a network
 * that drops packets), where ioredis would keep writing commands that wait out their deadline. A PING
 * goes out every `everyMs`; while one has had no answer for `stallMs`, Redis counts as stalled and
 * every other command is refused at once, before it is sent (so it cannot run later, when Redis
 * resumes): requests answer 503 at once, with no effect. The PINGs go on; the first answer ends the
 * stall. A closed connection is left to ioredis (no offline queue: refused at once too).
 */
import type { Cluster, Redis } from 'ioredis';
import { STALLED } from './outage.ts';

type Send = (command: { reject(error: Error): void; promise: Promise<unknown> }, stream?: unknown) => unknown;

export interface StallGuard {
  readonly stalled: boolean;
  stop(): void;
}

/** The guard of each guarded client, and the tasks waiting for its Redis to answer again. */
const guarded = new WeakMap<object, StallGuard>();
const waiting = new WeakMap<object, (() => void)[]>();

/**
 * Runs `task` (which sends a command) now when Redis answers, else once it answers again: after a
 * stall, when a PING is answered (so every command sent before it has run); after a lost connection,
 * once connected again.
 */
export function whenAnswering(client: Redis | Cluster, task: () => void): void {
  const tasks = waiting.get(client);
  if (client.status === 'ready' && !(tasks && guarded.get(client)?.stalled)) task();
  else if (tasks) tasks.push(task);
  else client.once('ready', task);
}

export function guardStalls(client: Redis, stallMs: number, everyMs = 250): StallGuard {
  let stalled = false;
  let pingSentAt: number | undefined;
  let probing = false;
  const target = client as unknown as { sendCommand: Send };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command, stream) => {
    if (stalled && !probing) {
      command.reject(new Error(`${STALLED} for over ${stallMs} ms; not sent`));
      return command.promise;
    }
    return send(command, stream);
  };

  const tasks: (() => void)[] = [];
  waiting.set(client, tasks);
  const reset = () => {
    stalled = false;
    pingSentAt = undefined;
  };
  const answering = () => {
    reset();
    for (const task of tasks.splice(0)) task();
  };
  client.on('ready', answering);
  client.on('close', reset);

  let lastTick = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    // A tick late by much means this process was busy, not Redis: its PING answer may be unread.
    const late = now - lastTick - everyMs;
    lastTick = now;
    if (client.status !== 'ready') return;
    if (pingSentAt !== undefined) {
      if (now - pingSentAt > stallMs && late < stallMs / 2) stalled = true;
      return;
    }
    pingSentAt = now;
    probing = true;
    const ping = client.ping();
    probing = false;
    ping.then(answering, () => {
      pingSentAt = undefined;
    });
  }, everyMs);
  timer.unref?.();

  const guard = {
    get stalled() {
      return stalled;
    },
    stop: () => clearInterval(timer),
  };
  guarded.set(client, guard);
  return guard;
}
