/**
 * The actor system: one registry of store actors and one of user actors, idle eviction on a timer,
 * and the translation of mailbox refusals into the API's 503 with Retry-After.
 */
import type { Cluster, Redis } from 'ioredis';
import { ApiError } from '../errors.ts';
import type { Reply, ScriptCalls } from '../lua/scripts.ts';
import { type Clock, systemClock } from './clock.ts';
import { EntityActor } from './entity-actor.ts';
import { MailboxFullError, MailboxTimeoutError } from './mailbox.ts';
import { ActorRegistry } from './registry.ts';
import { type StoreMessage, storeHandler } from './store-actor.ts';
import { type UserMessage, userHandler } from './user-actor.ts';

export interface ActorSystemOptions {
  capacity: number;
  timeoutMs: number;
  maxBatch?: number;
  idleMs?: number;
  clock?: Clock;
}

function overloadToApiError(error: unknown): never {
  if (error instanceof MailboxFullError) {
    throw new ApiError(503, 'server busy: too many requests for this entity; nothing was changed', {
      'Retry-After': '1',
    });
  }
  if (error instanceof MailboxTimeoutError) {
    const message = error.started
      ? 'request timed out while running; its outcome is unknown (retry with the same Idempotency-Key)'
      : 'request timed out in the queue; nothing was changed';
    throw new ApiError(503, message, { 'Retry-After': '1' });
  }
  throw error;
}

export function createActorSystem(redis: Redis | Cluster, scripts: ScriptCalls, options: ActorSystemOptions) {
  const clock = options.clock ?? systemClock;
  const mailbox = {
    capacity: options.capacity,
    timeoutMs: options.timeoutMs,
    maxBatch: options.maxBatch ?? 64,
    clock,
  };
  const registry = { idleMs: options.idleMs ?? 30_000, clock };
  const stores = new ActorRegistry(
    (id) => new EntityActor(redis, storeHandler(scripts, id), mailbox),
    registry,
  );
  const users = new ActorRegistry(
    (id) => new EntityActor(redis, userHandler(scripts, id), mailbox),
    registry,
  );
  const sweeper = setInterval(() => {
    stores.sweep();
    users.sweep();
  }, registry.idleMs);
  sweeper.unref?.();

  return {
    stores,
    users,
    /** Sends new work to a store's actor (refused with 503 when its mailbox is full). */
    store: (id: string, message: StoreMessage): Promise<Reply> =>
      stores.get(id).ask(message).catch(overloadToApiError),
    /** Sends new work to a user's actor (refused with 503 when its mailbox is full). */
    user: (id: string, message: UserMessage): Promise<Reply> =>
      users.get(id).ask(message).catch(overloadToApiError),
    /** The next step of admitted work: taken even when the mailbox is full, so a saga never stops half-way. */
    continueStore: (id: string, message: StoreMessage): Promise<Reply> =>
      stores.get(id).ask(message, true).catch(overloadToApiError),
    continueUser: (id: string, message: UserMessage): Promise<Reply> =>
      users.get(id).ask(message, true).catch(overloadToApiError),
    stopAll(): void {
      clearInterval(sweeper);
      stores.stopAll();
      users.stopAll();
    },
  };
}

export type ActorSystem = ReturnType<typeof createActorSystem>;
