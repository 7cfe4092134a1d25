/**
 * An actor for one entity (a store or a user). It owns no data: it orders the work for its entity
 * and sends every batch of queued script calls to Redis as one pipeline (one round trip), answering
 * each caller with its own decoded reply. All keys of one entity share a hash slot, so the pipeline
 * is valid on a Redis Cluster too. Correctness never depends on the actor: each call is one atomic
 * script that checks state before it writes.
 */
import { type ScriptCall, sendCalls } from '../lua/call.ts';
import type { RedisClient } from '../redis/connect.ts';
import { Mailbox, type MailboxOptions } from './mailbox.ts';

export class EntityActor {
  private readonly mailbox: Mailbox<ScriptCall<unknown>, unknown>;

  constructor(redis: RedisClient, options: MailboxOptions) {
    this.mailbox = new Mailbox((batch) => sendCalls(redis, batch), options);
  }

  get idle(): boolean {
    return this.mailbox.idle;
  }

  /** `continuation`: the next step of admitted work, taken even when the mailbox is full. */
  async ask<R>(call: ScriptCall<R>, continuation = false): Promise<R> {
    return call.decode(await this.mailbox.enqueue(call, continuation));
  }

  stop(): void {
    this.mailbox.stop();
  }
}
