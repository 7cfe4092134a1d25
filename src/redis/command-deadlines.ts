/**
 * The shared client's deadline per command on a single Redis: a command still unanswered `ms` after
 * it was sent fails with ioredis's own "Command timed out" (redis/outage.ts reads it as sent and
 * unanswered). ioredis's `commandTimeout` option does the same with a timer per command. Here one
 * timer is armed for the oldest command in flight (../deadlines.ts): Redis answers a connection's
 * commands in order, so ioredis's queue of commands in flight is already oldest first. (A Cluster
 * keeps ioredis's option: its commands wait in more than one queue.)
 */
import type { Redis } from 'ioredis';
import { unrefClock as clock, EarliestDeadline } from '../deadlines.ts';

/** What of an ioredis command this needs (ioredis sets `isSettled` once it is answered or failed). */
interface Command {
  isSettled?: boolean;
  reject(error: Error): void;
  /** set here: when its deadline passes */
  deadline?: number;
}

type Send = (command: Command, stream?: unknown) => unknown;

/** ioredis's commands in flight on the connection, oldest first (a private field of the client). */
interface InFlight {
  length: number;
  peekAt(index: number): { command: Command } | undefined;
}

/** Gives every command `client` sends from now on a deadline `ms` later; stop() ends the watch. */
export function commandDeadlines(client: Redis, ms: number): { stop(): void } {
  const inFlight = (): InFlight | undefined => Reflect.get(client, 'commandQueue');
  const pendingFrom = function* () {
    const queue = inFlight();
    for (let i = 0; queue && i < queue.length; i++) {
      const command = queue.peekAt(i)?.command;
      if (command && !command.isSettled) yield command;
    }
  };
  const deadline = new EarliestDeadline(
    clock,
    () => pendingFrom().next().value?.deadline,
    (now) => {
      for (const command of pendingFrom()) {
        if ((command.deadline ?? now) > now) break;
        command.reject(new Error('Command timed out'));
      }
    },
  );
  const target = client as unknown as { sendCommand: Send };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command, stream) => {
    command.deadline = clock.now() + ms;
    const sent = send(command, stream);
    if (!command.isSettled) deadline.watch();
    return sent;
  };
  return deadline;
}
