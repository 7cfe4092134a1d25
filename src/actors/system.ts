/**
 * The actor system: one actor per entity (store or user), made on first use and evicted when idle.
 * A script call names its entity, so the call itself is the message: `send(call)` hands it to that
 * entity's actor. Mailbox refusals become the semantic errors BUSY and the two timeouts.
 */
import { DomainError, Kind } from '../errors.ts';
import type { ScriptCall } from '../lua/call.ts';
import type { RedisClient } from '../redis/connect.ts';
import { type Clock, systemClock } from './clock.ts';
import { EntityActor } from './entity-actor.ts';
import { MailboxFullError, MailboxTimeoutError } from './mailbox.ts';
import { ActorRegistry } from './registry.ts';

export interface ActorSystemOptions {
  capacity: number;
  timeoutMs: number;
  maxBatch?: number;
  idleMs?: number;
  clock?: Clock;
}

function overloaded(error: unknown): never {
  if (error instanceof MailboxFullError) throw new DomainError(Kind.BUSY);
  if (error instanceof MailboxTimeoutError)
    throw new DomainError(error.started ? Kind.RUN_TIMEOUT : Kind.QUEUE_TIMEOUT);
  throw error;
}

export function createActorSystem(redis: RedisClient, options: ActorSystemOptions) {
  const clock = options.clock ?? systemClock;
  const mailbox = {
    capacity: options.capacity,
    timeoutMs: options.timeoutMs,
    maxBatch: options.maxBatch ?? 64,
    clock,
  };
  const idleMs = options.idleMs ?? 30_000;
  const actors = new ActorRegistry(() => new EntityActor(redis, mailbox), { idleMs, clock });
  const sweeper = setInterval(() => actors.sweep(), idleMs);
  sweeper.unref?.();

  return {
    actors,
    /** How many actors are live, by the kind of their entity. */
    live(): { store: number; user: number } {
      let store = 0;
      for (const entity of actors.keys()) if (entity.startsWith('s:')) store++;
      return { store, user: actors.size - store };
    },
    /** New work for the call's entity (refused with BUSY when its mailbox is full). */
    send: <R>(call: ScriptCall<R>): Promise<R> => actors.get(call.entity).ask(call).catch(overloaded),
    /** The next step of admitted work: taken even when the mailbox is full, so a saga never stops half-way. */
    continue: <R>(call: ScriptCall<R>): Promise<R> =>
      actors.get(call.entity).ask(call, true).catch(overloaded),
    stopAll(): void {
      clearInterval(sweeper);
      actors.stopAll();
    },
  };
}

export type ActorSystem = ReturnType<typeof createActorSystem>;
