/**
 * A script call: one typed Lua script invocation, bound to its keys and arguments, that knows the
 * entity whose hash slot it runs in and how to decode its reply into named fields. This module is
 * the one place that sends calls to Redis: alone as one command, or several as one pipeline (one
 * round trip), which is how an actor sends a batch.
 */
import type { Socket } from 'node:net';
import { Cluster, type Redis, type RedisCommander, type Result } from 'ioredis';
import type { RedisClient } from '../redis/connect.ts';
import type { ReplyOf, ScriptName } from './commands.ts';

/**
 * The entity whose slot a call touches: `s:<store>` or `u:<user>`, the key of its actor; or
 * `a:<address>`, a client address (its calls run alone, never through an actor).
 */
export type Entity = `s:${string}` | `u:${string}` | `a:${string}`;

export const storeEntity = (store: string): Entity => `s:${store}`;
export const userEntity = (user: string): Entity => `u:${user}`;
export const addressEntity = (address: string): Entity => `a:${address}`;

type Direct = { type: 'default' };
type Piped = { type: 'pipeline' };
/** Invokes the script's registered command on a client or a pipeline. */
type Send<Raw> = <Ctx extends Direct | Piped>(target: RedisCommander<Ctx>) => Result<Raw, Ctx>;

export interface ScriptCall<R> {
  /** the script's name (its file `src/lua/<script>-<keys>.lua`), for logs */
  readonly script: ScriptName;
  readonly entity: Entity;
  send: Send<unknown>;
  /** The reply as named fields; throws on a reply that is not the script's shape. */
  decode(raw: unknown): R;
}

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Every script answers an array whose first element is its code (codes.ts). */
function replyOf<Raw>(script: string, raw: unknown): Raw {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number') {
    throw new Error(`unexpected reply of script ${script}: ${JSON.stringify(raw)}`);
  }
  return raw as Raw;
}

export function scriptCall<N extends ScriptName, R>(
  script: N,
  entity: Entity,
  send: Send<ReplyOf<N>>,
  decode: (raw: ReplyOf<N>) => R,
): ScriptCall<R> {
  return { script, entity, send, decode: (raw) => decode(replyOf<ReplyOf<N>>(script, raw)) };
}

/** Runs one call by itself and decodes its reply; a Redis error rejects. */
export async function runScript<R>(redis: RedisClient, call: ScriptCall<R>): Promise<R> {
  return call.decode(await call.send<Direct>(redis));
}

/** Sends one call by itself; its reply undecoded, or its error. */
async function settle(redis: Redis | Cluster, call: ScriptCall<unknown>): Promise<Settled<unknown>> {
  try {
    return { ok: true, value: await call.send<Direct>(redis) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Sends calls of one slot, alone as one command or several back to back in one socket write (a
 * pipeline); each reply undecoded. On one Redis the calls are written on the corked connection
 * rather than through an ioredis Pipeline, whose construction (a copy of every script method per
 * pipeline) cost 4 % of the server's CPU in the checkout benchmark.
 */
export async function sendCalls(
  redis: RedisClient,
  calls: ScriptCall<unknown>[],
): Promise<Settled<unknown>[]> {
  if (calls.length === 1 && calls[0]) return [await settle(redis, calls[0])];
  if (!(redis instanceof Cluster)) {
    // ioredis writes each command synchronously when it is sent: corked, they leave together.
    const stream = (redis as unknown as { stream?: Socket }).stream;
    stream?.cork();
    const settled = calls.map((call) => settle(redis, call));
    stream?.uncork();
    return Promise.all(settled);
  }
  const pipeline = redis.pipeline();
  for (const call of calls) call.send<Piped>(pipeline);
  let results: [Error | null, unknown][] | null;
  try {
    results = await pipeline.exec();
  } catch {
    // ioredis refuses a whole Cluster batch before sending any of it when one call's keys are
    // malformed or not in the batch's slot. Nothing ran, so each call runs alone, in order, and only
    // the bad one fails. (Errors after sending come back per call in `results`, never here.)
    const settled: Settled<unknown>[] = [];
    for (const call of calls) settled.push(...(await sendCalls(redis, [call])));
    return settled;
  }
  return calls.map((_call, i) => {
    const [error, raw] = results?.[i] ?? [new Error('no reply in the pipeline'), undefined];
    return error ? { ok: false, error } : { ok: true, value: raw };
  });
}
