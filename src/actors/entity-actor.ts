/**
 * An actor for one entity (a store or a user). It owns no data: it orders the work for its entity
 * and sends every batch of queued messages to Redis as one pipeline (one round trip), answering each
 * caller with its own reply. All keys of one entity share a hash slot, so the pipeline is valid on a
 * Redis Cluster too. Correctness never depends on the actor: each message is one atomic script.
 */
import { Cluster, type Redis } from 'ioredis';
import { type Call, type Reply, toReply } from '../lua/scripts.ts';
import { Mailbox, type MailboxOptions, type Settled } from './mailbox.ts';

type Invoke = (...args: (string | number)[]) => Promise<unknown>;

/** Runs calls on Redis: alone as one command, several as one pipeline. */
export async function runCalls(redis: Redis | Cluster, calls: Call[]): Promise<Settled<Reply>[]> {
  if (calls.length === 1 && calls[0]) {
    const { command, args } = calls[0];
    try {
      const raw = await (redis as unknown as Record<string, Invoke>)[command]?.(...args);
      return [{ ok: true, value: toReply(raw) }];
    } catch (error) {
      return [{ ok: false, error }];
    }
  }
  const pipeline = redis.pipeline() as unknown as Record<string, Invoke> & { exec(): Promise<unknown> };
  for (const { command, args } of calls) pipeline[command]?.(...args);
  let results: [Error | null, unknown][];
  try {
    results = (await pipeline.exec()) as [Error | null, unknown][];
  } catch (error) {
    // On a Cluster, ioredis refuses a whole batch before sending any of it when one call's keys are
    // malformed or not in the batch's slot. Nothing ran, so each call runs alone, in order, and only
    // the bad one fails. (Errors after sending come back per call in `results`, never here.)
    if (!(redis instanceof Cluster)) throw error;
    const settled: Settled<Reply>[] = [];
    for (const call of calls) settled.push(...(await runCalls(redis, [call])));
    return settled;
  }
  return results.map(([error, raw]) => {
    if (error) return { ok: false, error };
    try {
      return { ok: true, value: toReply(raw) };
    } catch (decodeError) {
      return { ok: false, error: decodeError };
    }
  });
}

export class EntityActor<M> {
  private readonly mailbox: Mailbox<M, Reply>;

  constructor(redis: Redis | Cluster, handle: (message: M) => Call, options: MailboxOptions) {
    this.mailbox = new Mailbox((batch) => runCalls(redis, batch.map(handle)), options);
  }

  get idle(): boolean {
    return this.mailbox.idle;
  }

  ask(message: M, continuation = false): Promise<Reply> {
    return this.mailbox.enqueue(message, continuation);
  }

  stop(): void {
    this.mailbox.stop();
  }
}
