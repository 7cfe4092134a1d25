/**
 * The shared client's deadline per command: a command still unanswered `ms` after it was sent fails
 * with ioredis's own "Command timed out" (redis/outage.ts reads it as sent and unanswered). ioredis's
 * `commandTimeout` option does the same with a timer per command; here one `Deadlines`
 * (../deadlines.ts) keeps them all, for every node of a Cluster too.
 */
import type { Redis } from 'ioredis';
import { type DeadlineClock, Deadlines } from '../deadlines.ts';

/** What of an ioredis command this needs (ioredis sets `isSettled` once it is answered or failed). */
interface Command {
  isSettled?: boolean;
  reject(error: Error): void;
}

type Send = (command: Command, stream?: unknown) => unknown;

/** Timers that do not keep the process alive. */
const unrefClock: DeadlineClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const commandDeadlines = (ms: number) =>
  new Deadlines<Command>(ms, unrefClock, {
    pending: (command) => !command.isSettled,
    expire: (command) => command.reject(new Error('Command timed out')),
  });

/** Gives every command `node` sends from now on a deadline in `deadlines`. */
export function applyDeadlines(node: Redis, deadlines: Deadlines<Command>): void {
  const target = node as unknown as { sendCommand: Send };
  const send = target.sendCommand.bind(node);
  target.sendCommand = (command, stream) => {
    const sent = send(command, stream);
    if (!command.isSettled) deadlines.add(command);
    return sent;
  };
}
